import type { JobStore } from '../../src/jobs/jobStore';
import type { Job, JobPhase, JobStatus } from '../../src/jobs/types';
import { deferred, withTimeout } from '../harness/waitFor';

const EVENTS = ['job:started', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled'] as const;

/** Resolves when the job matches `predicate`, by store events (no polling), or fails after the deadline. */
function waitForJobState(store: JobStore, id: string, predicate: (job: Job) => boolean, what: string, timeoutMs: number): Promise<Job> {
  const done = deferred<Job>();
  const unsubscribers = EVENTS.map((e) =>
    store.events.on(e, (job) => {
      if (job.id === id && predicate(job)) done.resolve(job);
    }),
  );
  const now = store.get(id);
  if (now && predicate(now)) done.resolve(now);
  return withTimeout(done.promise, timeoutMs, `job ${id} never became ${what}; it is ${store.get(id)?.status ?? 'missing'}`).finally(() => {
    for (const u of unsubscribers) u();
  });
}

export function waitForJob(store: JobStore, id: string, statuses: JobStatus[], timeoutMs = 30_000): Promise<Job> {
  return waitForJobState(store, id, (j) => statuses.includes(j.status), statuses.join('|'), timeoutMs);
}

export function waitForPhase(store: JobStore, id: string, phase: JobPhase, timeoutMs = 30_000): Promise<Job> {
  return waitForJobState(store, id, (j) => j.phase === phase, phase, timeoutMs);
}
