import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { TERMINAL_STATUSES, type Job, type JobSummary } from '../jobs/types';
import type { PersonaServices } from '../services';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * When the client sent a progressToken, each forward step of a job's percent becomes a
 * notifications/progress with phase, percent and ETA in the message (the spec has no fields
 * for them). Returns the listener to hand to JobWatch.
 */
export function progressNotifier(extra: ToolExtra): ((job: JobSummary) => void) | undefined {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let lastProgress = -1;
  return (job) => {
    // Progress must strictly increase; 100 is sent only by a finished job.
    const progress = TERMINAL_STATUSES.has(job.status) ? 100 : Math.min(99, job.percent);
    if (progress <= lastProgress) return;
    lastProgress = progress;
    void extra
      .sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: 100, message: progressMessage(job) } })
      .catch(() => undefined);
  };
}

/**
 * Waits up to `waitMs` for a job to end (JobWatch: store events, no polling), sending progress
 * notifications on the way; returns the whole job as it is when it ends, the time is up, or the
 * request is cancelled.
 */
export async function waitForJob(services: PersonaServices, jobId: string, waitMs: number, extra: ToolExtra): Promise<Job> {
  const notify = progressNotifier(extra);
  if (waitMs > 0) await services.watch.whenSettled(jobId, { timeoutMs: waitMs, signal: extra.signal, onChange: notify });
  // A poll (wait 0) is one read of the row, as before there was a watch.
  const job = services.store.require(jobId);
  if (waitMs <= 0) notify?.(job);
  return job;
}

export function progressMessage(job: JobSummary): string {
  const parts = [`${job.persona}: ${job.status === 'running' ? (job.phase ?? 'running') : job.status}`, `${job.percent}%`];
  if (job.etaMs !== null && job.status === 'running') parts.push(`ETA ${Math.ceil(job.etaMs / 1000)} s`);
  if (job.message) parts.push(job.message);
  return parts.join(' · ');
}
