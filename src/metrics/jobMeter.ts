import type { JobSource, JobStatus } from '../jobs/types';
import { utcDay } from './days';
import { bucketOf } from './histogram';
import { histogramUpsert, type MetricsStatement } from './statements';

/** What metering reads off a job's summary as its terminal write leaves it. */
export interface MeteredJob {
  persona: string;
  status: JobStatus;
  source: JobSource;
  error: { code: string } | null;
  tokensIn: number;
  tokensOut: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  modelId: string | null;
  toolCalls: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export const SERIES = {
  duration: 'job.duration',
  queueWait: 'job.queue_wait',
  decision: 'standards.decision',
  search: 'search.latency',
  mcp: 'mcp.latency',
} as const;

/**
 * The statements that count one job's end, written in the same durable write as its terminal
 * transition (JobStore's `meter`), so the counts are exactly the ends the store recorded: a
 * crash loses both or neither. A parent (a panel's coordinator) counts as one invocation with
 * no tokens or tool calls: its children carry them, so nothing is counted twice.
 */
export function jobMeterStatements(job: MeteredJob, isParent: boolean, now: number): MetricsStatement[] {
  const finishedAt = job.finishedAt ?? now;
  const day = utcDay(finishedAt);
  const is = (status: JobStatus): number => (job.status === status ? 1 : 0);
  const toolCalls = isParent ? 0 : job.toolCalls;
  const statements: MetricsStatement[] = [
    {
      sql: `INSERT INTO metrics_job_days (day, persona, invocations, completed, failed, cancelled, tool_calls) VALUES (?, ?, 1, ?, ?, ?, ?)
            ON CONFLICT (day, persona) DO UPDATE SET invocations = invocations + 1, completed = completed + excluded.completed,
              failed = failed + excluded.failed, cancelled = cancelled + excluded.cancelled, tool_calls = tool_calls + excluded.tool_calls`,
      params: [day, job.persona, is('completed'), is('failed'), is('cancelled'), toolCalls],
    },
    {
      sql: `INSERT INTO metrics_job_sources (day, persona, source, count) VALUES (?, ?, ?, 1)
            ON CONFLICT (day, persona, source) DO UPDATE SET count = count + 1`,
      params: [day, job.persona, job.source],
    },
  ];
  if (job.status === 'failed') {
    statements.push({
      sql: `INSERT INTO metrics_job_failures (day, persona, code, count) VALUES (?, ?, ?, 1)
            ON CONFLICT (day, persona, code) DO UPDATE SET count = count + 1`,
      params: [day, job.persona, job.error?.code ?? 'INTERNAL'],
    });
  }
  const tokens = [job.tokensIn, job.tokensOut, job.cacheReadTokens, job.cacheWriteTokens];
  if (!isParent && tokens.some((t) => t > 0)) {
    statements.push({
      sql: `INSERT INTO metrics_job_tokens (day, persona, model, input, output, cache_read, cache_write) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, persona, model) DO UPDATE SET input = input + excluded.input, output = output + excluded.output,
              cache_read = cache_read + excluded.cache_read, cache_write = cache_write + excluded.cache_write`,
      params: [day, job.persona, job.modelId ?? '', ...tokens],
    });
  }
  // A job cancelled or failed while queued never started: it has neither a run nor a wait.
  if (job.startedAt !== null) {
    statements.push(histogramUpsert(day, SERIES.queueWait, job.persona, bucketOf(job.startedAt - job.createdAt), 1));
    statements.push(histogramUpsert(day, SERIES.duration, job.persona, bucketOf(finishedAt - job.startedAt), 1));
  }
  return statements;
}
