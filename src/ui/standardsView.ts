import * as vscode from 'vscode';
import { PersonaError, serializeError } from '../core/errors';
import { resolveInWorkspace } from '../core/workspacePath';
import type { PersonaServices } from '../services';
import { approveProposal, rejectProposal, type ApprovalContext } from '../standards/approval';
import { whoApproves } from '../standards/approver';
import type { Proposal } from '../standards/proposalStore';
import { suggestTopic } from '../standards/standardFile';
import { parseWebviewMessage, type DecisionView, type HostMessage, type ProposalView } from './standardsMessages';
import { standardsPageHtml } from './standardsPage';
import { previewOf } from './standardsRender';
import { countOf } from '../core/plural';

export const STANDARDS_VIEW_ID = 'agentOsPersonas.standards';
const RECENT_DECISIONS = 5;

/** What tests (and extensions building on this one) reach of the Standards view. */
export interface StandardsViewApi {
  /** The host's handling of one message from the webview: the very path its buttons take. Resolves with the reply posted, or undefined for an ignored message. */
  receive(raw: unknown): Promise<HostMessage | undefined>;
  /** Proposals waiting for a person (the view's badge). */
  readonly pendingCount: number;
  /** True once VS Code has shown the view and it holds a webview. */
  readonly resolved: boolean;
  /** Fires when VS Code resolves the view. */
  readonly onDidResolve: vscode.Event<void>;
}

/**
 * The Standards view: pending proposals rendered (sanitised) with their missing template
 * sections, edited in place, approved or rejected by the person at the editor. It follows the
 * proposal store's events; every message from the webview is validated here before use, and
 * the approver is always this machine's person (`whoApproves`), never the webview's word.
 */
export class StandardsViewProvider implements vscode.WebviewViewProvider, vscode.Disposable, StandardsViewApi {
  private view: vscode.WebviewView | undefined;
  private services: PersonaServices | undefined;
  private focusNext: string | null = null;
  private readonly viewDisposables: vscode.Disposable[] = [];
  private readonly unsubscribers: (() => void)[] = [];
  private readonly previews = new Map<string, { body: string; preview: ReturnType<typeof previewOf> }>();
  private readonly resolvedEmitter = new vscode.EventEmitter<void>();
  readonly onDidResolve = this.resolvedEmitter.event;
  private readonly registration: vscode.Disposable;
  /** Carries the badge until VS Code first shows this view (it resolves a webview view only then). */
  private badgeFallback: { badge?: vscode.ViewBadge | undefined } | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly approver: (workspaceRoot: string) => Promise<string> = whoApproves,
  ) {
    this.registration = vscode.window.registerWebviewViewProvider(STANDARDS_VIEW_ID, this);
  }

  get resolved(): boolean {
    return this.view !== undefined;
  }

  get pendingCount(): number {
    return this.services?.proposals.list('pending').length ?? 0;
  }

  /**
   * A webview view has no badge until VS Code resolves it, which it does only when the view is
   * first shown; a proposal that arrives before then would go unseen. So until then the count
   * rides on another view of the same container (the Persona Jobs tree), whose badge shows on
   * the same activity bar icon.
   */
  setBadgeFallback(view: { badge?: vscode.ViewBadge | undefined }): void {
    this.badgeFallback = view;
    this.updateBadge();
  }

  follow(services: PersonaServices): void {
    this.services = services;
    for (const event of ['proposal:created', 'proposal:approved', 'proposal:rejected'] as const) {
      this.unsubscribers.push(services.proposals.events.on(event, () => this.postState()));
    }
    this.postState();
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [media] };
    view.webview.html = standardsPageHtml({
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'standards.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'standards.css')).toString(),
    });
    this.viewDisposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => {
        this.receive(raw).catch((err: unknown) => this.log.error(`Standards view: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
      }),
      view.onDidDispose(() => {
        this.view = undefined;
        for (const d of this.viewDisposables.splice(0)) d.dispose();
        this.updateBadge();
      }),
    );
    this.updateBadge();
    this.resolvedEmitter.fire();
  }

  /** Shows the view; with an id, the webview scrolls to that proposal and focuses its title. */
  async reveal(proposalId?: string): Promise<void> {
    this.focusNext = proposalId ?? null;
    await vscode.commands.executeCommand(`${STANDARDS_VIEW_ID}.focus`);
    if (this.view) this.postState();
  }

  async receive(raw: unknown): Promise<HostMessage | undefined> {
    const parsed = parseWebviewMessage(raw);
    if ('problem' in parsed) {
      this.log.warn(`Standards view: ignored a malformed message (${parsed.problem})`);
      return undefined;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'ready':
        return this.postState();
      case 'preview':
        return this.post({ type: 'preview', id: message.id, ...previewOf(message.body) });
      case 'approve':
        return this.decide(
          message.id,
          async (ctx, approvedBy) => {
            const result = await approveProposal(ctx, message.id, { title: message.title, body: message.body, domain: message.domain, topic: message.topic, tags: message.tags, approvedBy });
            return { type: 'decided', id: message.id, status: 'approved', path: result.path, message: `Approved “${result.proposal.title}” as ${approvedBy}: written to ${result.path}.` };
          },
          { domain: message.domain, topic: message.topic },
        );
      case 'reject':
        return this.decide(message.id, async (ctx, decidedBy) => {
          const rejected = await rejectProposal(ctx, message.id, message.reason, decidedBy);
          return { type: 'decided', id: message.id, status: 'rejected', path: null, message: `Rejected “${rejected.title}” as ${decidedBy}.` };
        });
      case 'open':
        return this.openStandard(message.id);
    }
  }

  /** Runs a decision as this machine's person; a failure is answered to the webview with its hint (and, when the file exists, a free topic). */
  private async decide(id: string, run: (ctx: ApprovalContext, person: string) => Promise<HostMessage>, tried?: { domain: string; topic: string }): Promise<HostMessage> {
    try {
      const services = this.requireServices();
      const person = await this.approver(services.workspaceRoot);
      const ctx: ApprovalContext = { proposals: services.proposals, workspaceRoot: services.workspaceRoot, log: (line) => this.log.info(line) };
      return this.post(await run(ctx, person));
    } catch (err) {
      const error = serializeError(err);
      if (error.code === 'INTERNAL') this.log.error(`Standards view: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      else this.log.warn(`Standards view: ${error.code} ${error.message}`);
      let suggestedTopic: string | null = null;
      if (error.code === 'STANDARD_EXISTS' && this.services && tried) {
        suggestedTopic = suggestTopic(this.services.workspaceRoot, tried.domain, tried.topic);
        error.hint = `An approved standard is never overwritten. “${suggestedTopic}” is free: it is filled in as the topic; approve again to use it.`;
      }
      return this.post({ type: 'failed', id, code: error.code, message: error.message, hint: error.hint, suggestedTopic });
    }
  }

  private async openStandard(id: string): Promise<HostMessage | undefined> {
    const services = this.services;
    const proposal = services?.proposals.get(id);
    if (!services || proposal?.status !== 'approved' || !proposal.path) return undefined;
    // The path comes from the row the host wrote, and still goes through the validator.
    try {
      const file = resolveInWorkspace(services.workspaceRoot, proposal.path, 'standard file');
      await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    } catch (err) {
      this.log.warn(`Standards view: could not open ${proposal.path}: ${err instanceof Error ? err.message : String(err)}`);
      void vscode.window.showWarningMessage(`Could not open ${proposal.path}: it may have been moved or deleted.`);
    }
    return undefined;
  }

  private requireServices(): PersonaServices {
    if (!this.services) throw new PersonaError('NO_WORKSPACE', 'The standards are not available yet.', 'Open a folder; its standards live in .agent-os/standards.');
    return this.services;
  }

  private postState(): HostMessage {
    const proposals = this.services?.proposals;
    const pending = proposals?.list('pending') ?? [];
    const state: HostMessage = {
      type: 'state',
      available: proposals !== undefined,
      notice: proposals ? null : vscode.workspace.workspaceFolders?.length ? 'Opening the workspace\'s proposals…' : 'Open a folder to review standard proposals; they are kept in its .agent-os folder.',
      proposals: pending.map((p) => this.toView(p)),
      recent: (proposals?.recentDecisions(RECENT_DECISIONS) ?? []).map(toDecisionView),
      focus: this.view ? this.focusNext : null,
    };
    if (this.view) this.focusNext = null;
    for (const id of this.previews.keys()) if (!pending.some((p) => p.id === id)) this.previews.delete(id);
    this.updateBadge(pending.length);
    return this.post(state);
  }

  private toView(p: Proposal): ProposalView {
    let cached = this.previews.get(p.id);
    if (cached?.body !== p.body) {
      cached = { body: p.body, preview: previewOf(p.body) };
      this.previews.set(p.id, cached);
    }
    return { id: p.id, domain: p.domain, topic: p.topic, title: p.title, body: p.body, tags: p.tags, createdBy: p.createdBy, createdAt: new Date(p.createdAt).toISOString(), jobId: p.jobId, ...cached.preview };
  }

  private updateBadge(count = this.pendingCount): void {
    const badge = count > 0 ? { value: count, tooltip: `${countOf(count, 'standard proposal')} waiting for approval` } : undefined;
    if (this.view) {
      this.view.badge = badge;
      this.view.description = count > 0 ? `${count} pending` : undefined;
      if (this.badgeFallback) this.badgeFallback.badge = undefined;
    } else if (this.badgeFallback) {
      this.badgeFallback.badge = badge;
    }
  }

  private post(message: HostMessage): HostMessage {
    void this.view?.webview.postMessage(message);
    return message;
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    for (const d of this.viewDisposables.splice(0)) d.dispose();
    this.registration.dispose();
    this.resolvedEmitter.dispose();
    this.view = undefined;
  }
}

function toDecisionView(p: Proposal): DecisionView {
  return { id: p.id, title: p.title, status: p.status === 'approved' ? 'approved' : 'rejected', decidedBy: p.decidedBy ?? '', decidedAt: new Date(p.decidedAt ?? p.createdAt).toISOString(), reason: p.reason, path: p.path };
}
