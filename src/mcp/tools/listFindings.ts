import { z } from 'zod';
import { FINDING_SEVERITIES, type StoredFinding, type Suppression } from '../../findings/types';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { guarded, ok } from '../results';

export const MAX_FINDINGS_LISTED = 1000;

/**
 * Findings as data for agents: the rows a completed review was read into (src/findings), so a
 * caller filters and acts on them without parsing a review's markdown.
 */
export function registerListFindings(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'list_findings',
    {
      description:
        'Findings of completed persona reviews as JSON rows, newest first: severity, title, file and lines, evidence, why it matters, recommendation, and a fingerprint that stays the same while unrelated code is edited. Use it to act on a review without parsing its markdown, e.g. job_id from invoke_* once check_persona_job says "completed" (a panel\'s job_id includes every persona\'s findings). Findings the team dismissed in .agent-os/suppressions.json are left out unless include_suppressed is true. In a review of a diff, scope is "changed" (on a changed line) or "preexisting" (on an unchanged line); anchored is false when the cited file or line does not exist.',
      inputSchema: {
        file: z.string().min(1).max(1000).optional().describe('Only findings citing this file: its path relative to the workspace root with "/" separators, as the review cited it (e.g. "src/db.ts").'),
        persona: z.string().min(1).max(64).optional().describe('Only findings of this persona id (see list_personas), e.g. "security".'),
        severity: z.enum(FINDING_SEVERITIES).optional().describe('Only findings at or above this severity: "high" returns critical and high.'),
        job_id: z.string().min(1).max(100).optional().describe('Only the findings of this job, as invoke_* returned it; a panel\'s job includes its personas\' findings.'),
        include_suppressed: z.boolean().default(false).describe('Also return findings dismissed in .agent-os/suppressions.json, each with its suppression (reason, note, by, at).'),
        include_preexisting: z.boolean().default(true).describe('Also return findings on unchanged lines of a diff review (scope "preexisting"); false keeps only those on changed lines and those of reviews without a diff.'),
        limit: z.number().int().min(1).max(MAX_FINDINGS_LISTED).default(100).describe('How many findings to return at most, newest first.'),
      },
      annotations: { readOnlyHint: true },
    },
    (input) =>
      guarded(() => {
        const { findings, store } = deps.services;
        // A job that does not exist is an error naming it; one that exists but has not completed has none yet, and says so.
        const job = input.job_id === undefined ? undefined : store.requireSummary(input.job_id);
        const suppressions = findings.suppressions();
        const rows = findings.list({
          file: input.file === undefined ? undefined : cleanPath(input.file),
          persona: input.persona,
          severity: input.severity,
          jobId: input.job_id,
          includeSuppressed: input.include_suppressed,
          includePreexisting: input.include_preexisting,
          limit: input.limit,
        });
        const byFingerprint = new Map(suppressions.entries.map((s) => [s.fingerprint, s]));
        return ok({
          findings: rows.map((f) => findingView(f, input.include_suppressed ? (byFingerprint.get(f.fingerprint) ?? null) : undefined)),
          count: rows.length,
          ...(job ? { job_status: job.status } : {}),
          ...(job && job.status !== 'completed' ? { note: pendingNote(job.id, job.status) } : {}),
          ...(suppressions.error ? { suppressions_error: suppressions.error.message } : {}),
        });
      }),
  );
}

/** Why a job has no findings yet (or none at all), and what to do. */
function pendingNote(id: string, status: string): string {
  return status === 'queued' || status === 'running'
    ? `Job ${id} is ${status}: its findings are stored when it completes (check_persona_job with wait_seconds waits for that).`
    : `Job ${id} is ${status}: only a completed review has findings (retry_persona_job runs it again).`;
}

/** A finding as the tool answers it: snake_case like every other tool's fields; `suppression` only when asked for. */
function findingView(f: StoredFinding, suppression: Suppression | null | undefined): Record<string, unknown> {
  return {
    job_id: f.jobId,
    root_job_id: f.rootJobId,
    ordinal: f.ordinal,
    persona: f.persona,
    severity: f.severity,
    title: f.title,
    file: f.file,
    start_line: f.startLine,
    end_line: f.endLine,
    location: f.file === null ? null : f.startLine === null ? f.file : `${f.file}:${f.startLine}${f.endLine !== null && f.endLine !== f.startLine ? `-${f.endLine}` : ''}`,
    code: f.code,
    evidence: f.evidence,
    why: f.why,
    recommendation: f.recommendation,
    fingerprint: f.fingerprint,
    anchored: f.anchored,
    scope: f.scope,
    created_at: new Date(f.createdAt).toISOString(),
    ...(suppression === undefined ? {} : { suppressed: suppression !== null, suppression }),
  };
}

/** As the review parser writes a cited path: `/` separators, no leading `./`. */
function cleanPath(file: string): string {
  return file.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}
