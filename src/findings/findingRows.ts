import type { JournalParam } from '../jobs/journal';
import type { JobSummary } from '../jobs/types';
import { FINDING_SEVERITIES, type FindingFilter, type FindingSeverity, type NewFinding, type StoredFinding } from './types';

type SqlValue = JournalParam | Uint8Array;
type Statement = { sql: string; params: JournalParam[] };

/** A review lists a handful; a runaway answer is cut here so one job cannot fill the store. */
export const MAX_FINDINGS_PER_JOB = 200;
const MAX_TITLE = 300;
const MAX_TEXT = 4000;
const MAX_PATH = 1000;

/**
 * The statements that store a completed job's findings (FindingsService's `onComplete` for the
 * JobStore): its old rows go first (a retried job is completed again), then one insert each, so
 * they land in the same journal record as the completion itself.
 */
export function findingStatements(job: JobSummary, findings: readonly NewFinding[] | undefined, now: number): Statement[] {
  const statements: Statement[] = [{ sql: 'DELETE FROM findings WHERE job_id = ?', params: [job.id] }];
  const root = job.parentId ?? job.id;
  (findings ?? []).slice(0, MAX_FINDINGS_PER_JOB).forEach((f, i) => {
    if (!FINDING_SEVERITIES.includes(f.severity)) return;
    statements.push({
      sql: `INSERT INTO findings (job_id, ordinal, persona, root_job_id, severity, title, file, start_line, end_line, code, evidence, why, recommendation, fingerprint, anchored, scope, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [
        job.id, i + 1, job.persona, root, f.severity, cut(f.title, MAX_TITLE) ?? '', cut(f.file, MAX_PATH), lineOrNull(f.startLine), lineOrNull(f.endLine),
        cut(f.code, MAX_TEXT), cut(f.evidence, MAX_TEXT), cut(f.why, MAX_TEXT), cut(f.recommendation, MAX_TEXT),
        f.fingerprint.slice(0, 128), f.anchored ? 1 : 0, f.scope, now,
      ],
    });
  });
  return statements;
}

/** The WHERE clause and parameters of a filter (suppressions are applied by the caller, on fingerprints). */
export function filterSql(filter: FindingFilter): { where: string; params: SqlValue[] } {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  if (filter.file !== undefined) {
    clauses.push('file = ?');
    params.push(filter.file);
  }
  if (filter.persona !== undefined) {
    clauses.push('persona = ?');
    params.push(filter.persona);
  }
  if (filter.severity !== undefined) {
    const at = FINDING_SEVERITIES.indexOf(filter.severity);
    const allowed = FINDING_SEVERITIES.slice(0, at + 1);
    clauses.push(`severity IN (${allowed.map(() => '?').join(', ')})`);
    params.push(...allowed);
  }
  if (filter.jobId !== undefined) {
    clauses.push('(job_id = ? OR root_job_id = ?)');
    params.push(filter.jobId, filter.jobId);
  }
  if (filter.includePreexisting === false) clauses.push("(scope IS NULL OR scope <> 'preexisting')");
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export function rowToFinding(row: Record<string, SqlValue>): StoredFinding {
  const text = (k: string): string | null => (row[k] === null || row[k] === undefined ? null : String(row[k]));
  const num = (k: string): number | null => (row[k] === null || row[k] === undefined ? null : Number(row[k]));
  return {
    jobId: String(row['job_id']),
    ordinal: Number(row['ordinal']),
    persona: String(row['persona']),
    rootJobId: String(row['root_job_id']),
    severity: String(row['severity']) as FindingSeverity,
    title: String(row['title']),
    file: text('file'),
    startLine: num('start_line'),
    endLine: num('end_line'),
    code: text('code'),
    evidence: text('evidence'),
    why: text('why'),
    recommendation: text('recommendation'),
    fingerprint: String(row['fingerprint']),
    anchored: Number(row['anchored']) === 1,
    scope: row['scope'] === 'changed' || row['scope'] === 'preexisting' ? row['scope'] : null,
    createdAt: Number(row['created_at']),
  };
}

function cut(value: string | null, max: number): string | null {
  return value === null ? null : value.slice(0, max);
}

function lineOrNull(n: number | null): number | null {
  return n !== null && Number.isSafeInteger(n) && n > 0 ? n : null;
}
