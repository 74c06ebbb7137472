import * as vscode from 'vscode';
import { PersonasExtension, type PersonasApi } from './ui/personasExtension';

let extension: PersonasExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PersonasApi> {
  const started = performance.now();
  try {
    extension = await PersonasExtension.create(context);
  } catch (err) {
    void vscode.window.showErrorMessage(`Agent OS Personas failed to start: ${err instanceof Error ? err.message : String(err)}`);
    throw err;
  }
  context.subscriptions.push(extension);
  extension.activationMs = performance.now() - started;
  extension.log.info(`activated in ${extension.activationMs.toFixed(1)} ms`);
  return extension;
}

export function deactivate(): Promise<void> | undefined {
  const current = extension;
  extension = undefined;
  return current?.shutdown();
}
