import type { PersonaServices } from '../../src/services';
import type { Job, JobPhase, JobStatus, JobSummary } from '../../src/jobs/types';

/** Follows the job with the product's JobWatch (store events, no polling) until `predicate` holds; fails after the deadline or when the job ends otherwise. */
async function waitForJobState(services: PersonaServices, id: string, predicate: (job: JobSummary) => boolean, what: string, timeoutMs: number): Promise<Job> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  try {
    for await (const job of services.watch.watch(id, { signal: stop.signal })) {
      if (predicate(job)) return services.store.require(id);
    }
  } finally {
    clearTimeout(timer);
  }
  const now = services.store.summary(id);
  throw new Error(`job ${id} never became ${what}${stop.signal.aborted ? ` within ${timeoutMs} ms` : ''}; it is ${now ? `${now.status}${now.phase ? ` (${now.phase})` : ''}` : 'missing'}`);
}

export function waitForJob(services: PersonaServices, id: string, statuses: JobStatus[], timeoutMs = 30_000): Promise<Job> {
  return waitForJobState(services, id, (j) => statuses.includes(j.status), statuses.join('|'), timeoutMs);
}

export function waitForPhase(services: PersonaServices, id: string, phase: JobPhase, timeoutMs = 30_000): Promise<Job> {
  return waitForJobState(services, id, (j) => j.phase === phase, phase, timeoutMs);
}
