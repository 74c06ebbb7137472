// How a job reads in words: plain functions of its summary (no `vscode`), so the unit tests
// check them and the tree, the notifications and the documents share them.
import type { JobSummary } from '../jobs/types';
import { PANEL_PERSONA } from '../personas/panelCoordinator';

/** The demo model's fault and pacing markers (`[[demo:slow]]`): instructions to it, not part of the task a person reads. */
const DEMO_MARKERS = /\s*\[\[demo:[a-z0-9-]+\]\]\s*/gi;

export { countOf } from '../core/plural';

/** The task as a person wrote it, on one line, without demo markers, cut to `max` characters. */
export function jobTask(job: Pick<JobSummary, 'task'>, max: number): string {
  const task = readableTask(job.task);
  return task.length > max ? `${task.slice(0, max - 1)}…` : task;
}

/** The task on one line without demo markers (not cut). */
export function readableTask(task: string): string {
  return task.replace(DEMO_MARKERS, ' ').replace(/\s+/g, ' ').trim();
}

/** "security: Review the payment module" (notifications, accessible labels). */
export function jobTitle(job: Pick<JobSummary, 'persona' | 'task'>): string {
  return `${job.persona}: ${jobTask(job, 60)}`;
}

/** The job's state in a few words: "generating 45% · ~12s left", "completed · 3.1s". */
export function jobDescription(job: JobSummary): string {
  switch (job.status) {
    case 'queued':
      return 'queued';
    case 'running':
      // A panel says how many of its personas are done; each persona's row has its own percent.
      // (Its row then changes only when a persona ends: see JobTreeProvider on repaints.)
      if (job.persona === PANEL_PERSONA) return `running · ${job.message ?? ''}`;
      return `${job.phase ?? 'running'} ${job.percent}%${job.etaMs ? ` · ~${Math.ceil(job.etaMs / 1000)}s left` : ''}`;
    case 'completed':
      return `completed${duration(job)}${job.modelLabel === 'demo model' ? ' · demo model' : ''}`;
    case 'failed':
      return `failed: ${job.error?.code ?? 'error'}`;
    case 'cancelled':
      return 'cancelled';
  }
}

function duration(job: JobSummary): string {
  if (!job.startedAt || !job.finishedAt) return '';
  const s = (job.finishedAt - job.startedAt) / 1000;
  return ` · ${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
}

/**
 * A top-level row of the Persona Jobs tree. At the default side-bar width a row shows about 35
 * characters: the task comes first, since it tells two jobs apart; who works on it and how far
 * along follow in the description (and the tooltip has everything). A panel's personas share
 * its task, so under a panel a row is the persona and its state.
 */
export function jobRowText(job: JobSummary): { label: string; description: string } {
  if (job.parentId) return { label: job.persona, description: jobDescription(job) };
  return { label: jobTask(job, 80), description: `${job.persona} · ${jobDescription(job)}` };
}
