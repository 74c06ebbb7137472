import * as vscode from 'vscode';
import type { WorkflowProblem } from '../workflows/types';

/**
 * Workflow files that failed to load (errors) and what a prAxIs OS workflow asks for that is
 * not enforced (warnings: its Python validators): in the Problems panel at the file and line,
 * refreshed on every registry change. An error toast names a problem only the first time it
 * appears; warnings stay in the Problems panel (a prAxIs workspace has them on every start).
 */
export class WorkflowDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('agent-os-workflows');
  private readonly announced = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  show(problems: readonly WorkflowProblem[]): void {
    this.collection.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const fresh: WorkflowProblem[] = [];
    for (const p of problems) {
      const line = Math.max(0, p.line - 1);
      const error = p.severity === 'error';
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), error ? `Workflow not loaded: ${p.message}` : `Workflow: ${p.message}`, error ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'Agent OS Personas';
      byFile.set(p.file, [...(byFile.get(p.file) ?? []), d]);
      const key = `${p.file}:${p.line}:${p.message}`;
      if (!this.announced.has(key)) {
        this.announced.add(key);
        if (error) fresh.push(p);
        this.log.warn(`workflow ${p.severity}: ${p.file}:${p.line}: ${p.message}`);
      }
    }
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
    const first = fresh[0];
    if (first) {
      const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more)` : '';
      void vscode.window.showWarningMessage(`Workflow file skipped: ${vscode.workspace.asRelativePath(first.file)}:${first.line}: ${first.message}${more}. The other workflows loaded; the Problems panel has the line.`);
    }
  }

  dispose(): void {
    this.collection.dispose();
  }
}
