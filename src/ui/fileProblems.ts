import * as vscode from 'vscode';

/** A file that did not load (or loaded with a caveat): where, and what to fix. */
export interface FileProblem {
  file: string;
  /** 1-based. */
  line: number;
  message: string;
}

export interface FileProblemsOptions<P extends FileProblem> {
  /** The diagnostic collection's name. */
  collection: string;
  /** The Problems panel's text for a problem ("Persona not loaded: …"). */
  text(problem: P): string;
  severity(problem: P): vscode.DiagnosticSeverity;
  /** Whether a problem, the first time it appears, raises a toast. */
  announce(problem: P): boolean;
  /** The toast for the first new problem of a refresh, and how many more came with it. */
  toast(first: P, more: number): string;
  /** The output channel's line for a problem, written once. */
  logLine(problem: P): string;
}

/**
 * Files of ours that failed to load (persona files, workflow files), in the Problems panel at
 * the file and line, replaced on every refresh. A toast names a problem only the first time
 * it appears, so saving a half-edited file does not raise the same toast again and again.
 */
export class FileProblemsPanel<P extends FileProblem> implements vscode.Disposable {
  private readonly collection: vscode.DiagnosticCollection;
  private readonly announced = new Set<string>();

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly options: FileProblemsOptions<P>,
  ) {
    this.collection = vscode.languages.createDiagnosticCollection(options.collection);
  }

  show(problems: readonly P[]): void {
    this.collection.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const fresh: P[] = [];
    for (const p of problems) {
      const line = Math.max(0, p.line - 1);
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), this.options.text(p), this.options.severity(p));
      d.source = 'Agent OS Personas';
      byFile.set(p.file, [...(byFile.get(p.file) ?? []), d]);
      const key = `${p.file}:${p.line}:${p.message}`;
      if (!this.announced.has(key)) {
        this.announced.add(key);
        if (this.options.announce(p)) fresh.push(p);
        this.log.warn(this.options.logLine(p));
      }
    }
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
    const first = fresh[0];
    if (first) void vscode.window.showWarningMessage(this.options.toast(first, fresh.length - 1));
  }

  dispose(): void {
    this.collection.dispose();
  }
}
