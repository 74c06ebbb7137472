import type { SerializedError } from '../core/errors';

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

/** Where a job was asked from: metrics count invocations by it. A panel's children and a retry keep their parent's. */
export const JOB_SOURCES = ['palette', 'chat', 'mcp', 'cli', 'workflow', 'api'] as const;
export type JobSource = (typeof JOB_SOURCES)[number];

export const JOB_PHASES = ['initializing', 'searching', 'analyzing', 'generating'] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

/**
 * A job as events carry it: every field but the three that can be large (the context, the
 * partial output and the result, up to 400 KB together). Read those with `JobStore.get`.
 *
 * `persona` names who runs the job; the queue stores it and groups history by it, and never
 * interprets it (a parent job's is its coordinator's name, such as `panel`).
 */
export interface JobSummary {
  id: string;
  persona: string;
  task: string;
  contextNote: string | null;
  priority: number;
  status: JobStatus;
  phase: JobPhase | null;
  percent: number;
  message: string | null;
  etaMs: number | null;
  error: SerializedError | null;
  modelLabel: string | null;
  tokensIn: number;
  tokensOut: number;
  toolCalls: number;
  /** Input tokens read from and written to the model's prompt cache (tokensIn is the uncached rest). */
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** The model id that answered, when known: what cost is priced by. */
  modelId: string | null;
  source: JobSource;
  attempt: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  heartbeatAt: number | null;
  expiresAt: number | null;
  parentId: string | null;
}

/** The whole row. */
export interface Job extends JobSummary {
  context: string;
  partialOutput: string | null;
  result: string | null;
}

export interface NewJob {
  persona: string;
  task: string;
  context?: string;
  contextNote?: string | null;
  priority?: number;
  parentId?: string | null;
  /** Where it was asked from (default 'api'); a panel's children take their parent's. */
  source?: JobSource;
}

export interface JobProgress {
  phase: JobPhase;
  percent: number;
  message?: string;
  etaMs?: number | null;
  partialOutput?: string;
  /** A new stage of the run (e.g. a workflow's next phase): sent to the host at once, never throttled away. */
  milestone?: boolean;
}

export interface JobOutcome {
  result: string;
  tokensIn: number;
  tokensOut: number;
  toolCalls?: number;
  /** Input tokens read from the prompt cache, and written to it (Messages API usage); 0 when the model has no cache. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** The model id that answered (e.g. `claude-sonnet-4-5`, `demo-model`, `vscode-lm:copilot/gpt-4o`): what cost is priced by. */
  modelId?: string | null;
  /** Sets the job's model label when given (a panel names its children's models). */
  modelLabel?: string | null;
}

/** Store events; each carries the job's summary as it was written (never the large fields). */
export interface JobEvents extends Record<string, unknown> {
  /** A new job (never a retried or re-queued one: see `job:requeued`). */
  'job:created': JobSummary;
  /** A job queued again: retried, re-queued at shutdown, or recovered after a crash. */
  'job:requeued': JobSummary;
  'job:started': JobSummary;
  'job:progress': JobSummary;
  'job:completed': JobSummary;
  'job:failed': JobSummary;
  'job:cancelled': JobSummary;
  /** Jobs were deleted (retention, reset); ids are not listed, views refresh. */
  'jobs:removed': { count: number };
}

/** The events that describe one job's change. */
export const JOB_CHANGE_EVENTS = ['job:created', 'job:requeued', 'job:started', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled'] as const;
export type JobChangeEvent = (typeof JOB_CHANGE_EVENTS)[number];

export interface Retention {
  completedDays: number;
  failedDays: number;
  cancelledDays: number;
}

export interface StoreStats {
  counts: Record<JobStatus, number>;
  total: number;
  bytesOnDisk: number;
  journalBytes: number;
  oldestJobAt: number | null;
  lastCleanupAt: number | null;
  acceptingJobs: boolean;
}
