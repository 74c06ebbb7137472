import * as vscode from 'vscode';
import { TERMINAL_STATUSES, type JobSummary } from '../jobs/types';
import type { PersonaServices } from '../services';
import { openJobDocument } from './jobDocuments';
import { reportJobFailure } from './jobFailure';
import { jobTitle } from './jobPresentation';
import { jobsToResume } from './followedJobs';
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

/**
 * The jobs this window's person is following (a progress notification, then the result), kept
 * in the workspace's state so a reload follows them again. Only what a person started or
 * retried here is in it: jobs from agents (MCP) or the CLI never pop up in the editor.
 */
export class FollowedJobs {
  private readonly live = new Map<string, Promise<void>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly state: vscode.Memento) {}

  /** The ids recorded now (followed here, or before the last reload and not yet ended). */
  ids(): string[] {
    const stored = this.state.get<unknown>(FOLLOWED_KEY);
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
  }

  /** Follows the job once: a second call while it is followed joins the first. */
  follow(services: PersonaServices, job: JobSummary, title?: string): Promise<void> {
    const known = this.live.get(job.id);
    if (known) return known;
    const run = (async () => {
      await this.write((ids) => (ids.includes(job.id) ? ids : [...ids, job.id]));
      try {
        const final = await showJobProgress(services, job, title);
        // A window closing mid-job leaves it recorded: the next window follows it again.
        if (!TERMINAL_STATUSES.has(final.status)) return;
        await this.write((ids) => ids.filter((id) => id !== job.id));
        await announce(final);
      } finally {
        this.live.delete(job.id);
      }
    })();
    this.live.set(job.id, run);
    return run;
  }

  /** After a reload: follows again each recorded job still queued or running; forgets the rest. */
  async resume(services: PersonaServices): Promise<string[]> {
    const { follow, forget } = jobsToResume(this.ids(), (id) => services.store.summary(id));
    await this.write((ids) => ids.filter((id) => !forget.includes(id)));
    for (const job of follow) void this.follow(services, job).catch(() => undefined);
    return follow.map((j) => j.id);
  }

  /** Memento writes in order, so two jobs ending together both leave the list. */
  private write(change: (ids: string[]) => string[]): Promise<void> {
    this.queue = this.queue.then(() => this.state.update(FOLLOWED_KEY, change(this.ids()))).catch(() => undefined);
    return this.queue;
  }
}

const FOLLOWED_KEY = 'agentOsPersonas.followedJobs';
const followers = new WeakMap<PersonaServices, FollowedJobs>();

/** Makes followJob record what it follows for these services (the extension does this once). */
export function rememberFollowedJobs(services: PersonaServices, followed: FollowedJobs): void {
  followers.set(services, followed);
}

/**
 * Shows the job's progress (under `title`, the job's own unless told); then opens its result
 * (setting "agentOsPersonas.results.openOnCompletion"), or says why it failed. Recorded for
 * the window's next load while it runs, when the extension remembers followed jobs.
 */
export async function followJob(services: PersonaServices, job: JobSummary, title?: string): Promise<void> {
  const followed = followers.get(services);
  if (followed) return followed.follow(services, job, title);
  await announce(await showJobProgress(services, job, title));
}

async function announce(final: JobSummary): Promise<void> {
  if (final.status === 'completed' && readOpenOnCompletion()) {
    await openJobDocument(final.id, final.persona);
  } else if (final.status === 'failed') {
    await reportJobFailure(final);
  }
}
