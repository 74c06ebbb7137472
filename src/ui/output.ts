import * as vscode from 'vscode';
import { redactingLog } from './redactingLog';

export function createLog(): vscode.LogOutputChannel {
  return redactingLog(vscode.window.createOutputChannel('Agent OS Personas', { log: true }));
}
