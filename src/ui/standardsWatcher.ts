import { existsSync, readdirSync } from 'node:fs';
import * as vscode from 'vscode';
import { STANDARDS_FOLDER, type StandardsIndex } from '../standards/standardsIndex';

/**
 * Keeps the standards index in step with `.agent-os/standards` while VS Code runs: every create,
 * change or delete, by approval in the webview or by hand, re-reads what is on disk there
 * (`StandardsIndex.refreshPath`). The pattern is relative to the workspace folder (a nested
 * project's `.agent-os` is not ours) and also matches folders: deleting or moving a domain
 * folder is reported as the folder alone, without its files.
 */
export function watchStandards(index: StandardsIndex, workspaceFolder: vscode.WorkspaceFolder | vscode.Uri, log: vscode.LogOutputChannel): vscode.Disposable {
  const disposables: vscode.Disposable[] = [];
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(workspaceFolder, `{${STANDARDS_FOLDER},${STANDARDS_FOLDER}/**}`));
  const refresh = (uri: vscode.Uri): void => {
    if (uri.scheme !== 'file') return;
    index.refreshPath(uri.fsPath).catch((err: unknown) => log.warn(`standards: ${uri.fsPath} not re-indexed: ${err instanceof Error ? err.message : String(err)}`));
  };
  // VS Code's recursive workspace watcher can report a new domain folder and then nothing
  // inside it; a plain (non-recursive) watcher on the standards folder and on each domain
  // folder, added as they appear, sees the files in them.
  const root = workspaceFolder instanceof vscode.Uri ? workspaceFolder : workspaceFolder.uri;
  const folderWatchers = new Map<string, vscode.Disposable>();
  const watchFolder = (folder: vscode.Uri): void => {
    if (folderWatchers.has(folder.fsPath) || !existsSync(folder.fsPath)) return;
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '*'));
    w.onDidCreate(onEvent, null, disposables);
    w.onDidChange(onEvent, null, disposables);
    w.onDidDelete(onEvent, null, disposables);
    folderWatchers.set(folder.fsPath, w);
    disposables.push(w);
  };
  const watchFolders = (): void => {
    const standards = vscode.Uri.joinPath(root, STANDARDS_FOLDER);
    watchFolder(standards);
    if (!existsSync(standards.fsPath)) return;
    for (const entry of readdirSync(standards.fsPath, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) watchFolder(vscode.Uri.joinPath(standards, entry.name));
    }
  };
  function onEvent(uri: vscode.Uri): void {
    try {
      watchFolders();
    } catch (err) {
      log.warn(`standards: watching folders failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    refresh(uri);
  }
  watcher.onDidCreate(onEvent, null, disposables);
  watcher.onDidChange(onEvent, null, disposables);
  watcher.onDidDelete(onEvent, null, disposables);
  disposables.push(watcher);
  watchFolders();
  // VS Code folds a plain folder watch into its recursive one, which is what misses events, so
  // the index also follows the folders itself (node:fs.watch per folder, as in the CLI).
  // Refreshing twice for one change is harmless: each refresh re-reads the file.
  disposables.push(index.watch({ persistent: false }));
  const off = index.events.on('standards:changed', (change) => {
    log.info(`standards: ${change.kind} ${change.path} (${change.sections} sections)`);
  });
  disposables.push({ dispose: off });
  // Whatever changed between the first read of the folder and this watcher starting.
  void index.start().then(() => index.resync());
  return { dispose: () => { for (const d of disposables.splice(0).reverse()) d.dispose(); } };
}
