import * as vscode from 'vscode';
import { PersonasExtension, type PersonasApi } from './ui/personasExtension';

let extension: PersonasExtension | undefined;

export function activate(context: vscode.ExtensionContext): PersonasApi {
  const started = performance.now();
  try {
    extension = PersonasExtension.create(context);
  } catch (err) {
    void vscode.window.showErrorMessage(`Agent OS Personas failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
  context.subscriptions.push(extension);
  extension.activationMs = performance.now() - started;
  const active = extension;
  active.log.info(`activated in ${active.activationMs.toFixed(1)} ms`);
  void active.ready.then(() => active.log.info(`job store open and workers starting ${active.readyMs.toFixed(1)} ms after activation began`), () => undefined);
  return extension;
}

export function deactivate(): Promise<void> | undefined {
  const current = extension;
  extension = undefined;
  return current?.shutdown();
}
