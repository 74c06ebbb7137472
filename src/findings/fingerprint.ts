import { createHash } from 'node:crypto';

/**
 * A finding's fingerprint: what stays the same while the code around it is edited elsewhere.
 * Line numbers are left out on purpose (inserting lines above would change them); the cited
 * line's text with its nearest non-blank neighbours places it instead, with all whitespace
 * removed so a reformat keeps it. The title tells two findings on the same line apart.
 */

/** The text of code with every whitespace character removed. */
export function normaliseCode(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Lower-cased, whitespace collapsed: a title re-worded only in case or spacing is the same finding. */
export function normaliseTitle(title: string): string {
  return title.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A file's lines as an editor numbers them: a final newline does not start another line. */
export function fileLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The fingerprint of a finding anchored at `line` (1-based) of `lines`; undefined when the line
 * is not in them (the caller falls back to `looseFingerprint`).
 */
export function anchoredFingerprint(file: string, lines: readonly string[], line: number, title: string): string | undefined {
  if (!Number.isSafeInteger(line) || line < 1 || line > lines.length) return undefined;
  const at = line - 1;
  return digest([file, normaliseCode(neighbour(lines, at, -1)), normaliseCode(lines[at]!), normaliseCode(neighbour(lines, at, 1)), normaliseTitle(title)]);
}

/**
 * The fingerprint of a finding that cannot be placed in a file (it is missing, or the line is
 * past its end) or cites none: the file as cited (null: none), the quoted code or evidence, and
 * the title.
 */
export function looseFingerprint(file: string | null, quoted: string | null, title: string): string {
  return digest([file ?? '', normaliseCode(unquote(quoted ?? '')), normaliseTitle(title)]);
}

/** The nearest non-blank line above (`step` -1) or below (+1); '' at the file's edge. */
function neighbour(lines: readonly string[], at: number, step: -1 | 1): string {
  for (let i = at + step; i >= 0 && i < lines.length; i += step) {
    if (lines[i]!.trim() !== '') return lines[i]!;
  }
  return '';
}

/** A markdown code span as the code it holds: the same code quoted with or without backticks is one finding. */
function unquote(text: string): string {
  return text.replace(/`+/g, '');
}

function digest(parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}
