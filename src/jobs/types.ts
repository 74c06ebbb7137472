import type { SerializedError } from '../core/errors';

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

export const JOB_PHASES = ['initializing', 'searching', 'analyzing', 'generating'] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

export interface Job {
  id: string;
  persona: string;
  task: string;
  context: string;
  contextNote: string | null;
  priority: number;
  status: JobStatus;
  phase: JobPhase | null;
  percent: number;
  message: string | null;
  etaMs: number | null;
  partialOutput: string | null;
  result: string | null;
  error: SerializedError | null;
  modelLabel: string | null;
  tokensIn: number;
  tokensOut: number;
  toolCalls: number;
  attempt: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  heartbeatAt: number | null;
  expiresAt: number | null;
  parentId: string | null;
}

export interface NewJob {
  persona: string;
  task: string;
  context?: string;
  contextNote?: string | null;
  priority?: number;
  parentId?: string | null;
}

export interface JobProgress {
  phase: JobPhase;
  percent: number;
  message?: string;
  etaMs?: number | null;
  partialOutput?: string;
}

export interface JobOutcome {
  result: string;
  tokensIn: number;
  tokensOut: number;
  toolCalls?: number;
  /** Sets the job's model label when given (a panel names its children's models). */
  modelLabel?: string | null;
}

export interface JobEvents extends Record<string, unknown> {
  'job:created': Job;
  'job:started': Job;
  'job:progress': Job;
  'job:completed': Job;
  'job:failed': Job;
  'job:cancelled': Job;
  /** Jobs were deleted (retention, reset); ids are not listed, views refresh. */
  'jobs:removed': { count: number };
}

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
