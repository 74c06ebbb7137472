import * as vscode from 'vscode';
import { PANEL_PERSONA } from '../personas/panelCoordinator';
import type { Job, JobSummary } from '../jobs/types';

/** How a job reads in the tree, the notifications and the status bar. */
export function jobTitle(job: JobSummary): string {
  return `${job.persona}: ${jobTask(job, 60)}`;
}

export function jobTask(job: JobSummary, max: number): string {
  const task = job.task.replace(/\s+/g, ' ').trim();
  return task.length > max ? `${task.slice(0, max - 1)}…` : task;
}

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

export function jobIcon(job: JobSummary): vscode.ThemeIcon {
  switch (job.status) {
    case 'queued':
      return new vscode.ThemeIcon('clock');
    case 'running':
      return new vscode.ThemeIcon('sync~spin');
    case 'completed':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'cancelled':
      return new vscode.ThemeIcon('circle-slash');
  }
}

export function jobTooltip(job: JobSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${job.persona}** — ${job.status}\n\n`);
  md.appendText(job.task.slice(0, 400));
  md.appendMarkdown('\n\n');
  if (job.modelLabel) md.appendMarkdown(`Model: ${job.modelLabel}  \n`);
  if (job.message && job.status === 'running') md.appendText(`${job.message}\n`);
  if (job.error) md.appendText(`${job.error.message}\n${job.error.hint}\n`);
  if (job.contextNote) md.appendText(`${job.contextNote}\n`);
  md.appendMarkdown(`\nJob \`${job.id}\``);
  return md;
}

function duration(job: JobSummary): string {
  if (!job.startedAt || !job.finishedAt) return '';
  const s = (job.finishedAt - job.startedAt) / 1000;
  return ` · ${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
}

/** The text of a job's result document; a panel's lists its personas until its merged report is there. */
export function jobDocument(job: Job, children: Job[] = []): string {
  if (job.status === 'completed') return job.result ?? '';
  const lines = [`# ${jobTitle(job)}`, '', `Status: **${job.status}**${job.status === 'running' && job.message ? ` — ${job.message}` : ''}`, ''];
  if (job.error) lines.push(`**${job.error.code}**: ${job.error.message}`, '', `What to do: ${job.error.hint}`, '');
  if (children.length > 0) {
    lines.push('## Personas', '');
    for (const c of children) lines.push(`- **${c.persona}**: ${jobDescription(c)}${c.error ? ` — ${c.error.message} ${c.error.hint}` : ''}`);
    lines.push('');
  }
  if (job.partialOutput) lines.push('## Partial output', '', job.partialOutput);
  return lines.join('\n');
}
