import * as vscode from 'vscode';
import { guideMessage, installShippedGuide } from '../guides/guideInstaller';

/**
 * Installs or updates `.agent-os/persona-guide.md` once the services have started, on a later
 * turn of the event loop so that nothing waiting on `ready` waits for it. An edited guide is
 * told once per version (the core records that it told, in `.agent-os`); a refusal is logged.
 */
export function installGuideLater(extensionRoot: string, workspaceRoot: string, log: vscode.LogOutputChannel): void {
  setImmediate(() => {
    const outcome = installShippedGuide(extensionRoot, workspaceRoot);
    if (!outcome) {
      log.warn('The persona guide is not in this build (dist/persona-guide.md), so it was not installed into the workspace.');
      return;
    }
    log.info(`persona guide: ${outcome.kind} (version ${outcome.version})`);
    const message = guideMessage(outcome);
    if (!message) return;
    if (outcome.kind === 'edited') void vscode.window.showInformationMessage(`Agent OS Personas: ${message}`);
    else log.warn(message);
  });
}
