// TEMPORARY, branch stdui: a local copy of the standard template's section list until the
// standards index branch lands `src/standards/template.ts` (`STANDARD_SECTIONS`,
// `missingSections(markdown)`). At that merge, delete this file and import from './template'
// (same names, same meaning); `STANDARD_TEMPLATE_BODY` moves there too if it has none.
import MarkdownIt from 'markdown-it';

/** The sections every standard has, in order. */
export const STANDARD_SECTIONS = ['Context', 'Pattern', 'Examples', 'Anti-Patterns', 'When to Revisit'] as const;

const parser = new MarkdownIt('commonmark');

/**
 * The template sections a standard's markdown lacks, in template order. Headings are read by
 * markdown-it (so a `## Context` inside a code block does not count), at any level, compared
 * without case, punctuation or spacing ("Anti patterns" is "Anti-Patterns").
 */
export function missingSections(markdown: string): string[] {
  const tokens = parser.parse(markdown, {});
  const found = new Set<string>();
  for (let i = 0; i < tokens.length - 1; i++) {
    if (tokens[i]!.type === 'heading_open') found.add(normalise(tokens[i + 1]!.content));
  }
  return STANDARD_SECTIONS.filter((s) => !found.has(normalise(s)));
}

function normalise(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** The body a person starts from with `Personas: New Standard…`. */
export const STANDARD_TEMPLATE_BODY = [
  '## Context',
  'Why this standard exists: the problem it prevents and where it applies.',
  '',
  '## Pattern',
  'What to do, stated so a reviewer can check it.',
  '',
  '## Examples',
  '```ts',
  '// the pattern, in this code base',
  '```',
  '',
  '## Anti-Patterns',
  'What not to do, and why it hurts.',
  '',
  '## When to Revisit',
  'The change in the project that would make this standard wrong.',
  '',
].join('\n');
