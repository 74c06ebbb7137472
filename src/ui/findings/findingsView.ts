import * as vscode from 'vscode';
import type { PersonaServices } from '../../services';
import type { FindingsModel } from './findingsModel';

/** The Findings view (by file or by severity) and its commands: Show Findings, Clear Findings, Export Findings as SARIF…. */
export function registerFindingsView(_model: FindingsModel, _ready: () => Promise<PersonaServices | undefined>, _log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [];
}
