import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StoredFinding } from '../../findings/types';
import { diagnosticLevel, diagnosticMessage } from './findingText';
import { locateLine, normaliseLine, placeFinding, shiftLine } from './lineAnchor';

/** The diagnostic collection's name (what the Problems panel's filter can match). */
export const FINDINGS_COLLECTION = 'agent-os-personas-findings';
/** Every finding's diagnostic source starts with this; the persona's id follows. */
export const SOURCE_PREFIX = 'Personas: ';

/** A finding placed in a file as it reads now, following the edits made since. */
interface Anchor {
  finding: StoredFinding;
  uri: vscode.Uri;
  /** 0-based line the finding starts on now. */
  line: number;
  /** Lines it covers after its first. */
  span: number;
  /** The start line's whitespace-normalised text when it was placed. */
  text: string;
  /** Where the squiggle starts: the line's first non-blank column. */
  column: number;
  /** Its code left its place and is not within reach: no diagnostic, but it keeps following edits (an undo brings it back). */
  gone: boolean;
}

/** A file's lines, from its open document or from the disk. */
interface Lines {
  at: (line: number) => string;
  count: number;
}

const LEVEL: Record<ReturnType<typeof diagnosticLevel>, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/**
 * The findings the editor shows, as diagnostics at the lines they cite. Invariant: a
 * diagnostic exists only for an anchored finding whose file exists and whose cited line is in
 * it, and it sits where that line's text is now: edits above move it, and when the text leaves
 * its place it is looked for nearby (lineAnchor.ts), else the diagnostic goes.
 */
export class FindingAnchors implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(FINDINGS_COLLECTION);
  private readonly anchors = new Map<string, Anchor>();
  /** Dismissed here and waiting for the model to drop them: gone from the panel at once. */
  private readonly hidden = new Set<string>();
  private readonly published = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private queue: Promise<void> = Promise.resolve();
  private notShown = 0;

  constructor(
    private readonly root: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.follow(e)),
      // Opening shows the file as the editor holds it; closing a changed file without saving goes back to the disk's text.
      vscode.workspace.onDidOpenTextDocument((doc) => this.recheck(doc.uri)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.recheck(doc.uri)),
      vscode.workspace.onDidDeleteFiles(() => this.recheckAll()),
      vscode.workspace.onDidRenameFiles(() => this.recheckAll()),
    );
  }

  /** The finding a diagnostic of ours stands for. */
  findingOf(diagnostic: vscode.Diagnostic): StoredFinding | undefined {
    if (!diagnostic.source?.startsWith(SOURCE_PREFIX)) return undefined;
    const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
    return typeof code === 'string' ? this.anchors.get(code)?.finding : undefined;
  }

  /** The cited lines as the editor (or the disk) has them now, for a follow-up's context. */
  async citedCode(finding: StoredFinding): Promise<string | null> {
    const anchor = this.anchors.get(finding.fingerprint);
    if (!anchor || anchor.gone) return null;
    const lines = await this.linesOf(anchor.uri);
    if (!lines) return null;
    const out: string[] = [];
    for (let l = anchor.line; l <= Math.min(anchor.line + Math.min(anchor.span, 40), lines.count - 1); l++) out.push(lines.at(l));
    return out.join('\n');
  }

  /** Takes a finding's diagnostic away now (a dismissal in flight); `show` undoes it. */
  hide(fingerprint: string): void {
    this.hidden.add(fingerprint);
    this.publish();
  }

  show(fingerprint: string): void {
    if (this.hidden.delete(fingerprint)) this.publish();
  }

  /** Shows these findings (the model's current ones); keeps the place of those already followed. */
  sync(findings: readonly StoredFinding[]): Promise<void> {
    this.queue = this.queue.then(() => this.syncNow(findings)).catch((err: unknown) => this.log.warn(`findings not shown in the Problems panel: ${String(err)}`));
    return this.queue;
  }

  private async syncNow(findings: readonly StoredFinding[]): Promise<void> {
    const wanted = new Map<string, StoredFinding>();
    let notShown = 0;
    for (const f of findings) {
      if (f.anchored && f.file && f.startLine !== null) wanted.set(f.fingerprint, f);
      else notShown++;
    }
    for (const fingerprint of this.hidden) if (!wanted.has(fingerprint)) this.hidden.delete(fingerprint);
    for (const [fingerprint, anchor] of this.anchors) {
      const now = wanted.get(fingerprint);
      // A later review's row of the same finding cites the file as it read then: placed afresh.
      if (!now || now.jobId !== anchor.finding.jobId || now.ordinal !== anchor.finding.ordinal) this.anchors.delete(fingerprint);
    }
    const byFile = new Map<string, StoredFinding[]>();
    for (const f of wanted.values()) {
      if (!this.anchors.has(f.fingerprint)) byFile.set(f.file!, [...(byFile.get(f.file!) ?? []), f]);
    }
    for (const [file, list] of byFile) {
      const uri = this.uriOf(file);
      const lines = uri && (await this.linesOf(uri));
      for (const f of list) {
        const line = lines ? placeFinding(lines.at, lines.count, f.startLine! - 1, f.code) : undefined;
        if (!uri || !lines || line === undefined) {
          notShown++;
          continue;
        }
        const text = lines.at(line);
        const span = Math.max(0, (f.endLine ?? f.startLine!) - f.startLine!);
        this.anchors.set(f.fingerprint, { finding: f, uri, line, span, text: normaliseLine(text), column: firstColumn(text), gone: false });
      }
    }
    if (notShown !== this.notShown) {
      this.notShown = notShown;
      if (notShown > 0) this.log.info(`${notShown} finding(s) cite no file, a file that does not exist or a line past its end: they stay in their results, not in the Problems panel`);
    }
    this.publish();
  }

  /** Moves the file's findings with the edits (lineAnchor.ts says how). */
  private follow(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const key = e.document.uri.toString();
    const edits = e.contentChanges.map((c) => ({ startLine: c.range.start.line, endLine: c.range.end.line, endCharacter: c.range.end.character, insertedLineBreaks: lineBreaks(c.text) }));
    const doc = e.document;
    let moved = false;
    for (const anchor of this.anchors.values()) {
      if (anchor.uri.toString() !== key) continue;
      moved = this.settle(anchor, { at: (l) => doc.lineAt(l).text, count: doc.lineCount }, shiftLine(anchor.line, edits)) || moved;
    }
    if (moved) this.publish();
  }

  /** Puts the anchor where its text is, starting from `guess`; true when anything changed. */
  private settle(anchor: Anchor, lines: Lines, guess: number): boolean {
    const found = locateLine(lines.at, lines.count, anchor.text, guess);
    const before = `${anchor.line}:${anchor.column}:${anchor.gone}`;
    if (found === undefined) {
      anchor.line = Math.min(guess, Math.max(0, lines.count - 1));
      anchor.gone = true;
    } else {
      anchor.line = found;
      anchor.column = firstColumn(lines.at(found));
      anchor.gone = false;
    }
    return before !== `${anchor.line}:${anchor.column}:${anchor.gone}`;
  }

  private recheck(uri: vscode.Uri): void {
    const key = uri.toString();
    const mine = [...this.anchors.values()].filter((a) => a.uri.toString() === key);
    if (mine.length === 0) return;
    this.queue = this.queue.then(async () => {
      const lines = await this.linesOf(uri);
      let changed = false;
      for (const anchor of mine) {
        if (!lines) {
          changed = changed || !anchor.gone;
          anchor.gone = true;
        } else changed = this.settle(anchor, lines, anchor.line) || changed;
      }
      if (changed) this.publish();
    });
  }

  private recheckAll(): void {
    const uris = new Map([...this.anchors.values()].map((a) => [a.uri.toString(), a.uri]));
    for (const uri of uris.values()) this.recheck(uri);
  }

  private publish(): void {
    const byFile = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    for (const anchor of this.anchors.values()) {
      if (anchor.gone || this.hidden.has(anchor.finding.fingerprint)) continue;
      const key = anchor.uri.toString();
      const entry = byFile.get(key) ?? { uri: anchor.uri, list: [] };
      entry.list.push(toDiagnostic(anchor));
      byFile.set(key, entry);
    }
    for (const key of this.published) {
      if (!byFile.has(key)) this.collection.delete(vscode.Uri.parse(key));
    }
    this.published.clear();
    for (const [key, { uri, list }] of byFile) {
      this.collection.set(uri, list);
      this.published.add(key);
    }
  }

  /** The file's URI when it lies inside the workspace (a stored path is relative; never followed out). */
  private uriOf(file: string): vscode.Uri | undefined {
    const absolute = path.resolve(this.root, ...file.split('/'));
    const relative = path.relative(this.root, absolute);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    return vscode.Uri.file(absolute);
  }

  private async linesOf(uri: vscode.Uri): Promise<Lines | undefined> {
    const open = (): vscode.TextDocument | undefined => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const doc = open();
    if (doc) return { at: (l) => doc.lineAt(l).text, count: doc.lineCount };
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch {
      return undefined;
    }
    // It may have opened while the disk was read: the editor's text wins.
    const opened = open();
    if (opened) return { at: (l) => opened.lineAt(l).text, count: opened.lineCount };
    const text = new TextDecoder().decode(bytes).split(/\r?\n/);
    return { at: (l) => text[l] ?? '', count: text.length };
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.collection.dispose();
    this.anchors.clear();
  }
}

function toDiagnostic(anchor: Anchor): vscode.Diagnostic {
  const f = anchor.finding;
  const end = anchor.line + anchor.span;
  const d = new vscode.Diagnostic(new vscode.Range(anchor.line, anchor.column, end, Number.MAX_SAFE_INTEGER), diagnosticMessage(f), LEVEL[diagnosticLevel(f.severity)]);
  d.source = `${SOURCE_PREFIX}${f.persona}`;
  // The code action finds the finding by it; it also survives the edits that move the line.
  d.code = f.fingerprint;
  return d;
}

function firstColumn(text: string): number {
  const at = text.search(/\S/);
  return at < 0 ? 0 : at;
}

function lineBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
