import * as vscode from 'vscode';
import type { PersonaRegistry, PersonaRegistryChange } from '../personas/personaRegistry';
import { PersonaDiagnostics } from './personaDiagnostics';

/**
 * Keeps the personas in step with the files on disk while VS Code runs: the registry follows
 * its folders itself (`PersonaRegistry.watch`, node:fs.watch per folder, debounced, as in the
 * CLI), the Problems panel follows every change, and `onDidChange` tells anything that shows
 * personas. VS Code's own file watcher is not used: in code-server, and under load, it was
 * seen to drop a delete inside a folder created after it started.
 */
export class PersonaFileSync implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<PersonaRegistryChange>();
  readonly onDidChange = this.emitter.event;
  private readonly diagnostics: PersonaDiagnostics;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.diagnostics = new PersonaDiagnostics(log);
    this.disposables.push(this.emitter, this.diagnostics);
  }

  follow(registry: PersonaRegistry): void {
    this.diagnostics.show(registry.problems);
    this.logNotes(registry);
    const off = registry.onDidChange((change) => {
      this.log.info(`personas reloaded: ${change.personas.length} loaded, ${change.problems.length} skipped; added [${change.added.join(', ')}], removed [${change.removed.join(', ')}], changed [${change.changed.join(', ')}]`);
      this.diagnostics.show(change.problems);
      this.logNotes(registry, [...change.added, ...change.changed]);
      this.emitter.fire(change);
    });
    this.disposables.push({ dispose: off }, registry.watch({ persistent: false }));
  }

  private logNotes(registry: PersonaRegistry, ids?: string[]): void {
    for (const p of registry.list()) {
      if (ids && !ids.includes(p.id)) continue;
      for (const note of p.notes) this.log.info(`persona ${p.id} (${p.source}): ${note}`);
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
