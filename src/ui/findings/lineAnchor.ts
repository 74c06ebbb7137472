// Following a cited line through edits, the way the Problems panel shows a finding. Plain code
// (no `vscode`), so the unit tests check it.

/** How far from where it should be a cited line is looked for once its text left its place. */
export const SEARCH_RADIUS = 50;

/** A line's text with all whitespace removed: reformatting does not move a finding. */
export function normaliseLine(text: string): string {
  return text.replace(/\s+/g, '');
}

/** One edit, in the coordinates of the document before it (as VS Code reports a content change). */
export interface LineEdit {
  /** 0-based lines of the replaced range. */
  startLine: number;
  endLine: number;
  /** 0-based column the replaced range ends at. */
  endCharacter: number;
  /** Line breaks in the inserted text. */
  insertedLineBreaks: number;
}

/**
 * Where line `line` is after the edits: moved by every edit wholly above it (one that ends at
 * column 0 of the line only pushes it). An edit on the line itself leaves it where it is: the
 * caller then checks the text and looks for it nearby.
 */
export function shiftLine(line: number, edits: readonly LineEdit[]): number {
  let delta = 0;
  // VS Code's changes of one event are all in the pre-event coordinates and never overlap, so
  // each is compared with the original line and their shifts add up.
  for (const edit of edits) {
    if (edit.endLine < line || (edit.endLine === line && edit.endCharacter === 0)) {
      delta += edit.insertedLineBreaks - (edit.endLine - edit.startLine);
    }
  }
  return Math.max(0, line + delta);
}

/**
 * The line nearest to `guess` (within SEARCH_RADIUS) whose whitespace-normalised text is
 * `expected`; undefined when the text is gone. A blank expected text matches only where it is:
 * blank lines are everywhere, so searching for one would pick a stranger.
 */
export function locateLine(lineAt: (line: number) => string, lineCount: number, expected: string, guess: number): number | undefined {
  const matches = (line: number): boolean => line >= 0 && line < lineCount && normaliseLine(lineAt(line)) === expected;
  if (matches(guess)) return guess;
  if (expected === '') return undefined;
  for (let distance = 1; distance <= SEARCH_RADIUS; distance++) {
    // Below first: an insertion above (the commonest edit) pushes the line down.
    if (matches(guess + distance)) return guess + distance;
    if (matches(guess - distance)) return guess - distance;
  }
  return undefined;
}

/**
 * Where a finding starts in a file as it reads now: the cited line when the quoted code is on
 * it (or nothing is quoted), else the nearest line within SEARCH_RADIUS that holds the quote,
 * else the cited line still (a quote may paraphrase). Undefined when the line is past the end.
 */
export function placeFinding(lineAt: (line: number) => string, lineCount: number, citedLine: number, quotedCode: string | null): number | undefined {
  if (citedLine < 0 || citedLine >= lineCount) return undefined;
  const quote = quotedCode ? normaliseLine(stripCodeSpan(quotedCode)) : '';
  if (quote === '') return citedLine;
  const holds = (line: number): boolean => line >= 0 && line < lineCount && normaliseLine(lineAt(line)).includes(quote);
  if (holds(citedLine)) return citedLine;
  for (let distance = 1; distance <= SEARCH_RADIUS; distance++) {
    if (holds(citedLine + distance)) return citedLine + distance;
    if (holds(citedLine - distance)) return citedLine - distance;
  }
  return citedLine;
}

/** "`const x = 1;`" → "const x = 1;": a review quotes code as a markdown code span; a quote cut with "…" keeps its start. */
export function stripCodeSpan(code: string): string {
  const span = /^\s*(`+)([\s\S]*?)\1\s*$/.exec(code);
  const inner = span ? span[2]! : code;
  return inner.replace(/(…|\.\.\.)\s*$/, '');
}
