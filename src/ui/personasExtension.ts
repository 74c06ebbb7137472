import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import type { Job } from '../jobs/types';
import { PersonaServices } from '../services';
import { ApiKeyStore, promptForApiKey } from './apiKey';
import { askPersona, type AskArgs } from './askPersona';
import { JobDocumentProvider, JOB_SCHEME, openJobDocument } from './jobDocuments';
import { JobTreeProvider, JOBS_VIEW_ID } from './jobTree';
import { createLog } from './output';
import { reportPersonaProblems } from './personaDiagnostics';
import { onModelSettingsChanged, readModelSettings, readWorkerCount } from './settings';
import { PersonasStatusBar } from './statusBar';

/** What `activate` returns: for tests and for extensions that build on this one. */
export interface PersonasApi {
  readonly services: PersonaServices | undefined;
  readonly activationMs: number;
}

type JobArg = Job | { jobId: string } | string | undefined;

/**
 * Owns everything the extension creates in one activation; disposing it undoes all of it.
 * Without an open folder the commands still register and explain what to do.
 */
export class PersonasExtension implements vscode.Disposable, PersonasApi {
  private readonly disposables: vscode.Disposable[] = [];
  activationMs = 0;

  private constructor(
    readonly log: vscode.LogOutputChannel,
    readonly apiKeys: ApiKeyStore,
    readonly services: PersonaServices | undefined,
  ) {}

  static async create(context: vscode.ExtensionContext): Promise<PersonasExtension> {
    const log = createLog();
    const apiKeys = new ApiKeyStore(context.secrets);
    const folder = vscode.workspace.workspaceFolders?.[0];
    let services: PersonaServices | undefined;
    if (folder && folder.uri.scheme === 'file') {
      services = await PersonaServices.create({
        workspaceRoot: folder.uri.fsPath,
        extensionRoot: context.extensionPath,
        workerCount: readWorkerCount(),
        modelSettings: readModelSettings,
        apiKey: () => apiKeys.get(),
        log: (line) => log.info(line),
      });
    }
    const ext = new PersonasExtension(log, apiKeys, services);
    ext.disposables.push(log, apiKeys);
    ext.registerUi();
    return ext;
  }

  private registerUi(): void {
    const store = (): PersonaServices['store'] | undefined => this.services?.store;
    const tree = new JobTreeProvider(store);
    const documents = new JobDocumentProvider(store);
    const statusBar = new PersonasStatusBar();
    const diagnostics = vscode.languages.createDiagnosticCollection('agent-os-personas');
    this.disposables.push(
      tree,
      documents,
      statusBar,
      diagnostics,
      vscode.window.createTreeView(JOBS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: false }),
      vscode.workspace.registerTextDocumentContentProvider(JOB_SCHEME, documents),
    );
    if (this.services) {
      tree.follow(this.services.store);
      statusBar.follow(this.services.store);
      reportPersonaProblems(this.services.registry, diagnostics, this.log);
    }
    const updateModelLabel = async (): Promise<void> => {
      const model = this.services ? await this.services.models.describe() : { label: 'no folder', kind: 'demo' as const };
      statusBar.setModel(model.label, model.kind === 'demo');
    };
    void updateModelLabel();
    this.disposables.push(onModelSettingsChanged(() => void updateModelLabel()), this.apiKeys.onDidChange(() => void updateModelLabel()));

    const commands: Record<string, (...args: never[]) => unknown> = {
      'agentOsPersonas.askPersona': (args?: AskArgs) => this.guard('Ask a Persona', async () => (await askPersona(this.services, args ?? {}))?.id),
      'agentOsPersonas.setApiKey': (key?: string) => this.guard('Set Anthropic API Key', () => promptForApiKey(this.apiKeys, typeof key === 'string' ? key : undefined)),
      'agentOsPersonas.clearApiKey': () => this.guard('Clear Anthropic API Key', async () => {
        await this.apiKeys.clear();
        void vscode.window.showInformationMessage('Anthropic API key removed from SecretStorage.');
      }),
      'agentOsPersonas.openJobResult': (arg?: JobArg) => this.guard('Open Result', async () => {
        const job = this.jobFrom(arg);
        await openJobDocument(job.id, job.persona);
      }),
      'agentOsPersonas.cancelJob': (arg?: JobArg) => this.guard('Cancel Job', async () => {
        const job = this.jobFrom(arg);
        return (await this.requireServices().pool.cancel(job.id)).status;
      }),
    };
    for (const [id, handler] of Object.entries(commands)) {
      this.disposables.push(vscode.commands.registerCommand(id, handler));
    }
  }

  private requireServices(): PersonaServices {
    if (!this.services) {
      throw new PersonaError('NO_WORKSPACE', 'No folder is open.', 'Open a folder: persona jobs are kept in its .agent-os folder.');
    }
    return this.services;
  }

  private jobFrom(arg: JobArg): Job {
    const id = typeof arg === 'string' ? arg : arg && 'jobId' in arg ? arg.jobId : arg?.id;
    if (!id) throw new PersonaError('INVALID_INPUT', 'No job was given.', 'Pick a job in the Persona Jobs view.');
    return this.requireServices().store.require(id);
  }

  /** Runs a command; a failure becomes one clear message (and a rejected promise for callers), never a crash. */
  private async guard<T>(title: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const message = err instanceof PersonaError ? `${err.message} ${err.hint}` : `Unexpected error: ${String(err)}`;
      this.log.error(`${title} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      void vscode.window.showErrorMessage(`${title} failed: ${message}`);
      throw err;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }

  /** Stops the workers and writes the final snapshot; deactivate awaits this. */
  async shutdown(): Promise<void> {
    await this.services?.dispose();
    this.dispose();
  }
}
