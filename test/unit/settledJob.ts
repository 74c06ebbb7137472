import type { JobReads } from '../../src/jobs/jobReads';
import type { JobWatch } from '../../src/jobs/jobWatch';
import { TERMINAL_STATUSES, type Job } from '../../src/jobs/types';

/**
 * The whole job once it has ended, followed with the product's own JobWatch (store events, no
 * polling); fails saying how long it waited and where the job stood.
 */
export async function settledJob(jobs: { watch: JobWatch; store: JobReads }, id: string, timeoutMs = 30_000): Promise<Job> {
  const job = await jobs.watch.whenSettled(id, { timeoutMs });
  if (!TERMINAL_STATUSES.has(job.status)) {
    throw new Error(`job ${id} did not finish within ${timeoutMs} ms: it is ${job.status}${job.phase ? ` (${job.phase}, ${job.percent}%)` : ''}`);
  }
  return jobs.store.require(id);
}
