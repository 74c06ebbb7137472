// What a finding says in the editor: the Problems panel's message and level, and the text a
// follow-up job or a proposed standard starts from. Plain code (no `vscode`), so the unit tests
// check it.
import type { FindingSeverity, StoredFinding } from '../../findings/types';

/** The Problems panel's levels: critical/high block, medium warns, low informs. */
export type DiagnosticLevel = 'error' | 'warning' | 'information';

export function diagnosticLevel(severity: FindingSeverity): DiagnosticLevel {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'information';
}

/** The Problems panel truncates long messages anyway; the whole finding is in the job's result. */
export const MAX_MESSAGE_CHARS = 1000;

/** `[SEVERITY] title — evidence Recommendation: …`, plain text, at most MAX_MESSAGE_CHARS. */
export function diagnosticMessage(f: StoredFinding): string {
  const parts = [`[${f.severity.toUpperCase()}] ${plain(f.title)}`];
  const evidence = f.evidence ? plain(f.evidence) : '';
  if (evidence) parts.push(` — ${evidence}`);
  const recommendation = f.recommendation ? plain(f.recommendation) : '';
  if (recommendation) parts.push(`${evidence ? ' ' : ' — '}Recommendation: ${recommendation}`);
  const text = parts.join('');
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 1).trimEnd()}…`;
}

/** `src/a.ts:3` or `src/a.ts:3-5`; null without a file. */
export function findingPlace(f: StoredFinding): string | null {
  if (!f.file) return null;
  if (f.startLine === null) return f.file;
  return f.endLine !== null && f.endLine !== f.startLine ? `${f.file}:${f.startLine}-${f.endLine}` : `${f.file}:${f.startLine}`;
}

/** Markdown a review wrote (code spans, bold, links) as the plain text a diagnostic shows, on one line. */
export function plain(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The finding as a follow-up job's context: everything the review said, and the code it cites as it reads now. */
export function findingContext(f: StoredFinding, citedCode: string | null): string {
  const lines = [
    `A finding of your earlier review (job ${f.jobId}):`,
    '',
    `### [${f.severity.toUpperCase()}] ${f.title}`,
    `- **Location:** ${findingPlace(f) ?? 'none cited'}`,
  ];
  if (f.evidence) lines.push(`- **Evidence:** ${f.evidence}`);
  if (f.why) lines.push(`- **Why it matters:** ${f.why}`);
  if (f.recommendation) lines.push(`- **Recommendation:** ${f.recommendation}`);
  if (citedCode) lines.push('', `The cited code as it reads now:`, '', '```', citedCode, '```');
  return lines.join('\n');
}

/** The task of the "Ask <persona> to explain" follow-up. */
export function explainTask(f: StoredFinding): string {
  const place = findingPlace(f);
  return `Explain your finding "${f.title.slice(0, 200)}"${place ? ` at ${place}` : ''}: why it matters in this code, how to fix it, and whether it could be a false positive.`;
}

/** A pending standard's body (the template's sections) drawn from a finding; a person edits it before approving. */
export function standardBody(f: StoredFinding): string {
  const place = findingPlace(f);
  const quoted = f.code ? plain(f.code) : null;
  return [
    '## Context',
    '',
    `The ${f.persona} persona raised "${f.title}" (${f.severity})${place ? ` at ${place}` : ''}.${f.why ? ` ${f.why}` : ''}`,
    '',
    '## Pattern',
    '',
    f.recommendation ?? 'Describe the rule the team follows instead.',
    '',
    '## Examples',
    '',
    'Add an example of code that follows the rule.',
    '',
    '## Anti-Patterns',
    '',
    quoted ? `\`\`\`\n${quoted}\n\`\`\`` : (f.evidence ?? 'The code the finding cited.'),
    '',
    '## When to Revisit',
    '',
    'When the rule stops matching how the code is written, or a review finds an exception worth keeping.',
    '',
  ].join('\n');
}
