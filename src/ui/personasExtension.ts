import { join } from 'node:path';
import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import { readOwner } from '../jobs/storeLock';
import type { JobSummary } from '../jobs/types';
import type { Persona } from '../personas/personaFile';
import type { PersonaRegistryChange } from '../personas/personaRegistry';
import { PersonaServices } from '../services';
import { ApiKeyStore, promptForApiKey } from './apiKey';
import { askPanel, type AskPanelArgs } from './askPanel';
import { askPersona, type AskArgs } from './askPersona';
import { registerChatParticipant } from './chatParticipant';
import { exportPersonaCommand, type ExportArgs } from './exportPersona';
import { guardCommand } from './commandGuard';
import { JobDocumentProvider, JOB_SCHEME, openJobDocument } from './jobDocuments';
import { FindingsModel } from './findings/findingsModel';
import { registerFindingDiagnostics } from './findings/findingsDiagnostics';
import { registerFindingsView } from './findings/findingsView';
import { FollowedJobs, followJob, rememberFollowedJobs } from './jobProgress';
import { JobTreeProvider, JOBS_VIEW_ID, OPEN_PHASE_COMMAND, type JobTreeElement, type PhaseRef } from './jobTree';
import { copyMcpConfiguration, McpEndpointHost } from './mcpEndpoint';
import { LanguageModelBridge } from './lmBridge';
import { MetricsPanel, SHOW_METRICS_COMMAND, type MetricsViewApi } from './metricsView';
import { newStandard, type NewStandardArgs } from './newStandard';
import { createLog } from './output';
import { PersonaFileSync } from './personaFileSync';
import { ReadOnlyNotice } from './readOnlyNotice';
import { StoreWaiter } from './storeWaiter';
import { installGuideLater } from './personaGuide';
import { searchStandards, type SearchStandardsArgs } from './searchStandards';
import { gitChanges } from './gitChanges';
import { onModelSettingsChanged, readContextMaxChars, readMaxStoreMegabytes, readModelSettings, readRetention, readTelemetrySettings, readWorkerCount, readJobTimeoutMs } from './settings';
import { enableTracing } from '../telemetry/loadTracing';
import { StandardsViewProvider, type StandardsViewApi } from './standardsView';
import { PersonasStatusBar, PICK_PROVIDER_COMMAND, pickModelProvider, showStatusActions, STATUS_ACTIONS_COMMAND } from './statusBar';
import { watchStandards } from './standardsWatcher';
import { startWorkflowCommand, type StartWorkflowArgs } from './startWorkflow';
import { showWorkflowSessions, type ShowSessionsArgs } from './showWorkflowSessions';
import { openPhaseDocument, WORKFLOW_SCHEME, WorkflowDocumentProvider } from './workflowDocuments';
import { WorkflowFileSync } from './workflowFileSync';
import type { Workflow } from '../workflows/types';
import type { WorkflowRegistryChange } from '../workflows/workflowRegistry';

/** What `activate` returns: for tests and for extensions that build on this one. */
export interface PersonasApi {
  /** The workspace's services once started; undefined before, or with no folder open. */
  readonly services: PersonaServices | undefined;
  /**
   * Settles when the services have started (undefined with no folder open). In a read-only
   * window (another window owns the folder's store) that is when this window takes over.
   */
  readonly ready: Promise<PersonaServices | undefined>;
  /** Why this window is read-only (another process owns the folder's store), as its commands refuse; undefined when it is not. */
  readonly readOnly: string | undefined;
  /** How long activate() took; the services start after it returns. */
  readonly activationMs: number;
  /** From activate() to the store open and the UI following it. */
  readonly readyMs: number;
  /** The MCP server definition provider (its definitions carry the loopback URL and token). */
  readonly mcp: McpEndpointHost;
  /** The personas loaded now, from every source (empty before the services start). */
  personas(): Persona[];
  /** Fires when persona files change on disk and the registry reloads. */
  readonly onDidChangePersonas: vscode.Event<PersonaRegistryChange>;
  /** The Standards view: pending proposals, and the host path its Approve and Reject buttons take. */
  readonly standards: StandardsViewApi;
  /** The workflows that can be started now (empty before the services start). */
  workflows(): Workflow[];
  /** Fires when workflow files change on disk and the workflow registry reloads. */
  readonly onDidChangeWorkflows: vscode.Event<WorkflowRegistryChange>;
  /** The Metrics view: the report it shows, and the host path its range picker and filter take. */
  readonly metrics: MetricsViewApi;
  /** The findings the Problems panel and the Findings view show now. */
  readonly findings: FindingsModel;
  /** The Persona Jobs tree's data: its rows as VS Code gets them (jobs, and a workflow job's phases). */
  readonly jobTree: vscode.TreeDataProvider<JobTreeElement>;
  /** The jobs this window follows with a progress notification (and follows again after a reload). */
  followedJobs(): string[];
}

/** A job to act on; `interactive: false` (e.g. from a chat reply that shows progress itself) skips the notification. */
type JobArg = JobSummary | { jobId: string; interactive?: boolean } | string | undefined;
/** From the palette: arguments; from a workflow job's context menu: the job's row. */
type SessionsArg = ShowSessionsArgs | JobSummary | undefined;

/** Whether a job command comes from a person (a click, the palette, a message's button) rather than a caller that says otherwise. */
function isInteractive(arg: JobArg): boolean {
  return !(typeof arg === 'object' && arg !== null && 'jobId' in arg && arg.interactive === false);
}

/**
 * Owns everything the extension creates in one activation; disposing it undoes all of it.
 * Without an open folder the commands still register and explain what to do.
 */
export class PersonasExtension implements vscode.Disposable, PersonasApi {
  private readonly disposables: vscode.Disposable[] = [];
  activationMs = 0;
  readyMs = 0;
  services: PersonaServices | undefined;
  readonly ready: Promise<PersonaServices | undefined>;
  readonly mcp: McpEndpointHost;
  readonly onDidChangePersonas: vscode.Event<PersonaRegistryChange>;
  readonly standards: StandardsViewProvider;
  readonly metrics: MetricsPanel;
  readonly onDidChangeWorkflows: vscode.Event<WorkflowRegistryChange>;
  readonly jobTree: JobTreeProvider;
  private readonly personaFiles: PersonaFileSync;
  private readonly workflowFiles: WorkflowFileSync;
  private readonly followed: FollowedJobs;
  /** Opens the store, or waits read-only while another window owns it. */
  private waiter: StoreWaiter<PersonaServices> | undefined;
  /** The findings the Problems panel and the Findings view show. */
  readonly findings: FindingsModel;

  private constructor(
    readonly log: vscode.LogOutputChannel,
    readonly apiKeys: ApiKeyStore,
    context: vscode.ExtensionContext,
  ) {
    const started = performance.now();
    this.disposables.push(log, apiKeys);
    this.mcp = new McpEndpointHost(log);
    this.disposables.push(this.mcp);
    this.personaFiles = new PersonaFileSync(log);
    this.onDidChangePersonas = this.personaFiles.onDidChange;
    this.disposables.push(this.personaFiles);
    this.workflowFiles = new WorkflowFileSync(log);
    this.onDidChangeWorkflows = this.workflowFiles.onDidChange;
    this.disposables.push(this.workflowFiles);
    this.jobTree = new JobTreeProvider(() => this.services?.store, () => this.services?.sessions, () => this.services?.metrics);
    this.followed = new FollowedJobs(context.workspaceState);
    this.findings = new FindingsModel(context.workspaceState);
    this.disposables.push(this.findings);
    this.standards = new StandardsViewProvider(context.extensionUri, log);
    this.disposables.push(this.standards);
    this.metrics = new MetricsPanel(context.extensionUri, log, () => this.services?.metrics);
    this.disposables.push(this.metrics);
    const ui = this.registerUi();
    // The store and the workers start after activate() returns: opening the store compiles
    // sql.js's WebAssembly, and no other extension should wait for that.
    this.ready = this.startServices(context, (refusal) => ui.readOnly(refusal)).then(
      (services) => {
        this.services = services;
        this.readyMs = performance.now() - started;
        if (services) {
          ui.follow(services);
          installGuideLater(context.extensionPath, services.workspaceRoot, this.log);
          this.mcp.start(services).catch((err: unknown) => {
            this.log.error(`MCP server failed to start: ${err instanceof Error ? err.message : String(err)}`);
            void vscode.window.showWarningMessage('Agent OS Personas: the MCP server for agents could not start; persona jobs still work here. The output channel has the reason.');
          });
        }
        return services;
      },
      (err: unknown) => {
        const message = err instanceof PersonaError ? `${err.message} ${err.hint}` : String(err);
        this.log.error(`services failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        void vscode.window.showErrorMessage(`Agent OS Personas could not open its job store: ${message}`);
        throw err;
      },
    );
    this.ready.catch(() => undefined);
  }

  static create(context: vscode.ExtensionContext): PersonasExtension {
    return new PersonasExtension(createLog(), new ApiKeyStore(context.secrets), context);
  }

  personas(): Persona[] {
    return this.services?.registry.list() ?? [];
  }

  workflows(): Workflow[] {
    return this.services?.workflowRegistry.list() ?? [];
  }

  followedJobs(): string[] {
    return this.followed.ids();
  }

  get readOnly(): string | undefined {
    const refusal = this.waiter?.refusal;
    return refusal && `${refusal.message} ${refusal.hint}`;
  }

  private async startServices(context: vscode.ExtensionContext, readOnly: (refusal: PersonaError | undefined) => void): Promise<PersonaServices | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    const open = (): Promise<PersonaServices> => PersonaServices.create({
      workspaceRoot: folder.uri.fsPath,
      extensionRoot: context.extensionPath,
      ownerKind: 'VS Code',
      workerCount: readWorkerCount(),
      jobTimeoutMs: readJobTimeoutMs,
      retention: readRetention,
      maxStoreBytes: () => readMaxStoreMegabytes() * 1024 * 1024,
      modelSettings: readModelSettings,
      contextMaxChars: readContextMaxChars,
      diffSource: gitChanges,
      prices: () => vscode.workspace.getConfiguration('agentOsPersonas.metrics').get<unknown>('prices'),
      apiKey: () => this.apiKeys.get(),
      chatBridge: new LanguageModelBridge(),
      log: (line) => this.log.info(line),
    });
    // Another window (or the CLI) owning the folder's store makes this one read-only until it can take over.
    this.waiter = new StoreWaiter({
      open,
      owner: () => readOwner(join(folder.uri.fsPath, '.agent-os')),
      onReadOnly: (refusal) => {
        if (refusal) this.log.warn(`${refusal.message} ${refusal.hint}`);
        else this.log.info('the other owner of this folder\'s store is gone: this window owns it now');
        readOnly(refusal);
      },
      close: (services) => services.dispose(),
    });
    const services = await this.waiter.opened;
    if (!services) return undefined;
    // Off (nothing loaded) unless an OTLP endpoint is set; its lines go to the output channel.
    enableTracing(services, { extensionRoot: context.extensionPath, settings: readTelemetrySettings(), env: process.env, log: (line) => this.log.warn(line), serviceVersion: (context.extension.packageJSON as { version?: string }).version ?? 'unknown' });
    return services;
  }

  private registerUi(): { follow(services: PersonaServices): void; readOnly(refusal: PersonaError | undefined): void } {
    const tree = this.jobTree;
    const documents = new JobDocumentProvider(() => this.services && { store: this.services.store, findings: this.services.findings, workspaceRoot: this.services.workspaceRoot, costs: this.services.metrics });
    const workflowDocuments = new WorkflowDocumentProvider(() => this.services?.sessions);
    const statusBar = new PersonasStatusBar();
    const treeView = vscode.window.createTreeView<JobTreeElement>(JOBS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false });
    this.standards.setBadgeFallback(treeView);
    const readOnlyNotice = new ReadOnlyNotice(treeView);
    this.disposables.push(readOnlyNotice, { dispose: () => void this.waiter?.stop() });
    this.disposables.push(
      tree,
      documents,
      workflowDocuments,
      statusBar,
      treeView,
      vscode.workspace.registerTextDocumentContentProvider(JOB_SCHEME, documents),
      vscode.languages.registerDocumentLinkProvider({ scheme: JOB_SCHEME }, documents),
      vscode.workspace.registerTextDocumentContentProvider(WORKFLOW_SCHEME, workflowDocuments),
    );
    const revealJob = async (jobId: string): Promise<void> => {
      const element = tree.jobElement(jobId);
      if (!element) throw new PersonaError('JOB_NOT_FOUND', `There is no job ${jobId.slice(0, 80)} (it may have been cleaned up).`, 'The session\'s state still opens from "Personas: Show Workflow Sessions".');
      await treeView.reveal(element, { select: true, focus: true, expand: true });
    };
    const follow = (services: PersonaServices): void => {
      for (const notice of services.store.notices) {
        this.log.warn(notice);
        void vscode.window.showWarningMessage(`Agent OS Personas: ${notice}`);
      }
      const { requeued, failed } = services.recovered;
      if (requeued.length + failed.length > 0) {
        this.log.info(`after a restart: ${requeued.length} interrupted job(s) re-queued, ${failed.length} failed after too many attempts`);
      }
      tree.follow(services.store, services.sessions);
      // What this window's person was watching before a reload pops up again; agents' jobs do not.
      rememberFollowedJobs(services, this.followed);
      void this.followed.resume(services).catch((err: unknown) => this.log.warn(`could not follow jobs again after the reload: ${String(err)}`));
      documents.follow(services.store, services.findings);
      workflowDocuments.follow(services.sessions);
      this.workflowFiles.follow(services.workflowRegistry);
      statusBar.follow(services.store);
      this.personaFiles.follow(services.registry);
      this.disposables.push(watchStandards(services.standards, this.log));
      this.standards.follow(services);
      this.metrics.follow(services.store, services.proposals);
      this.findings.follow(services);
      void updateModelLabel();
    };
    const updateModelLabel = async (): Promise<void> => {
      if (!this.services) {
        statusBar.setModel('', false);
        return;
      }
      const model = await this.services.models.describe();
      statusBar.setModel(model.label, model.kind === 'demo');
    };
    void updateModelLabel();
    this.disposables.push(
      this.apiKeys.trackContextKey(),
      onModelSettingsChanged(() => void updateModelLabel()),
      this.apiKeys.onDidChange(() => void updateModelLabel()),
      vscode.lm.onDidChangeChatModels(() => void updateModelLabel()),
    );

    const commands: Record<string, (...args: never[]) => unknown> = {
      'agentOsPersonas.askPersona': (args?: AskArgs) => this.guard('Ask a Persona', async () => (await askPersona(await this.writable(), args ?? {}))?.id),
      'agentOsPersonas.askPanel': (args?: AskPanelArgs) => this.guard('Ask the Panel', async () => (await askPanel(await this.writable(), args ?? {}))?.id),
      'agentOsPersonas.startWorkflow': (args?: StartWorkflowArgs) => this.guard('Start Workflow', async () => (await startWorkflowCommand(await this.writable(), args ?? {}))?.job.id),
      'agentOsPersonas.showWorkflowSessions': (arg?: SessionsArg) => this.guard('Show Workflow Sessions', async () => {
        const args: ShowSessionsArgs = arg && 'persona' in arg ? { jobId: arg.id } : (arg ?? {});
        return showWorkflowSessions(await this.requireServices(), args, revealJob);
      }),
      [OPEN_PHASE_COMMAND]: (ref?: PhaseRef) => this.guard('Open Workflow Phase', async () => {
        if (!ref || typeof ref.sessionId !== 'string' || !Number.isInteger(ref.index)) throw new PersonaError('INVALID_INPUT', 'No workflow phase was given.', 'Click a phase under a workflow job in the Persona Jobs view.');
        const session = (await this.requireServices()).sessions.require(ref.sessionId);
        if (!session.definition.phases[ref.index]) throw new PersonaError('INVALID_INPUT', `Session ${session.id} has no phase at position ${ref.index}.`, 'Click a phase under a workflow job in the Persona Jobs view.');
        return (await openPhaseDocument(session, ref.index)).document.uri.toString();
      }),
      'agentOsPersonas.setApiKey': (key?: string) => this.guard('Set Anthropic API Key', () => promptForApiKey(this.apiKeys, typeof key === 'string' ? key : undefined)),
      [STATUS_ACTIONS_COMMAND]: () => this.guard('Agent OS Personas', async () => showStatusActions({ ...statusBar.state, hasStoredKey: await this.apiKeys.hasStored() })),
      [PICK_PROVIDER_COMMAND]: (value?: string) => this.guard('Pick Model Provider', () => pickModelProvider(typeof value === 'string' ? value : undefined)),
      'agentOsPersonas.clearApiKey': () => this.guard('Clear Anthropic API Key', async () => {
        await this.apiKeys.clear();
        void vscode.window.showInformationMessage('Anthropic API key removed from SecretStorage.');
      }),
      'agentOsPersonas.openJobResult': (arg?: JobArg) => this.guard('Open Result', async () => {
        const job = await this.jobFrom(arg);
        await openJobDocument(job.id, job.persona);
      }),
      'agentOsPersonas.copyMcpConfiguration': () => this.guard('Copy MCP Configuration', () => copyMcpConfiguration(this.mcp)),
      'agentOsPersonas.searchStandards': (args?: SearchStandardsArgs) => this.guard('Search Standards', async () => searchStandards(await this.requireServices(), args ?? {})),
      'agentOsPersonas.exportPersona': (args?: ExportArgs) => this.guard('Export Persona', async () => exportPersonaCommand(await this.requireServices(), args ?? {})),
      'agentOsPersonas.newStandard': (args?: NewStandardArgs) => this.guard('New Standard', async () => {
        const id = await newStandard(await this.requireServices(), args ?? {});
        if (id) await this.standards.reveal(id);
        return id;
      }),
      'agentOsPersonas.showStandards': () => this.guard('Show Standards', () => this.standards.reveal()),
      [SHOW_METRICS_COMMAND]: () => this.guard('Show Metrics', async () => this.metrics.show()),
      'agentOsPersonas.cancelJob': (arg?: JobArg) => this.guard('Cancel Job', async () => {
        const job = await this.jobFrom(arg);
        return (await (await this.requireServices()).jobs.cancel(job.id)).status;
      }),
      // A panel re-runs its personas that did not answer; a panel's persona re-opens its panel.
      // A person's retry is followed as a new job is: progress, then the result (the panel's,
      // for one of its personas).
      'agentOsPersonas.retryJob': (arg?: JobArg) => this.guard('Retry Job', async () => {
        const job = await this.jobFrom(arg);
        const services = await this.requireServices();
        const retried = await services.jobs.retry(job.id);
        if (isInteractive(arg)) {
          const top = (retried.parentId ? services.store.summary(retried.parentId) : undefined) ?? retried;
          void followJob(services, top).catch((err: unknown) => this.log.warn(`could not follow the retried job: ${String(err)}`));
        }
        return retried.status;
      }),
    };
    for (const [id, handler] of Object.entries(commands)) {
      this.disposables.push(vscode.commands.registerCommand(id, handler));
    }
    this.disposables.push(registerChatParticipant({ ready: () => this.writable(), revealJob }));
    this.disposables.push(...registerFindingDiagnostics(this.findings, () => this.writable(), this.log));
    this.disposables.push(...registerFindingsView(this.findings, () => this.writable(), this.log));
    return { follow, readOnly: (refusal) => readOnlyNotice.show(refusal) };
  }

  /**
   * The services, as `ready` gives them; in a read-only window, the refusal saying why at once
   * (rather than a command waiting until this window takes over).
   */
  private writable(): Promise<PersonaServices | undefined> {
    const refusal = this.waiter?.refusal;
    return refusal ? Promise.reject(refusal) : this.ready;
  }

  private async requireServices(): Promise<PersonaServices> {
    const services = await this.writable();
    if (!services) {
      throw new PersonaError('NO_WORKSPACE', 'No folder is open.', 'Open a folder: persona jobs are kept in its .agent-os folder.');
    }
    return services;
  }

  private async jobFrom(arg: JobArg): Promise<JobSummary> {
    const id = typeof arg === 'string' ? arg : arg && 'jobId' in arg ? arg.jobId : arg?.id;
    if (!id) throw new PersonaError('INVALID_INPUT', 'No job was given.', 'Pick a job in the Persona Jobs view.');
    return (await this.requireServices()).store.requireSummary(id);
  }

  /** Runs a command; a failure becomes one clear message (and a rejected promise for callers), never a crash. */
  private guard<T>(title: string, run: () => Promise<T>): Promise<T> {
    return guardCommand(this.log, title, run);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }

  /** Stops the workers and writes the final snapshot; deactivate awaits this. */
  async shutdown(): Promise<void> {
    // A read-only window stops waiting for the store (its `ready` then settles undefined).
    await this.waiter?.stop();
    const services = await this.ready.catch(() => undefined);
    await this.mcp.close();
    await services?.dispose();
    this.dispose();
  }
}
