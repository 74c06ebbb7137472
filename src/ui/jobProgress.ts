import * as vscode from 'vscode';
import type { JobStore } from '../jobs/jobStore';
import type { WorkerPool } from '../jobs/workerPool';
import { TERMINAL_STATUSES, type Job } from '../jobs/types';
import type { PersonaServices } from '../services';
import { openJobDocument } from './jobDocuments';
import { reportJobFailure } from './jobFailure';
import { jobTitle } from './jobPresentation';
import { readOpenOnCompletion } from './settings';

/**
 * A progress notification for one job, with Cancel. Resolves with the job once it reaches a
 * terminal state. It listens to store events; it never polls.
 */
export function showJobProgress(store: JobStore, pool: WorkerPool, job: Job): Promise<Job> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: jobTitle(job), cancellable: true },
      (progress, token) =>
        new Promise<Job>((resolve) => {
          let reported = 0;
          const unsubscribers: (() => void)[] = [];
          const finish = (final: Job): void => {
            for (const u of unsubscribers) u();
            resolve(final);
          };
          const onChange = (changed: Job): void => {
            if (changed.id !== job.id) return;
            if (TERMINAL_STATUSES.has(changed.status)) {
              finish(changed);
              return;
            }
            const increment = Math.max(0, changed.percent - reported);
            reported += increment;
            const label = changed.modelLabel ? ` (${changed.modelLabel})` : '';
            progress.report({ increment, message: `${changed.phase ?? changed.status}${label}: ${changed.message ?? ''}` });
          };
          for (const event of ['job:started', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled'] as const) {
            unsubscribers.push(store.events.on(event, onChange));
          }
          token.onCancellationRequested(() => {
            void pool.cancel(job.id).catch(() => undefined);
          });
          // The job may have moved on before we subscribed.
          const current = store.get(job.id);
          if (current) onChange(current);
        }),
    ),
  );
}

/** Shows the job's progress; then opens its result, or says why it failed. */
export async function followJob(services: PersonaServices, job: Job): Promise<void> {
  const final = await showJobProgress(services.store, services.pool, job);
  if (final.status === 'completed' && readOpenOnCompletion()) {
    await openJobDocument(final.id, final.persona);
  } else if (final.status === 'failed') {
    await reportJobFailure(final);
  }
}
