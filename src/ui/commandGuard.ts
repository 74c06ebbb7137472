import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';

/**
 * Runs a command; a failure becomes one clear message (a PersonaError's message and hint) and a
 * rejected promise for callers, never an unhandled crash. The log keeps the stack.
 */
export async function guardCommand<T>(log: vscode.LogOutputChannel, title: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const message = err instanceof PersonaError ? `${err.message} ${err.hint}` : `Unexpected error: ${String(err)}`;
    log.error(`${title} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void vscode.window.showErrorMessage(`${title} failed: ${message}`);
    throw err;
  }
}
