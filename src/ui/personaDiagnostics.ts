import * as vscode from 'vscode';
import type { PersonaFileProblem } from '../personas/personaFile';

/**
 * Persona files that failed to load, from every source (shipped, `.agent-os/personas`,
 * `.claude/agents`, `.github/agents`): in the Problems panel at the file and line, refreshed on
 * every registry change. A warning toast names a problem only the first time it appears, so
 * saving a half-edited file does not raise the same toast again and again.
 */
export class PersonaDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('agent-os-personas');
  private readonly announced = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  show(problems: readonly PersonaFileProblem[]): void {
    this.collection.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const fresh: PersonaFileProblem[] = [];
    for (const p of problems) {
      const line = Math.max(0, p.line - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `Persona not loaded: ${p.message}`, vscode.DiagnosticSeverity.Warning);
      d.source = 'Agent OS Personas';
      byFile.set(p.file, [...(byFile.get(p.file) ?? []), d]);
      const key = `${p.file}:${p.line}:${p.message}`;
      if (!this.announced.has(key)) {
        this.announced.add(key);
        fresh.push(p);
        this.log.warn(`persona file skipped: ${p.file}:${p.line}: ${p.message}`);
      }
    }
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
    const first = fresh[0];
    if (first) {
      const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more)` : '';
      void vscode.window.showWarningMessage(`Persona file skipped: ${first.file}:${first.line}: ${first.message}${more}. The other personas loaded.`);
    }
  }

  dispose(): void {
    this.collection.dispose();
  }
}
