import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import type { PersonaServices } from '../services';
import type { WorkflowSession } from '../workflows/workflowSessions';
import { openSessionDocument } from './workflowDocuments';
import { age, sessionProgress } from './workflowPresentation';

/** Arguments of `agentOsPersonas.showWorkflowSessions`: a session (or the job driving one) opens without the picker. */
export interface ShowSessionsArgs {
  sessionId?: string;
  jobId?: string;
  /** Also reveal the session's job in the Persona Jobs tree. */
  revealJob?: boolean;
}

const RECENT_SESSIONS = 50;
const REVEAL_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('list-tree'), tooltip: 'Reveal its job in Persona Jobs' };

type SessionItem = vscode.QuickPickItem & { session: WorkflowSession };

/**
 * The recent workflow sessions: pick one to open its state (the JSON get_workflow_state gives
 * an agent), or reveal the job that drives it. Resolves with the session opened or revealed.
 */
export async function showWorkflowSessions(services: PersonaServices, args: ShowSessionsArgs, revealJob: (jobId: string) => Promise<void>): Promise<string | undefined> {
  if (args.sessionId !== undefined || args.jobId !== undefined) {
    const session = args.sessionId !== undefined ? services.sessions.require(args.sessionId) : services.sessions.forJob(args.jobId ?? '');
    if (!session) throw new PersonaError('WORKFLOW_SESSION_NOT_FOUND', `Job ${String(args.jobId).slice(0, 80)} drives no workflow session.`, 'Pick a workflow job (workflow-executor) in Persona Jobs, or run "Personas: Show Workflow Sessions".');
    await openSessionDocument(session);
    if (args.revealJob && session.jobId) await revealJob(session.jobId);
    return session.id;
  }
  const sessions = services.sessions.recent(RECENT_SESSIONS);
  if (sessions.length === 0) {
    const start = 'Start Workflow…';
    const choice = await vscode.window.showInformationMessage('No workflow sessions yet in this workspace.', start);
    if (choice === start) await vscode.commands.executeCommand('agentOsPersonas.startWorkflow');
    return undefined;
  }
  const now = Date.now();
  const items: SessionItem[] = sessions.map((s) => ({
    label: `${statusIcon(s)} ${s.title}`,
    description: `${s.target} · ${s.status} · ${sessionProgress(s)}`,
    detail: `${age(s.updatedAt, now)} · session ${s.id.slice(0, 8)}${s.jobId ? ` · job ${s.jobId.slice(0, 8)}` : ' · driven by an agent over MCP'}`,
    buttons: s.jobId ? [REVEAL_BUTTON] : [],
    session: s,
  }));
  const pick = vscode.window.createQuickPick<SessionItem>();
  pick.title = 'Workflow Sessions';
  pick.placeholder = 'Pick a session to open its state; the button reveals its job';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = items;
  const chosen = await new Promise<{ item: SessionItem; reveal: boolean } | undefined>((resolve) => {
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      resolve(item ? { item, reveal: false } : undefined);
      pick.hide();
    });
    pick.onDidTriggerItemButton((e) => {
      resolve({ item: e.item, reveal: true });
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  }).finally(() => pick.dispose());
  if (!chosen) return undefined;
  const session = services.sessions.get(chosen.item.session.id) ?? chosen.item.session;
  if (chosen.reveal && session.jobId) await revealJob(session.jobId);
  else await openSessionDocument(session);
  return session.id;
}

function statusIcon(session: WorkflowSession): string {
  switch (session.status) {
    case 'active':
      return '$(arrow-right)';
    case 'completed':
      return '$(pass-filled)';
    case 'abandoned':
      return '$(circle-slash)';
  }
}
