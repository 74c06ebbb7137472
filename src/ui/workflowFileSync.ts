import * as vscode from 'vscode';
import type { WorkflowRegistry, WorkflowRegistryChange } from '../workflows/workflowRegistry';
import { WorkflowDiagnostics } from './workflowDiagnostics';

/**
 * Keeps the workflows in step with `.agent-os/workflows` and `.praxis-os/workflows` while VS
 * Code runs: the registry follows its folders itself (`WorkflowRegistry.watch`, node:fs.watch,
 * debounced, as the persona registry does; see PersonaFileSync on why not VS Code's watcher),
 * the Problems panel follows every change, and `onDidChange` tells anything that lists them.
 */
export class WorkflowFileSync implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<WorkflowRegistryChange>();
  readonly onDidChange = this.emitter.event;
  private readonly diagnostics: WorkflowDiagnostics;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.diagnostics = new WorkflowDiagnostics(log);
    this.disposables.push(this.emitter, this.diagnostics);
  }

  follow(registry: WorkflowRegistry): void {
    // The first read of the workflow files (and the compile of their gates, ~0.2 s) waits until
    // the services are ready and the tree shows: the Problems panel can follow a moment later.
    const first = setImmediate(() => this.diagnostics.show(registry.problems));
    this.disposables.push({ dispose: () => clearImmediate(first) });
    const off = registry.events.on('change', (change) => {
      this.log.info(`workflows reloaded: ${change.workflows.length} loaded (${change.workflows.map((w) => w.id).join(', ')}), ${change.problems.length} problem(s)`);
      this.diagnostics.show(change.problems);
      this.emitter.fire(change);
    });
    this.disposables.push({ dispose: off }, registry.watch({ persistent: false }));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
