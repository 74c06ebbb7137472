import * as vscode from 'vscode';
import type { JobSummary } from '../jobs/types';
import type { Workflow, WorkflowPhase } from '../workflows/types';
import type { PhaseRecord, WorkflowSession } from '../workflows/workflowSessions';
import { phaseStatus, requiredEvidence } from '../workflows/workflowTools';
import { countOf } from '../core/plural';

/** How a workflow session and its phases read in the Persona Jobs tree and the session picker. */

export type PhaseState = 'accepted' | 'current' | 'pending' | 'abandoned';

export function phaseState(session: WorkflowSession, index: number): PhaseState {
  if (session.phases[index]?.acceptedAt != null) return 'accepted';
  if (index === session.currentIndex) return 'current';
  return session.status === 'abandoned' ? 'abandoned' : 'pending';
}

export function phaseOf(session: WorkflowSession, index: number): { phase: WorkflowPhase; record: PhaseRecord } {
  return { phase: session.definition.phases[index]!, record: session.phases[index]! };
}

export function phaseLabel(phase: WorkflowPhase): string {
  return `Phase ${phase.number}: ${phase.title}`;
}

/** "accepted · 3 attempts, 2 refused", "current · refused 2×", "pending". */
export function phaseDescription(session: WorkflowSession, index: number): string {
  const { record } = phaseOf(session, index);
  switch (phaseState(session, index)) {
    case 'accepted': {
      const attempts = countOf(record.attempts, 'attempt');
      return `accepted · ${attempts}${record.refusals > 0 ? `, ${record.refusals} refused` : ''}`;
    }
    case 'current':
      return record.refusals > 0 ? `current · refused ${record.refusals}×` : 'current';
    case 'pending':
      return 'pending';
    case 'abandoned':
      return 'not run (session abandoned)';
  }
}

/** The current phase turns while its job runs; otherwise it points at where the session stands. */
export function phaseIcon(session: WorkflowSession, index: number, job: JobSummary | undefined): vscode.ThemeIcon {
  switch (phaseState(session, index)) {
    case 'accepted':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'current':
      if (job?.status === 'running') return new vscode.ThemeIcon('sync~spin');
      return phaseOf(session, index).record.refusals > 0 ? new vscode.ThemeIcon('arrow-right', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('arrow-right');
    case 'pending':
      return new vscode.ThemeIcon('circle-large-outline');
    case 'abandoned':
      return new vscode.ThemeIcon('circle-slash');
  }
}

export function phaseTooltip(session: WorkflowSession, index: number): vscode.MarkdownString {
  const { phase, record } = phaseOf(session, index);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**`);
  md.appendText(phaseLabel(phase));
  md.appendMarkdown(`** — ${phaseState(session, index)} (${index + 1} of ${session.phases.length})\n\n`);
  md.appendText(`Attempts: ${record.attempts}, refused: ${record.refusals}\n`);
  if (record.acceptedAt !== null) md.appendText(`Accepted ${new Date(record.acceptedAt).toLocaleString()}\n`);
  const required = requiredEvidence(phase);
  if (required.length > 0) md.appendText(`Gate requires: ${required.join(', ')}\n`);
  if (record.acceptedAt === null && record.lastRefusal && record.lastRefusal.length > 0) {
    md.appendMarkdown('\nLast refusal:\n');
    for (const f of record.lastRefusal.slice(0, 8)) md.appendText(`- ${f.field}: ${f.reason}\n`);
  }
  md.appendMarkdown(record.acceptedAt !== null ? '\nClick to open the accepted evidence.' : '\nClick to open the instructions and the gate.');
  return md;
}

/** Where a session stands: "phase 2 of 4: Threats", "4 of 4 phases accepted", "abandoned after 1 of 4 phases". */
export function sessionProgress(session: WorkflowSession): string {
  const accepted = session.phases.filter((p) => p.acceptedAt !== null).length;
  switch (session.status) {
    case 'active':
      return phaseStatus(session);
    case 'completed':
      return `${accepted} of ${countOf(session.phases.length, 'phase')} accepted`;
    case 'abandoned':
      return `abandoned after ${accepted} of ${countOf(session.phases.length, 'phase')}`;
  }
}

/** "Pre-merge review on changes". */
export function sessionTitle(session: WorkflowSession): string {
  return `${session.title} on ${session.target}`;
}

export function sessionTooltipLines(session: WorkflowSession, md: vscode.MarkdownString): void {
  md.appendMarkdown('\n\n');
  md.appendText(`Workflow: ${sessionTitle(session)} (${session.workflowId}, ${sourceLabel(session.source)})\n${sessionProgress(session)}\n`);
  md.appendMarkdown(`Session \`${session.id}\``);
}

export function sourceLabel(source: string): string {
  switch (source) {
    case 'praxis':
      return 'prAxIs OS workflow';
    case 'workspace':
      return 'workspace workflow';
    default:
      return 'shipped with the extension';
  }
}

/** "file", "folder", "git changes", "file, folder or git changes". */
export function targetLabel(workflow: Workflow): string {
  switch (workflow.target) {
    case 'changes':
      return 'git changes';
    case 'any':
      return 'file, folder or git changes';
    default:
      return workflow.target;
  }
}

/** "just now", "4 min ago", "3 h ago", "2 days ago". */
export function age(at: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${countOf(Math.round(h / 24), 'day')} ago`;
}
