/**
 * The standard the demo model proposes after a review: built from the most severe finding in
 * the code it read, as a reviewer would write it up for the team — the finding's title, the
 * file and line, the offending construct quoted, a rule that names it, and a good and a bad
 * example made from the code's own line. Deterministic: the same code gives the same proposal.
 */
import type { Finding } from './reviews';

export interface DemoProposal {
  domain: string;
  topic: string;
  title: string;
  body: string;
  tags: string[];
}

/** The standards domain each persona's rules belong to (a folder under .agent-os/standards). */
const DOMAINS: Record<string, string> = {
  security: 'security', engineer: 'engineering', architect: 'architecture', qa: 'testing', sre: 'operations', data: 'data',
  performance: 'performance', concurrency: 'concurrency', database: 'database', 'code-reviewer': 'code-style',
  accessibility: 'accessibility', 'api-docs': 'api', observability: 'observability',
};

/** Lower-case words joined by hyphens, as propose_standard's topic and tags require (SLUG). */
export function slug(text: string, max = 64): string {
  const words = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return (words.slice(0, max).replace(/-+$/, '') || 'finding');
}

/** A string literal's content as `…`: a standard is shared widely, a credential in it would leak. */
export function maskLiterals(code: string): string {
  // Also a literal the quote cut off (a construct ends where the rule's match ends).
  return code.replace(/(['"`])[^'"`]{4,}(?:\1|$)/g, '$1…$1');
}

/** The proposal for the first (most severe) finding, or undefined when the review found nothing to make a rule of. */
export function proposeFromFindings(persona: string, findings: readonly Finding[]): DemoProposal | undefined {
  const f = findings[0];
  if (!f) return undefined;
  const bad = f.title === 'Hard-coded credential' ? maskLiterals(f.source) : f.source;
  const construct = f.title === 'Hard-coded credential' ? maskLiterals(f.construct) : f.construct;
  const good = f.better ?? `// ${f.fix}\n// (was: ${bad})`;
  const where = `${f.file}:${f.line}`;
  const lang = fence(f.file);
  const body = [
    '## Context',
    `The ${persona} review of \`${f.file}\` found **${f.title}** (${f.severity}) at \`${where}\`, in \`${construct}\`. ${f.why}`,
    '',
    '## Pattern',
    `**${f.title}**, code like \`${construct}\`, is not merged as it is: ${lowerFirst(f.fix)}`,
    '',
    '## Examples',
    `\`${where}\` written the way this standard asks:`,
    '',
    `\`\`\`${lang}`,
    good,
    '```',
    '',
    '## Anti-Patterns',
    `As found at \`${where}\`:`,
    '',
    `\`\`\`${lang}`,
    bad,
    '```',
    '',
    '## When to Revisit',
    `When a lint rule or a type enforces this, or when \`${f.file}\` is rewritten; until then reviews cite this standard for ${lowerFirst(f.title)}.`,
    '',
  ].join('\n');
  return {
    domain: DOMAINS[persona] ?? 'engineering',
    topic: slug(f.title),
    title: `${f.title} (${where})`.slice(0, 120),
    body,
    tags: ['demo'],
  };
}

function lowerFirst(text: string): string {
  // Keep acronyms and code (`any`, SQL, SELECT) as they are.
  return /^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text;
}

function fence(file: string): string {
  const ext = /\.(\w+)$/.exec(file)?.[1] ?? '';
  return /^(ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|cs|rb|php|sql|html|vue|css|kt|swift)$/.test(ext) ? ext : '';
}
