import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PersonaError, type PersonaErrorCode } from '../core/errors';
import { FINDING_SEVERITIES, type PresentedReview, type StoredFinding, type Suppression } from '../findings/types';
import { ownerToolAnswer } from './ownerAnswer';

/** A row as list_findings answers it (snake_case, like every tool's fields). */
interface FindingRow {
  job_id: string;
  root_job_id: string;
  ordinal: number;
  persona: string;
  severity: string;
  title: string;
  file: string | null;
  start_line: number | null;
  end_line: number | null;
  code: string | null;
  evidence: string | null;
  why: string | null;
  recommendation: string | null;
  fingerprint: string;
  anchored: boolean;
  scope: 'changed' | 'preexisting' | null;
  created_at: string;
  suppression?: Suppression | null;
}

/** list_findings answers at most this many; a review has far fewer. */
const LIMIT = 1000;

async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<unknown> {
  const out = ownerToolAnswer((await client.callTool({ name, arguments: args }, CallToolResultSchema)) as CallToolResult);
  if ('failure' in out) throw new PersonaError(out.failure.code as PersonaErrorCode, `The owner's ${name} refused: ${out.failure.message}`, out.failure.hint);
  return out.answer;
}

/**
 * A review that ran in the store's owner, as the CLI reports it: the owner's presented text
 * (check_persona_job applies the suppressions) and its rows from list_findings, sorted into
 * remaining, pre-existing and suppressed the way `present` sorts them here.
 */
export async function ownerFindings(client: Client, jobId: string, markdown: string, includePreexisting: boolean, notInTemplate: boolean): Promise<PresentedReview> {
  const answer = (await tool(client, 'list_findings', { job_id: jobId, include_suppressed: true, include_preexisting: true, limit: LIMIT })) as { findings?: FindingRow[]; suppressions_error?: string };
  const rows = [...(answer.findings ?? [])].sort((a, b) => (a.job_id === b.job_id ? a.ordinal - b.ordinal : a.job_id < b.job_id ? -1 : 1));
  const presented: PresentedReview = { markdown, remaining: [], suppressed: [], preexisting: [], unanchored: 0, suppressionsError: answer.suppressions_error ?? null, notInTemplate };
  for (const row of rows) {
    const finding = toFinding(row);
    if (row.suppression) presented.suppressed.push({ finding, suppression: row.suppression });
    else if (finding.scope === 'preexisting') presented.preexisting.push(finding);
    else presented.remaining.push(finding);
  }
  presented.unanchored = [...presented.remaining, ...(includePreexisting ? presented.preexisting : [])].filter((f) => !f.anchored).length;
  return presented;
}

/** The asked personas' names and descriptions, from the owner's registry (SARIF names its tools by them). */
export async function ownerPersonas(client: Client, ids: readonly string[]): Promise<{ id: string; name: string; description: string }[]> {
  const answer = (await tool(client, 'list_personas', {})) as { personas?: { id: string; name: string; description: string }[] };
  return ids.map((id) => {
    const p = answer.personas?.find((x) => x.id === id);
    return { id, name: p?.name ?? id, description: p?.description ?? '' };
  });
}

function toFinding(row: FindingRow): StoredFinding {
  const severity = FINDING_SEVERITIES.find((s) => s === row.severity) ?? 'low';
  return {
    jobId: row.job_id,
    rootJobId: row.root_job_id,
    ordinal: row.ordinal,
    persona: row.persona,
    severity,
    title: row.title,
    file: row.file,
    startLine: row.start_line,
    endLine: row.end_line,
    code: row.code,
    evidence: row.evidence,
    why: row.why,
    recommendation: row.recommendation,
    fingerprint: row.fingerprint,
    anchored: row.anchored,
    scope: row.scope,
    createdAt: Date.parse(row.created_at),
  };
}
