import * as vscode from 'vscode';
import type { PersonaRegistry } from '../personas/personaRegistry';

/** Persona files that failed to load: in the Problems panel, and once as a warning naming file and line. */
export function reportPersonaProblems(registry: PersonaRegistry, diagnostics: vscode.DiagnosticCollection, log: vscode.LogOutputChannel): void {
  diagnostics.clear();
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const p of registry.problems) {
    const line = Math.max(0, p.line - 1);
    const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, 200), `Persona not loaded: ${p.message}`, vscode.DiagnosticSeverity.Warning);
    d.source = 'Agent OS Personas';
    byFile.set(p.file, [...(byFile.get(p.file) ?? []), d]);
    log.warn(`persona file skipped: ${p.file}:${p.line}: ${p.message}`);
  }
  for (const [file, list] of byFile) diagnostics.set(vscode.Uri.file(file), list);
  const first = registry.problems[0];
  if (first) {
    const more = registry.problems.length > 1 ? ` (and ${registry.problems.length - 1} more)` : '';
    void vscode.window.showWarningMessage(`Persona file skipped: ${first.file}:${first.line}: ${first.message}${more}. The other personas loaded.`);
  }
}
