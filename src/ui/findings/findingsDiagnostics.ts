import * as vscode from 'vscode';
import { PersonaError } from '../../core/errors';
import { guardCommand } from '../commandGuard';
import type { PersonaServices } from '../../services';
import { DISMISS_FINDING_COMMAND, dismissFinding, EXPLAIN_FINDING_COMMAND, explainFinding, FindingCodeActions, PROPOSE_FROM_FINDING_COMMAND, proposeStandardFromFinding, type FindingCommandDeps, type FindingRef } from './findingActions';
import { FindingAnchors } from './findingAnchors';
import type { FindingsModel } from './findingsModel';

/**
 * Findings in the editor: diagnostics at their lines (following edits), and the code actions
 * on them (Dismiss…, Ask the persona to explain, Propose a standard from this finding).
 */
export function registerFindingDiagnostics(model: FindingsModel, ready: () => Promise<PersonaServices | undefined>, log: vscode.LogOutputChannel): vscode.Disposable[] {
  let anchors: FindingAnchors | undefined;
  let disposed = false;
  const disposables: vscode.Disposable[] = [];
  // Called while the extension is still being built: its `ready` is there from the next tick.
  const started = Promise.resolve().then(ready).then((s) => {
    if (!s || disposed) return undefined;
    const live = new FindingAnchors(s.workspaceRoot, log);
    anchors = live;
    disposables.push(
      live,
      model.onDidChange(() => void live.sync(model.current())),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new FindingCodeActions(live), { providedCodeActionKinds: FindingCodeActions.kinds }),
    );
    void live.sync(model.current());
    return live;
  }, () => undefined);
  const deps = async (): Promise<FindingCommandDeps> => {
    const s = await ready();
    const live = anchors ?? (await started);
    if (!s || !live) throw new PersonaError('NO_WORKSPACE', 'No folder is open.', 'Open a folder: findings are kept with their jobs in its .agent-os folder.');
    return { services: () => Promise.resolve(s), model, anchors: live };
  };
  const commands: Record<string, (...args: never[]) => Promise<unknown>> = {
    [DISMISS_FINDING_COMMAND]: (ref?: FindingRef, reason?: string, note?: string) => guardCommand(log, 'Dismiss Finding', async () => dismissFinding(await deps(), ref, reason, note)),
    [EXPLAIN_FINDING_COMMAND]: (ref?: FindingRef) => guardCommand(log, 'Explain Finding', async () => explainFinding(await deps(), ref)),
    [PROPOSE_FROM_FINDING_COMMAND]: (ref?: FindingRef) => guardCommand(log, 'Propose a Standard from a Finding', async () => proposeStandardFromFinding(await deps(), ref)),
  };
  const registered = Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
  return [
    ...registered,
    {
      dispose: () => {
        disposed = true;
        for (const d of disposables.splice(0).reverse()) d.dispose();
      },
    },
  ];
}
