import * as vscode from 'vscode';
import type { PersonaServices } from '../../services';
import type { FindingsModel } from './findingsModel';

/**
 * Findings in the editor: diagnostics at their lines (following edits), and the code actions
 * on them (Dismiss…, Ask the persona to explain, Propose a standard from this finding).
 */
export function registerFindingDiagnostics(_model: FindingsModel, _ready: () => Promise<PersonaServices | undefined>, _log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [];
}
