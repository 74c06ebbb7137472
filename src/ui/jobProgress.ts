import * as vscode from 'vscode';
import { TERMINAL_STATUSES, type JobSummary } from '../jobs/types';
import type { PersonaServices } from '../services';
import { openJobDocument } from './jobDocuments';
import { reportJobFailure } from './jobFailure';
import { jobTitle } from './jobPresentation';
import { readOpenOnCompletion } from './settings';

/**
 * A progress notification for one job, with Cancel. Resolves with the job once it reaches a
 * terminal state (or is deleted). It follows the job through JobWatch; it never polls.
 */
export function showJobProgress(services: PersonaServices, job: JobSummary, title = jobTitle(job)): Promise<JobSummary> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => {
        void services.jobs.cancel(job.id).catch(() => undefined);
      });
      let reported = 0;
      return services.watch.whenSettled(job.id, {
        onChange: (changed) => {
          if (TERMINAL_STATUSES.has(changed.status)) return;
          const increment = Math.max(0, changed.percent - reported);
          reported += increment;
          const label = changed.modelLabel ? ` (${changed.modelLabel})` : '';
          progress.report({ increment, message: `${changed.phase ?? changed.status}${label}: ${changed.message ?? ''}` });
        },
      });
    }),
  );
}

/** Shows the job's progress (under `title`, the job's own unless told); then opens its result, or says why it failed. */
export async function followJob(services: PersonaServices, job: JobSummary, title?: string): Promise<void> {
  const final = await showJobProgress(services, job, title);
  if (final.status === 'completed' && readOpenOnCompletion()) {
    await openJobDocument(final.id, final.persona);
  } else if (final.status === 'failed') {
    await reportJobFailure(final);
  }
}
