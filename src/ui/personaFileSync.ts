import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Debouncer } from '../core/debouncer';
import { RELOAD_DEBOUNCE_MS, type PersonaRegistry, type PersonaRegistryChange } from '../personas/personaRegistry';
import { WORKSPACE_PERSONA_GLOBS } from '../personas/personaSources';
import { PersonaDiagnostics } from './personaDiagnostics';

/**
 * Keeps the personas in step with the files on disk while VS Code runs: a file system watcher
 * per workspace source reloads the registry (debounced: one save fires several events), the
 * Problems panel follows every change, and `onDidChange` tells anything that shows personas.
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

  follow(registry: PersonaRegistry, workspaceFolder: vscode.Uri): void {
    this.diagnostics.show(registry.problems);
    this.logNotes(registry);
    const off = registry.onDidChange((change) => {
      this.log.info(`personas reloaded: ${change.personas.length} loaded, ${change.problems.length} skipped; added [${change.added.join(', ')}], removed [${change.removed.join(', ')}], changed [${change.changed.join(', ')}]`);
      this.diagnostics.show(change.problems);
      this.logNotes(registry, [...change.added, ...change.changed]);
      this.emitter.fire(change);
    });
    const reload = new Debouncer(RELOAD_DEBOUNCE_MS, () => registry.reload());
    this.disposables.push({ dispose: off }, reload);
    // VS Code's watcher (in code-server, and under load) has been seen to drop a delete inside a
    // folder it was told about late. The registry's own node:fs.watch follower (one inotify
    // watch per folder) runs beside it; a reload that finds nothing new fires no change.
    this.disposables.push(registry.watch({ persistent: false }));
    // VS Code's recursive workspace watcher can report a new folder and then nothing inside
    // it; a plain (non-recursive) watcher on each persona folder that exists covers that.
    const folderWatchers = new Map<string, vscode.Disposable>();
    const watchFolders = (): void => {
      for (const { folder } of WORKSPACE_PERSONA_GLOBS) {
        if (folderWatchers.has(folder) || !existsSync(join(workspaceFolder.fsPath, folder))) continue;
        const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(workspaceFolder, folder), '*'));
        w.onDidCreate(() => reload.trigger(), null, this.disposables);
        w.onDidChange(() => reload.trigger(), null, this.disposables);
        w.onDidDelete(() => reload.trigger(), null, this.disposables);
        folderWatchers.set(folder, w);
        this.disposables.push(w);
      }
    };
    const trigger = (): void => {
      watchFolders();
      reload.trigger();
    };
    watchFolders();
    for (const { folder, glob: files } of WORKSPACE_PERSONA_GLOBS) {
      const parent = folder.split('/')[0]!;
      // The files, and the folder and its parent themselves: deleting a folder reports only the folder.
      const glob = `{${files},${folder},${parent}}`;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(workspaceFolder, glob));
      watcher.onDidCreate(trigger, null, this.disposables);
      watcher.onDidChange(trigger, null, this.disposables);
      watcher.onDidDelete(trigger, null, this.disposables);
      this.disposables.push(watcher);
    }
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
