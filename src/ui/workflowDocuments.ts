import * as vscode from 'vscode';
import type { WorkflowSession, WorkflowSessions } from '../workflows/workflowSessions';
import { sessionState } from '../workflows/workflowTools';
import { requiredEvidence } from '../workflows/workflowTools';
import { phaseOf, phaseState, sessionProgress, sessionTitle } from './workflowPresentation';

export const WORKFLOW_SCHEME = 'agent-os-workflow';

/** What a workflow document shows: a phase's accepted evidence, a phase's instructions and gate, or a whole session. */
export type WorkflowView = 'evidence' | 'instructions' | 'state';

interface WorkflowRef {
  session: string;
  phase: number | undefined;
  view: WorkflowView;
}

/**
 * Read-only `agent-os-workflow:` documents: a phase's evidence or a session's state as JSON
 * (the same JSON get_workflow_state gives an agent), a phase's instructions and gate as
 * markdown. The path is only the tab's title; the query names the session, phase and view.
 * An open document follows its session, so a phase's tab opened while it was current shows
 * its acceptance.
 */
export class WorkflowDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(private readonly sessions: () => WorkflowSessions | undefined) {}

  static uriFor(session: WorkflowSession, view: WorkflowView, phase?: number): vscode.Uri {
    const shown = phase === undefined ? undefined : session.definition.phases[phase];
    const title = view === 'state' || !shown ? `${session.title} — session ${session.id.slice(0, 8)} (state)` : `Phase ${shown.number} — ${shown.title} (${view})`;
    const query = new URLSearchParams({ session: session.id, view, ...(phase === undefined ? {} : { phase: String(phase) }) });
    return vscode.Uri.from({ scheme: WORKFLOW_SCHEME, path: `/${tabTitle(title)}`, query: query.toString() });
  }

  follow(sessions: WorkflowSessions): void {
    this.unsubscribers.push(
      sessions.events.on('session:changed', (session) => {
        for (const doc of vscode.workspace.textDocuments) {
          if (doc.uri.scheme === WORKFLOW_SCHEME && parse(doc.uri).session === session.id) this.changed.fire(doc.uri);
        }
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ref = parse(uri);
    const session = ref.session ? this.sessions()?.get(ref.session) : undefined;
    if (!session) return `No workflow session with id ${ref.session.slice(0, 80)} (it may have been removed, or its workspace is not open).`;
    if (ref.view === 'state') return `${JSON.stringify(sessionState(session), null, 2)}\n`;
    const index = ref.phase ?? -1;
    if (!session.definition.phases[index]) return `Session ${session.id} has no phase at position ${index}.`;
    return ref.view === 'evidence' ? evidenceDocument(session, index) : instructionsDocument(session, index);
  }

  dispose(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    this.changed.dispose();
  }
}

/** The phase's entry of the session state, with the evidence its gate accepted. */
export function evidenceDocument(session: WorkflowSession, index: number): string {
  const { phase, record } = phaseOf(session, index);
  const doc = {
    workflow: session.workflowId,
    title: session.title,
    target: session.target,
    session_id: session.id,
    phase: phase.number,
    phase_title: phase.title,
    status: phaseState(session, index),
    attempts: record.attempts,
    refusals: record.refusals,
    accepted_at: record.acceptedAt === null ? null : new Date(record.acceptedAt).toISOString(),
    evidence: record.evidence,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** What the phase asks for and the gate it must pass (a person may read ahead; an agent is shown one phase at a time). */
export function instructionsDocument(session: WorkflowSession, index: number): string {
  const { phase, record } = phaseOf(session, index);
  const state = phaseState(session, index);
  const lines = [
    `# Phase ${phase.number} — ${phase.title}`,
    '',
    `${sessionTitle(session)} · phase ${index + 1} of ${session.phases.length} · **${state}**${record.refusals > 0 ? ` (refused ${record.refusals}×)` : ''} · session now: ${sessionProgress(session)}`,
    '',
  ];
  if (index === 0 && session.definition.intro) lines.push(session.definition.intro, '');
  lines.push(phase.instructions, '');
  if (phase.tasks.length > 0) {
    lines.push('## Tasks', '');
    for (const task of phase.tasks) lines.push(`### Task ${task.number}: ${task.title}`, '', task.instructions, '');
  }
  lines.push('## Gate', '', `Required evidence: ${requiredEvidence(phase).map((f) => `\`${f}\``).join(', ') || 'none'}`, '', '```json', JSON.stringify(phase.evidenceSchema, null, 2), '```', '');
  if (record.acceptedAt === null && record.lastRefusal && record.lastRefusal.length > 0) {
    lines.push('## Last refusal', '');
    for (const f of record.lastRefusal) lines.push(`- \`${f.field}\`: ${f.reason}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Opens a phase: its evidence once accepted, else its instructions and gate. */
export async function openPhaseDocument(session: WorkflowSession, index: number): Promise<vscode.TextEditor> {
  const view: WorkflowView = phaseState(session, index) === 'accepted' ? 'evidence' : 'instructions';
  return openWorkflowDocument(WorkflowDocumentProvider.uriFor(session, view, index), view === 'evidence' ? 'json' : 'markdown');
}

export async function openSessionDocument(session: WorkflowSession): Promise<vscode.TextEditor> {
  return openWorkflowDocument(WorkflowDocumentProvider.uriFor(session, 'state'), 'json');
}

async function openWorkflowDocument(uri: vscode.Uri, language: string): Promise<vscode.TextEditor> {
  let doc = await vscode.workspace.openTextDocument(uri);
  // The path has no extension (it is the tab's title), so the language is set here.
  if (doc.languageId !== language) doc = await vscode.languages.setTextDocumentLanguage(doc, language);
  return vscode.window.showTextDocument(doc, { preview: false });
}

function parse(uri: vscode.Uri): WorkflowRef {
  const q = new URLSearchParams(uri.query);
  const view = q.get('view');
  const phase = q.get('phase');
  return {
    session: q.get('session') ?? '',
    phase: phase === null || !/^\d{1,4}$/.test(phase) ? undefined : Number(phase),
    view: view === 'evidence' || view === 'instructions' ? view : 'state',
  };
}

/** A title that is one path segment: no separators or control characters, not too long for a tab. */
function tabTitle(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 || ch === '/' || ch === '\\' ? '-' : ch;
  }
  return out.length > 120 ? `${out.slice(0, 119)}…` : out;
}
