import type { SqlValue } from 'sql.js';
import type { PersonaErrorCode } from '../core/errors';
import type { Job, JobPhase, JobStatus } from './types';

const str = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/** Maps a `jobs` row (snake_case columns) to the Job the rest of the code sees. */
export function rowToJob(row: Record<string, SqlValue>): Job {
  const errorCode = str(row['error_code']);
  return {
    id: String(row['id']),
    persona: String(row['persona']),
    task: String(row['task']),
    context: String(row['context'] ?? ''),
    contextNote: str(row['context_note']),
    priority: Number(row['priority']),
    status: row['status'] as JobStatus,
    phase: str(row['phase']) as JobPhase | null,
    percent: Number(row['percent']),
    message: str(row['message']),
    etaMs: num(row['eta_ms']),
    partialOutput: str(row['partial_output']),
    result: str(row['result']),
    error: errorCode
      ? { code: errorCode as PersonaErrorCode, message: str(row['error_message']) ?? '', hint: str(row['error_hint']) ?? '' }
      : null,
    modelLabel: str(row['model_label']),
    tokensIn: Number(row['tokens_in']),
    tokensOut: Number(row['tokens_out']),
    toolCalls: Number(row['tool_calls']),
    attempt: Number(row['attempt']),
    createdAt: Number(row['created_at']),
    startedAt: num(row['started_at']),
    finishedAt: num(row['finished_at']),
    heartbeatAt: num(row['heartbeat_at']),
    expiresAt: num(row['expires_at']),
    parentId: str(row['parent_id']),
  };
}
