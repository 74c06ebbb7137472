/**
 * Finding `path:line` citations (e.g. `src/payments.ts:4`, `src/a.ts:3-5`) in a review's
 * markdown, so that a surface can turn each into a link that opens the file at that line: the
 * chat reply (anchors), later the result document. Pure: whether a path names a workspace file
 * is the caller's question, answered through `isFile`.
 *
 * Citations inside fenced code blocks are left as written (code is quoted, not navigated); a
 * code span that holds only a citation (`` `src/a.ts:4` ``, the review template's evidence) is
 * replaced whole, so the link does not show stray backticks; other code spans are left alone.
 */
export interface PathLine {
  /** Workspace-relative, as written (without a leading `./`). */
  path: string;
  /** 1-based. */
  line: number;
  /** The last line of a range (`a.ts:3-5`), else the same as `line`. */
  endLine: number;
  /** As written in the text, without backticks: `src/a.ts:3-5`. */
  text: string;
}

export type MarkdownSegment = { kind: 'text'; value: string } | { kind: 'link'; target: PathLine };

// A relative path with an extension, then :line or :line-line. Not preceded by a path or URL
// character (so `https://host.com:443` and `/abs/x.ts:3` are not taken), not followed by a word.
const CITATION = /(?<![\w./\\:@-])(?:\.\/)?((?:[\w@.-]+\/)*[\w@-][\w@.-]*\.[A-Za-z0-9]+):(\d{1,7})(?:\s?[-–]\s?(\d{1,7}))?(?![\w/])/g;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Every citation in `text` that names a workspace file, in order (fenced code excluded). */
export function findPathLines(markdown: string, isFile: (path: string) => boolean): PathLine[] {
  return splitPathLines(markdown, isFile).flatMap((s) => (s.kind === 'link' ? [s.target] : []));
}

/**
 * The markdown cut at each citation of a workspace file: text segments as written, and a link
 * segment per citation. Joining the text segments with each link's `text` gives back the
 * markdown, except that a code span holding only a citation loses its backticks.
 */
export function splitPathLines(markdown: string, isFile: (path: string) => boolean): MarkdownSegment[] {
  const out: MarkdownSegment[] = [];
  let text = '';
  const pushText = (value: string): void => {
    text += value;
  };
  const pushLink = (target: PathLine): void => {
    if (text) out.push({ kind: 'text', value: text });
    text = '';
    out.push({ kind: 'link', target });
  };
  let fence: string | null = null;
  const lines = markdown.split(/(?<=\n)/);
  for (const line of lines) {
    const marker = FENCE.exec(line)?.[1];
    if (fence !== null) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
      pushText(line);
      continue;
    }
    if (marker) {
      fence = marker;
      pushText(line);
      continue;
    }
    splitLine(line, isFile, pushText, pushLink);
  }
  if (text) out.push({ kind: 'text', value: text });
  return out;
}

/** One line outside fences: code spans apart (only a span that is exactly one citation becomes a link), the rest scanned. */
function splitLine(line: string, isFile: (path: string) => boolean, pushText: (s: string) => void, pushLink: (t: PathLine) => void): void {
  let at = 0;
  const span = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g;
  for (let m = span.exec(line); m; m = span.exec(line)) {
    scanText(line.slice(at, m.index), isFile, pushText, pushLink);
    const inner = m[2]!.trim();
    const whole = citationsIn(inner, isFile);
    if (whole.length === 1 && whole[0]!.index === 0 && whole[0]!.length === inner.length) pushLink(whole[0]!.target);
    else pushText(m[0]);
    at = m.index + m[0].length;
  }
  scanText(line.slice(at), isFile, pushText, pushLink);
}

function scanText(text: string, isFile: (path: string) => boolean, pushText: (s: string) => void, pushLink: (t: PathLine) => void): void {
  let at = 0;
  for (const c of citationsIn(text, isFile)) {
    pushText(text.slice(at, c.index));
    pushLink(c.target);
    at = c.index + c.length;
  }
  pushText(text.slice(at));
}

function citationsIn(text: string, isFile: (path: string) => boolean): { index: number; length: number; target: PathLine }[] {
  const found: { index: number; length: number; target: PathLine }[] = [];
  for (const m of text.matchAll(CITATION)) {
    const path = m[1]!;
    const line = Number(m[2]);
    const end = m[3] === undefined ? line : Number(m[3]);
    if (line < 1 || end < line || !isFile(path)) continue;
    const written = m[0].startsWith('./') ? m[0].slice(2) : m[0];
    found.push({ index: m.index, length: m[0].length, target: { path, line, endLine: end, text: written } });
  }
  return found;
}
