import type { SerializedError } from '../core/errors';
import type { JobStatus } from '../jobs/types';
import { parseReview, SEVERITIES, type FindingLocation, type ParsedReview, type ReviewFinding, type Severity } from './reviewParse';
import { countOf } from '../core/plural';

/** One persona of a panel, as its child job ended. */
export interface PanelMember {
  persona: string;
  status: JobStatus;
  modelLabel: string | null;
  result: string | null;
  error: SerializedError | null;
}

export interface PanelReportInput {
  task: string;
  contextNote?: string | null;
  members: PanelMember[];
}

/** A finding as one persona raised it. */
export interface Attributed {
  persona: string;
  finding: ReviewFinding;
}

/** One entry of the merged report: every persona that raised something at one `file:line`. */
export interface MergedFinding {
  /** The most severe of its findings. */
  severity: Severity;
  location: FindingLocation | null;
  raisedBy: Attributed[];
  /** Personas that raised it, most severe view first, each once. */
  personas: string[];
}

/**
 * Merge rules: findings citing the same file and start line are one entry (whatever their
 * titles: two personas looking at one line are worth reading together), listed under the most
 * severe of them, keeping each persona's title, severity, reasoning and recommendation. A
 * finding without a `file:line` is never merged. Entries raised by more personas come first
 * within a severity, then by file and line.
 */
export function mergeFindings(reviews: { persona: string; review: ParsedReview }[]): MergedFinding[] {
  const byLocation = new Map<string, MergedFinding>();
  const merged: MergedFinding[] = [];
  for (const { persona, review } of reviews) {
    for (const finding of review.findings) {
      const key = finding.location ? `${finding.location.file}:${finding.location.line}` : null;
      const existing = key ? byLocation.get(key) : undefined;
      if (existing) {
        existing.raisedBy.push({ persona, finding });
        if (rank(finding.severity) < rank(existing.severity)) existing.severity = finding.severity;
        continue;
      }
      const entry: MergedFinding = { severity: finding.severity, location: finding.location, raisedBy: [{ persona, finding }], personas: [persona] };
      merged.push(entry);
      if (key) byLocation.set(key, entry);
    }
  }
  for (const entry of merged) {
    // The most severe view first (a stable sort keeps the panel's order among equals).
    entry.raisedBy.sort((a, b) => rank(a.finding.severity) - rank(b.finding.severity));
    entry.personas = [...new Set(entry.raisedBy.map((a) => a.persona))];
  }
  return merged.sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) ||
      b.personas.length - a.personas.length ||
      Number(a.location === null) - Number(b.location === null) ||
      (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0),
  );
}

/** The panel's one report: a header (personas, status, models), findings by severity, then the rest. */
export function mergePanelReport(input: PanelReportInput): string {
  const answered = input.members.filter((m) => m.status === 'completed' && m.result !== null);
  const reviews = answered.map((m) => ({ persona: m.persona, review: parseReview(m.result ?? '') }));
  const findings = mergeFindings(reviews);
  const out: string[] = [];
  out.push(`# Panel review: ${input.members.map((m) => m.persona).join(', ')}`, '');
  out.push(`**Task:** ${oneLine(input.task)}`, '');
  out.push('| Persona | Status | Model | Findings |', '| --- | --- | --- | --- |');
  for (const m of input.members) {
    const review = reviews.find((r) => r.persona === m.persona)?.review;
    const count = !review ? '—' : review.inTemplate ? String(review.findings.length) : 'not in the template';
    out.push(`| ${cell(m.persona)} | ${cell(statusText(m))} | ${cell(m.modelLabel ?? '—')} | ${count} |`);
  }
  out.push('');
  const missing = input.members.filter((m) => m.status !== 'completed');
  if (missing.length > 0) {
    out.push('**Did not answer:**', '');
    for (const m of missing) {
      out.push(m.error ? `- **${m.persona}** ${m.status} with \`${m.error.code}\`: ${oneLine(m.error.message)} _What to do:_ ${oneLine(m.error.hint)}` : `- **${m.persona}** was ${m.status}.`);
    }
    out.push('');
  }
  if (input.contextNote) out.push(`_${input.contextNote}_`, '');
  const shared = findings.filter((f) => f.personas.length > 1).length;
  out.push(
    findings.length === 0
      ? `No findings from ${countOf(answered.length, 'persona')}.`
      : `${countOf(findings.length, 'finding')} from ${countOf(answered.length, 'persona')}${shared ? `; ${shared} raised by more than one persona, merged` : ''}.`,
    '',
  );

  let n = 0;
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(`## ${severity} (${group.length})`, '');
    for (const f of group) out.push(...renderFinding(++n, f), '');
  }

  const outside = reviews.filter((r) => r.review.outside.length > 0);
  if (outside.length > 0) {
    out.push('## Not in the template', '');
    out.push('> ⚠ These answers, or parts of them, did not follow the review template, so they could not be merged; they are shown as written.', '');
    for (const r of outside) out.push(`### ${r.persona}`, '', ...r.review.outside.flatMap((part) => [part, '']));
  }
  pushAttributed(out, 'Summaries', reviews.map((r) => ({ persona: r.persona, text: r.review.summary })));
  pushAttributed(out, 'Recommended specialists', reviews.map((r) => ({ persona: r.persona, text: r.review.specialists })));
  pushAttributed(out, 'Proposed standards', reviews.map((r) => ({ persona: r.persona, text: r.review.standards })));
  return `${out.join('\n').trimEnd()}\n`;
}

function renderFinding(n: number, f: MergedFinding): string[] {
  const attribution = f.personas.join(', ');
  const first = f.raisedBy[0]!.finding;
  if (f.raisedBy.length === 1) {
    return [
      `### ${n}. [${f.severity}] ${first.title} — ${attribution}`,
      '',
      ...(first.evidence !== null ? [`- **Evidence:** ${first.evidence}`] : []),
      ...(first.why !== null ? [`- **Why it matters:** ${first.why}`] : []),
      ...(first.recommendation !== null ? [`- **Recommendation:** ${first.recommendation}`] : []),
      ...first.notes.map((note) => `- ${note}`),
    ];
  }
  // Several findings at one line: the evidence once, then each persona's own view of it.
  const titles = [...new Set(f.raisedBy.map((a) => a.finding.title))].join('; ');
  const code = f.raisedBy.find((a) => a.finding.code)?.finding.code;
  const lines = [`### ${n}. [${f.severity}] ${titles} — ${attribution}`, '', `- **Evidence:** \`${f.location?.text ?? ''}\`${code ? ` — ${code}` : ''}`];
  for (const { persona, finding } of f.raisedBy) {
    lines.push(`- **${persona}** · [${finding.severity}] ${finding.title}`);
    if (finding.why !== null) lines.push(`  - **Why it matters:** ${finding.why}`);
    if (finding.recommendation !== null) lines.push(`  - **Recommendation:** ${finding.recommendation}`);
    for (const note of finding.notes) lines.push(`  - ${note}`);
  }
  return lines;
}

function pushAttributed(out: string[], title: string, parts: { persona: string; text: string | null }[]): void {
  const present = parts.filter((p) => p.text);
  if (present.length === 0) return;
  out.push(`## ${title}`, '');
  for (const p of present) out.push(`**${p.persona}:** ${p.text ?? ''}`, '');
}

function statusText(m: PanelMember): string {
  return m.status === 'failed' && m.error ? `failed (\`${m.error.code}\`)` : m.status;
}

function rank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function cell(s: string): string {
  return oneLine(s).replace(/\|/g, '\\|');
}
