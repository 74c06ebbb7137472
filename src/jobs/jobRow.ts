import type { SqlValue } from 'sql.js';
import type { PersonaErrorCode } from '../core/errors';
import type { Job, JobPhase, JobSource, JobStatus, JobSummary } from './types';

const str = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** The columns of a summary: every column but context, partial_output and result. */
export const SUMMARY_COLUMNS = 'id, persona, task, context_note, priority, status, phase, percent, message, eta_ms, error_code, error_message, error_hint, model_label, tokens_in, tokens_out, tool_calls, cache_read_tokens, cache_write_tokens, model_id, source, attempt, created_at, started_at, finished_at, heartbeat_at, expires_at, parent_id';

/** Maps a `jobs` row (snake_case columns) to the summary the rest of the code sees. */
export function rowToSummary(row: Record<string, SqlValue>): JobSummary {
  const errorCode = str(row['error_code']);
  return {
    id: String(row['id']),
    persona: String(row['persona']),
    task: String(row['task']),
    contextNote: str(row['context_note']),
    priority: Number(row['priority']),
    status: row['status'] as JobStatus,
    phase: str(row['phase']) as JobPhase | null,
    percent: Number(row['percent']),
    message: str(row['message']),
    etaMs: num(row['eta_ms']),
    error: errorCode
      ? { code: errorCode as PersonaErrorCode, message: str(row['error_message']) ?? '', hint: str(row['error_hint']) ?? '' }
      : null,
    modelLabel: str(row['model_label']),
    tokensIn: Number(row['tokens_in']),
    tokensOut: Number(row['tokens_out']),
    toolCalls: Number(row['tool_calls']),
    cacheReadTokens: Number(row['cache_read_tokens']),
    cacheWriteTokens: Number(row['cache_write_tokens']),
    modelId: str(row['model_id']),
    source: row['source'] as JobSource,
    attempt: Number(row['attempt']),
    createdAt: Number(row['created_at']),
    startedAt: num(row['started_at']),
    finishedAt: num(row['finished_at']),
    heartbeatAt: num(row['heartbeat_at']),
    expiresAt: num(row['expires_at']),
    parentId: str(row['parent_id']),
  };
}

/** The whole row: the summary, then the three large fields. */
export function rowToJob(row: Record<string, SqlValue>): Job {
  const job = rowToSummary(row) as Job;
  job.context = String(row['context'] ?? '');
  job.partialOutput = str(row['partial_output']);
  job.result = str(row['result']);
  return job;
}
