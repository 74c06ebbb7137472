import MarkdownIt from 'markdown-it';

/**
 * Reads a persona's answer in the review template (see personas/*.md and the demo model):
 *
 *     ## Summary / ## Findings / ## Recommended specialists / ## Proposed standards
 *     ### N. [SEVERITY] title
 *     - **Evidence:** `file:line` — `code`
 *     - **Why it matters:** …
 *     - **Recommendation:** …
 *
 * The structure (sections, headings, list items, bold labels, code spans) comes from a CommonMark
 * parser (markdown-it), not from line regexes, so a model's harmless variations (a wrapped bullet,
 * `*` bullets, `**Evidence**:` with the colon outside, extra bullets) still parse. Small regexes
 * remain only on single parsed strings: the heading text `N. [SEVERITY] title` and a `file:line`
 * code span. Whatever does not fit is returned as written, never dropped.
 */
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

export interface FindingLocation {
  file: string;
  line: number;
  /** As written, e.g. `src/a.ts:3` or `src/a.ts:3-5`. */
  text: string;
}

export interface ReviewFinding {
  severity: Severity;
  title: string;
  location: FindingLocation | null;
  /** The code the evidence quotes (markdown, usually a code span), when it follows the location. */
  code: string | null;
  /** The whole evidence as written (markdown), after its label. */
  evidence: string | null;
  why: string | null;
  recommendation: string | null;
  /** Other bullets of the finding, as written. */
  notes: string[];
  /**
   * Where the finding's block is in the answer: 0-based lines [start, end) of the answer split
   * at line breaks (CRLF read as LF), from its heading to the next heading or the section's end,
   * so a presentation can cut it (a suppressed finding) and leave the rest as written.
   */
  lines?: { start: number; end: number };
}

export interface ParsedReview {
  /** False when the answer has no `## Findings` section: then `outside` holds all of it. */
  inTemplate: boolean;
  summary: string | null;
  findings: ReviewFinding[];
  specialists: string | null;
  /** Null when none were proposed. */
  standards: string | null;
  /** Parts that do not follow the template, as written. */
  outside: string[];
}

type Token = MarkdownIt.Token;

// 'commonmark': no linkify or typographer, so the text and code spans come back exactly as written.
const markdown = new MarkdownIt('commonmark');

const HEADING = /^(?:\d+\s*[.)]\s*)?\[\s*(critical|high|medium|low)\s*\]\s*[:—–-]?\s*(.+)$/i;
const LOCATION = /^(\S(?:.*\S)?):(\d+)(?:\s*[-–]\s*\d+)?$/;
const LOOSE_LOCATION = /(\S+\.\w+):(\d+)/;

export function parseReview(answer: string): ParsedReview {
  const text = answer.replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const tokens = markdown.parse(text, {});
  const end = footerStart(tokens) ?? lines.length;
  const raw = (from: number, to: number): string => lines.slice(from, to).join('\n').trim();
  const review: ParsedReview = { inTemplate: false, summary: null, findings: [], specialists: null, standards: null, outside: [] };

  const sections = blocksUnder(tokens, 'h2', 0, tokens.length, end);
  const findings = sections.find((s) => normalise(s.title) === 'findings');
  if (!findings) {
    const whole = raw(0, end);
    if (whole) review.outside.push(whole);
    return review;
  }
  review.inTemplate = true;
  // What comes before the first section (the title, the demo model's notice) is not carried over.
  for (const section of sections) {
    const body = raw(section.bodyLine, section.endLine);
    switch (normalise(section.title)) {
      case 'summary':
        review.summary = body || null;
        break;
      case 'findings':
        readFindings(tokens, section, raw, review);
        break;
      case 'recommended specialists':
        review.specialists = body || null;
        break;
      case 'proposed standards':
        review.standards = body && normalise(body) !== 'none proposed' ? body : null;
        break;
      default:
        review.outside.push(raw(section.startLine, section.endLine));
    }
  }
  return review;
}

interface Block {
  title: string;
  /** Token range of the body (after the heading). */
  from: number;
  to: number;
  startLine: number;
  bodyLine: number;
  endLine: number;
}

/** Splits tokens [from, to) at top-level headings of `tag`; line numbers come from the tokens' maps. */
function blocksUnder(tokens: Token[], tag: 'h2' | 'h3', from: number, to: number, endLine: number): Block[] {
  const starts: number[] = [];
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.type === 'heading_open' && t.tag === tag && t.level === 0) starts.push(i);
  }
  return starts.map((start, k) => {
    const next = starts[k + 1];
    const open = tokens[start]!;
    return {
      title: tokens[start + 1]?.content.trim() ?? '',
      from: start + 3,
      to: next ?? to,
      startLine: open.map?.[0] ?? 0,
      bodyLine: open.map?.[1] ?? 0,
      endLine: next !== undefined ? (tokens[next]!.map?.[0] ?? endLine) : endLine,
    };
  });
}

function readFindings(tokens: Token[], section: Block, raw: (from: number, to: number) => string, review: ParsedReview): void {
  const blocks = blocksUnder(tokens, 'h3', section.from, section.to, section.endLine);
  const firstLine = blocks[0]?.startLine ?? section.endLine;
  const before = raw(section.bodyLine, firstLine);
  // Prose before the findings: alone it is the "nothing found" sentence; next to findings it is extra.
  if (before && blocks.length > 0) review.outside.push(`## Findings\n\n${before}`);
  for (const block of blocks) {
    const finding = readFinding(tokens, block);
    if (finding) review.findings.push({ ...finding, lines: { start: block.startLine, end: block.endLine } });
    else review.outside.push(raw(block.startLine, block.endLine));
  }
}

function readFinding(tokens: Token[], block: Block): ReviewFinding | null {
  const heading = HEADING.exec(block.title);
  if (!heading) return null;
  const finding: ReviewFinding = {
    severity: heading[1]!.toUpperCase() as Severity,
    title: heading[2]!.trim(),
    location: null, code: null, evidence: null, why: null, recommendation: null, notes: [],
  };
  for (const item of listItems(tokens, block.from, block.to)) {
    const field = labelled(item);
    const label = field ? normalise(field.label) : '';
    if (field && label === 'evidence') {
      finding.evidence = field.value;
      Object.assign(finding, locate(item, field.value));
    } else if (field && (label === 'why it matters' || label === 'why')) {
      finding.why = field.value;
    } else if (field && (label === 'recommendation' || label === 'recommendations' || label === 'fix')) {
      finding.recommendation = field.value;
    } else {
      finding.notes.push(item.content.trim());
    }
  }
  return finding;
}

/** The first inline token of each top-level item of the lists in [from, to). */
function listItems(tokens: Token[], from: number, to: number): Token[] {
  const items: Token[] = [];
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.type !== 'list_item_open' || t.level !== 1) continue;
    for (let j = i + 1; j < to && tokens[j]!.type !== 'list_item_close'; j++) {
      if (tokens[j]!.type === 'inline') {
        items.push(tokens[j]!);
        break;
      }
    }
  }
  return items;
}

/** `**Label:** value` (colon inside or outside the bold) or `Label: value`; the value as written. */
function labelled(inline: Token): { label: string; value: string } | null {
  const children = inline.children ?? [];
  const source = inline.content;
  let i = 0;
  while (children[i]?.type === 'text' && children[i]!.content.trim() === '') i++;
  const first = children[i];
  if (first?.type === 'strong_open') {
    let label = '';
    for (let j = i + 1; j < children.length && children[j]!.type !== 'strong_close'; j++) label += children[j]!.content;
    const open = source.indexOf(first.markup);
    const close = source.indexOf(first.markup, open + first.markup.length);
    if (open < 0 || close < 0) return null;
    return { label: label.trim().replace(/:$/, ''), value: source.slice(close + first.markup.length).replace(/^\s*:?\s*/, '').trim() };
  }
  const colon = source.indexOf(':');
  if (first?.type === 'text' && colon > 0 && colon <= 30) {
    return { label: source.slice(0, colon).trim(), value: source.slice(colon + 1).trim() };
  }
  return null;
}

/** The `file:line` the evidence cites (its first code span that reads as one) and the code after it. */
function locate(inline: Token, value: string): Pick<ReviewFinding, 'location' | 'code'> {
  for (const child of inline.children ?? []) {
    if (child.type !== 'code_inline') continue;
    const m = LOCATION.exec(child.content.trim());
    if (!m) continue;
    const cited = `${child.markup}${child.content}${child.markup}`;
    const at = value.indexOf(cited);
    const rest = at < 0 ? '' : value.slice(at + cited.length).replace(/^\s*[—–-]+\s*/, '').trim();
    return { location: { file: cleanPath(m[1]!), line: Number(m[2]), text: child.content.trim() }, code: rest || null };
  }
  const loose = LOOSE_LOCATION.exec(value);
  if (loose) return { location: { file: cleanPath(loose[1]!), line: Number(loose[2]), text: loose[0] }, code: null };
  return { location: null, code: null };
}

function cleanPath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

/**
 * Where the persona runner's footer starts (see decorate() in personaRunner.ts: a thematic
 * break, then only emphasised lines such as `_Model: demo model._`): the merged report
 * states models in its header instead.
 */
function footerStart(tokens: Token[]): number | undefined {
  let hr = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.type === 'hr' && tokens[i]!.level === 0) hr = i;
  }
  if (hr < 0) return undefined;
  for (let i = hr + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.level !== 0 && t.type !== 'inline') continue;
    if (t.type === 'paragraph_open' || t.type === 'paragraph_close') continue;
    if (t.type !== 'inline' || !onlyEmphasis(t)) return undefined;
  }
  return tokens[hr]!.map?.[0];
}

function onlyEmphasis(inline: Token): boolean {
  let depth = 0;
  for (const c of inline.children ?? []) {
    if (c.type === 'em_open') depth++;
    else if (c.type === 'em_close') depth--;
    else if (c.type === 'text' && depth === 0 && c.content.trim() !== '') return false;
    else if (c.type !== 'text' && c.type !== 'softbreak' && c.type !== 'hardbreak' && depth === 0) return false;
  }
  return true;
}

function normalise(s: string): string {
  return s.trim().replace(/[:.]+$/, '').toLowerCase();
}
