import * as vscode from 'vscode';
import type { WorkflowProblem } from '../workflows/types';
import { FileProblemsPanel } from './fileProblems';

/**
 * Workflow files that failed to load (errors) and what a prAxIs OS workflow asks for that is
 * not enforced (warnings: its Python validators): in the Problems panel at the file and line,
 * refreshed on every registry change. Only errors raise a toast, once; warnings stay in the
 * Problems panel (a prAxIs workspace has them on every start).
 */
export class WorkflowDiagnostics extends FileProblemsPanel<WorkflowProblem> {
  constructor(log: vscode.LogOutputChannel) {
    super(log, {
      collection: 'agent-os-workflows',
      text: (p) => (p.severity === 'error' ? `Workflow not loaded: ${p.message}` : `Workflow: ${p.message}`),
      severity: (p) => (p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning),
      announce: (p) => p.severity === 'error',
      toast: (first, more) => `Workflow file skipped: ${vscode.workspace.asRelativePath(first.file)}:${first.line}: ${first.message}${more > 0 ? ` (and ${more} more)` : ''}. The other workflows loaded; the Problems panel has the line.`,
      logLine: (p) => `workflow ${p.severity}: ${p.file}:${p.line}: ${p.message}`,
    });
  }
}
