import type * as vscode from 'vscode';
import type { StandardsIndex } from '../standards/standardsIndex';
import { countOf } from '../core/plural';

/**
 * Keeps the standards index in step with `.agent-os/standards` while VS Code runs: every create,
 * change or delete, by approval in the webview or by hand, re-reads what is on disk there. The
 * index follows its folders itself (`StandardsIndex.watch`, node:fs.watch per folder, as in the
 * CLI). VS Code's own file watcher is not used: its recursive watch was seen to report a new
 * domain folder and then miss the files written into it.
 */
export function watchStandards(index: StandardsIndex, log: vscode.LogOutputChannel): vscode.Disposable {
  const watching = index.watch({ persistent: false });
  const off = index.events.on('standards:changed', (change) => {
    log.info(`standards: ${change.kind} ${change.path} (${countOf(change.sections, 'section')})`);
  });
  return {
    dispose: () => {
      off();
      watching.dispose();
    },
  };
}
