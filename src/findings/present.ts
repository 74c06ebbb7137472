import { countOf } from '../core/plural';
import type { Job } from '../jobs/types';
import { mergePanelReport } from '../personas/reportMerge';
import { parseReview, type ReviewFinding } from '../personas/reviewParse';
import { SUPPRESSIONS_PATH } from './suppressions';
import type { PreexistingMode, PresentedReview, StoredFinding, Suppression, SuppressionsRead } from './types';

export interface PresentInput {
  /** The job asked about: one persona's review, or a panel's parent. */
  job: Job;
  /** A panel parent's children (empty for a single review). */
  children: Job[];
  /** The job's findings (a panel's: its children's), in review order. */
  findings: StoredFinding[];
  suppressions: SuppressionsRead;
  mode: PreexistingMode;
  /** The job's answer is meant as a review (a workflow executor's report is not): one outside the template gets a note. */
  isReview: boolean;
}

/** Said above an answer that could not be read as a review: nothing of it reaches the Problems panel, list_findings or SARIF. */
export const NOT_IN_TEMPLATE_NOTE =
  '> ⚠ This answer does not follow the review template (`## Findings` with `### N. [SEVERITY] title` entries), so no findings were read from it: none show in the Problems panel, `list_findings` or SARIF. It is shown as written.';

const HEADING_NUMBER = /^(\s{0,3}#{1,6}\s*)\d+\s*[.)]\s*/;

/**
 * A job's result as every surface shows it (the CLI, MCP, chat, the editor's document): each
 * suppressed finding's block cut, each finding on an unchanged line of a diff review cut too
 * (`drop`) or moved to a section of its own (`apart`), a line saying how many went where, and
 * an audit footer listing every suppressed finding with its suppression. A panel's report is
 * merged again from its personas' cut reviews, so its counts and groups stay true.
 * Nothing cut: the result exactly as stored.
 */
export function presentReview(input: PresentInput): PresentedReview {
  const { suppressions, mode } = input;
  const byFingerprint = new Map<string, Suppression>();
  if (!suppressions.error) for (const s of suppressions.entries) byFingerprint.set(s.fingerprint, s);

  const suppressed: PresentedReview['suppressed'] = [];
  const preexisting: StoredFinding[] = [];
  const remaining: StoredFinding[] = [];
  for (const finding of input.findings) {
    const suppression = byFingerprint.get(finding.fingerprint);
    if (suppression) suppressed.push({ finding, suppression });
    else if (finding.scope === 'preexisting') preexisting.push(finding);
    else remaining.push(finding);
  }
  const cut = new Set<StoredFinding>([...suppressed.map((s) => s.finding), ...preexisting]);
  const unanchored = remaining.filter((f) => f.file !== null && !f.anchored).length;
  const result = input.job.result ?? '';

  const moved: string[] = [];
  let body = result;
  if (cut.size > 0 && input.job.result !== null) {
    if (input.children.length > 0) {
      body = mergePanelReport({
        task: input.job.task,
        contextNote: input.job.contextNote,
        members: input.children.map((c) => {
          const mine = input.findings.filter((f) => f.jobId === c.id);
          const cutHere = cutReview(c.result, mine.filter((f) => cut.has(f)), c.persona);
          moved.push(...cutHere.moved.filter((m) => preexisting.includes(m.finding)).map((m) => m.block));
          return { persona: c.persona, status: c.status, modelLabel: c.modelLabel, result: cutHere.text, error: c.error };
        }),
      });
    } else {
      const cutHere = cutReview(result, input.findings.filter((f) => cut.has(f)), null);
      moved.push(...cutHere.moved.filter((m) => preexisting.includes(m.finding)).map((m) => m.block));
      body = cutHere.text ?? '';
    }
  }

  const notes: string[] = [];
  const notInTemplate = input.isReview && input.children.length === 0 && input.job.status === 'completed' && input.findings.length === 0 && result.trim() !== '' && !parseReview(result).inTemplate;
  if (notInTemplate) notes.push(NOT_IN_TEMPLATE_NOTE);
  // Only a review with findings is affected by the file (a workflow's answer, say, is not).
  if (suppressions.error && input.findings.length > 0) notes.push(`> ⚠ ${suppressions.error.message}`);
  if (suppressed.length > 0) notes.push(`${countOf(suppressed.length, 'finding')} suppressed by ${SUPPRESSIONS_PATH} (listed at the end).`);
  if (preexisting.length > 0) {
    notes.push(
      mode === 'drop'
        ? `${countOf(preexisting.length, 'finding')} on unchanged lines left out (use --include-preexisting to see them).`
        : `${countOf(preexisting.length, 'finding')} on unchanged lines listed apart (Pre-existing findings, at the end).`,
    );
  }
  if (unanchored > 0) notes.push(`${countOf(unanchored, 'finding')} ${unanchored === 1 ? 'cites' : 'cite'} a file or line not in the workspace: kept here, not shown in the editor.`);

  const footers: string[] = [];
  if (mode === 'apart' && preexisting.length > 0) {
    const listed = moved.length > 0 ? moved.join('\n\n') : preexisting.map((f) => `- ${summaryLine(f)}`).join('\n');
    footers.push(`## Pre-existing findings (not on changed lines)\n\n${listed}`);
  }
  if (suppressed.length > 0) {
    footers.push(`## Suppressed findings\n\n${suppressed.map(({ finding, suppression }) => `- ${auditLine(finding, suppression)}`).join('\n')}`);
  }
  const markdown = notes.length === 0 && footers.length === 0 ? result : assemble(body, notes, footers);
  return { markdown, remaining, suppressed, preexisting, unanchored, suppressionsError: input.findings.length > 0 ? (suppressions.error?.message ?? null) : null, notInTemplate };
}

// The persona runner's footer (decorate() in personaRunner.ts): a thematic break, then only `_…_` lines.
const RUNNER_FOOTER = /\n[ \t]*-{3,}[ \t]*\n(?:[ \t]*_[^\n]*_[ \t]*(?:\n|$))+\s*$/;

/**
 * The notes go under the report's title (its first line when that is a `# ` heading), the
 * footer sections at the end but before the persona runner's own footer (model, context note).
 */
function assemble(body: string, notes: string[], footers: string[]): string {
  let text = body.replace(/\r\n?/g, '\n').trimEnd();
  const runner = footers.length > 0 ? RUNNER_FOOTER.exec(text) : null;
  const tail = runner ? text.slice(runner.index).trim() : '';
  if (runner) text = text.slice(0, runner.index);
  const lines = text.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  const at = first >= 0 && /^#\s/.test(lines[first]!) ? first + 1 : 0;
  const parts = [lines.slice(0, at).join('\n').trim(), ...notes, lines.slice(at).join('\n').trim(), ...footers, tail];
  return `${parts.filter((p) => p !== '').join('\n\n')}\n`;
}

/**
 * One review with the blocks of `cut` removed (found by their place in the review: a row's
 * ordinal, checked against its title), the remaining findings numbered again from 1. Returns
 * each removed block, its heading unnumbered, so a pre-existing one can be listed apart.
 */
function cutReview(result: string | null, cut: StoredFinding[], persona: string | null): { text: string | null; moved: { finding: StoredFinding; block: string }[] } {
  if (result === null || cut.length === 0) return { text: result, moved: [] };
  const text = result.replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  const parsed = parseReview(text).findings;
  const ranges = new Map<ReviewFinding, StoredFinding>();
  for (const f of cut) {
    const block = blockOf(parsed, f);
    if (block?.lines) ranges.set(block, f);
  }
  const moved: { finding: StoredFinding; block: string }[] = [];
  const drop = new Set<number>();
  for (const [block, finding] of ranges) {
    const { start, end } = block.lines!;
    for (let i = start; i < end; i++) drop.add(i);
    const heading = lines[start]!.replace(HEADING_NUMBER, '$1') + (persona ? ` — ${persona}` : '');
    moved.push({ finding, block: [heading, ...lines.slice(start + 1, end)].join('\n').trim() });
  }
  // Number the findings that stay 1, 2, 3… again, where they were numbered.
  let n = 0;
  for (const f of parsed) {
    if (!f.lines || ranges.has(f)) continue;
    n++;
    lines[f.lines.start] = lines[f.lines.start]!.replace(HEADING_NUMBER, (_m, hashes: string) => `${hashes}${n}. `);
  }
  const kept = lines.flatMap((line, i) => (drop.has(i) ? [] : [line]));
  if (n === 0) {
    // Every finding was cut: the section says so rather than standing empty.
    const section = kept.findIndex((l) => /^\s{0,3}##\s+findings\s*:?\s*$/i.test(l));
    if (section >= 0) kept.splice(section + 1, 0, '', 'No findings remain here: see the notes above.');
  }
  moved.sort((a, b) => a.finding.ordinal - b.finding.ordinal);
  return { text: kept.join('\n'), moved };
}

/** The parsed finding a row was read from: by ordinal when its title agrees, else the first of that title (and place). */
function blockOf(parsed: ReviewFinding[], f: StoredFinding): ReviewFinding | undefined {
  const same = (p: ReviewFinding | undefined): boolean => p !== undefined && p.title.slice(0, f.title.length) === f.title && p.severity.toLowerCase() === f.severity;
  const byOrdinal = parsed[f.ordinal - 1];
  if (same(byOrdinal)) return byOrdinal;
  return parsed.find((p) => same(p) && (p.location?.file ?? null) === f.file && (p.location?.line ?? null) === f.startLine);
}

function where(f: StoredFinding): string {
  if (f.file === null) return 'no file cited';
  if (f.startLine === null) return `\`${f.file}\``;
  return `\`${f.file}:${f.startLine}${f.endLine !== null && f.endLine !== f.startLine ? `-${f.endLine}` : ''}\``;
}

function summaryLine(f: StoredFinding): string {
  return `[${f.severity.toUpperCase()}] ${oneLine(f.title)} — ${where(f)} — ${f.persona}`;
}

function auditLine(f: StoredFinding, s: Suppression): string {
  const note = s.note.trim() ? `: "${oneLine(s.note)}"` : '';
  return `${summaryLine(f)} — **${s.reason}**${note} — by ${oneLine(s.by)}, ${s.at}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
