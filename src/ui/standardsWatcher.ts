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
  watcher.onDidCreate(refresh, null, disposables);
  watcher.onDidChange(refresh, null, disposables);
  watcher.onDidDelete(refresh, null, disposables);
  disposables.push(watcher);
  const off = index.events.on('standards:changed', (change) => {
    log.info(`standards: ${change.kind} ${change.path} (${change.sections} sections)`);
  });
  disposables.push({ dispose: off });
  // Whatever changed between the first read of the folder and this watcher starting.
  void index.start().then(() => index.resync());
  return { dispose: () => { for (const d of disposables.splice(0).reverse()) d.dispose(); } };
}
