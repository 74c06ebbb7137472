import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { JobStore } from '../jobs/jobStore';
import { TERMINAL_STATUSES, type Job } from '../jobs/types';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Waits up to `waitMs` for a job to finish, driven by store events (no polling). When the
 * client sent a progressToken, each forward step of the job's percent becomes a
 * notifications/progress with phase, percent and ETA in the message (the spec has no fields
 * for them). Returns the job as it is when it finishes, the time is up, or the request is
 * cancelled.
 */
export function waitForJob(store: JobStore, jobId: string, waitMs: number, extra: ToolExtra): Promise<Job> {
  const progressToken = extra._meta?.progressToken;
  let lastProgress = -1;
  const report = (job: Job): void => {
    if (progressToken === undefined) return;
    // Progress must strictly increase; 100 is sent only by a finished job.
    const progress = TERMINAL_STATUSES.has(job.status) ? 100 : Math.min(99, job.percent);
    if (progress <= lastProgress) return;
    lastProgress = progress;
    void extra
      .sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total: 100, message: progressMessage(job) } })
      .catch(() => undefined);
  };
  return new Promise<Job>((resolve) => {
    const current = store.require(jobId);
    report(current);
    if (TERMINAL_STATUSES.has(current.status) || waitMs <= 0) {
      resolve(current);
      return;
    }
    const unsubscribes: (() => void)[] = [];
    const finish = (): void => {
      for (const u of unsubscribes) u();
      clearTimeout(timer);
      extra.signal.removeEventListener('abort', finish);
      resolve(store.get(jobId) ?? current);
    };
    const timer = setTimeout(finish, waitMs);
    extra.signal.addEventListener('abort', finish, { once: true });
    const onChange = (job: Job): void => {
      if (job.id !== jobId) return;
      report(job);
      if (TERMINAL_STATUSES.has(job.status)) finish();
    };
    for (const event of ['job:started', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled'] as const) unsubscribes.push(store.events.on(event, onChange));
  });
}

export function progressMessage(job: Job): string {
  const parts = [`${job.persona}: ${job.status === 'running' ? (job.phase ?? 'running') : job.status}`, `${job.percent}%`];
  if (job.etaMs !== null && job.status === 'running') parts.push(`ETA ${Math.ceil(job.etaMs / 1000)} s`);
  if (job.message) parts.push(job.message);
  return parts.join(' · ');
}
