// Which recorded jobs a window follows again after a reload. Plain code (no `vscode`), so the
// unit tests check it.
import { TERMINAL_STATUSES, type JobSummary } from '../jobs/types';

/**
 * Splits the ids a window recorded: the jobs still queued or running are followed again; the
 * ones that ended meanwhile (their outcome is in the tree) or were cleaned up are forgotten.
 */
export function jobsToResume(ids: readonly string[], summaryOf: (id: string) => JobSummary | undefined): { follow: JobSummary[]; forget: string[] } {
  const follow: JobSummary[] = [];
  const forget: string[] = [];
  for (const id of new Set(ids)) {
    const job = summaryOf(id);
    if (job && !TERMINAL_STATUSES.has(job.status)) follow.push(job);
    else forget.push(id);
  }
  return { follow, forget };
}
