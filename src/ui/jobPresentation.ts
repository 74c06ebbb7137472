import * as vscode from 'vscode';
import type { Job, JobSummary } from '../jobs/types';
import { jobDescription, jobTitle, readableTask } from './jobText';

export { jobDescription, jobTask, jobTitle } from './jobText';

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

export function jobTooltip(job: JobSummary, usage: string[] = []): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${job.persona}** — `);
  md.appendText(`${jobDescription(job)}\n\n`);
  md.appendText(readableTask(job.task).slice(0, 400));
  md.appendMarkdown('\n\n');
  if (job.modelLabel) md.appendMarkdown(`Model: ${job.modelLabel}  \n`);
  if (job.message && job.status === 'running') md.appendText(`${job.message}\n`);
  if (job.error) md.appendText(`${job.error.message}\n${job.error.hint}\n`);
  if (job.contextNote) md.appendText(`${job.contextNote}\n`);
  if (usage.length > 0) md.appendText(`\n${usage.join('\n')}\n`);
  md.appendMarkdown(`\nJob \`${job.id}\``);
  return md;
}

/**
 * The text of a job's result document; a panel's lists its personas until its merged report is
 * there. `presented` is a completed review as the findings service presents it (suppressed
 * findings cut), used in place of the raw result when given.
 */
export function jobDocument(job: Job, children: Job[] = [], usage: string[] = [], presented?: string): string {
  // What the run used closes the document, under a rule, in small print.
  const footer = usage.length > 0 ? `\n\n---\n\n*${usage.map(escapeMarkdown).join(' · ')}*\n` : '';
  if (job.status === 'completed') return `${presented ?? job.result ?? ''}${footer}`;
  const lines = [`# ${jobTitle(job)}`, '', `Status: **${job.status}**${job.status === 'running' && job.message ? ` — ${job.message}` : ''}`, ''];
  if (job.error) lines.push(`**${job.error.code}**: ${job.error.message}`, '', `What to do: ${job.error.hint}`, '');
  if (children.length > 0) {
    lines.push('## Personas', '');
    for (const c of children) lines.push(`- **${c.persona}**: ${jobDescription(c)}${c.error ? ` — ${c.error.message} ${c.error.hint}` : ''}`);
    lines.push('');
  }
  if (job.partialOutput) lines.push('## Partial output', '', job.partialOutput);
  return `${lines.join('\n')}${footer}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}
