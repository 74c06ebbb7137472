// Counts the tokens of each shipped persona file, for the budget test and for docs/personas.md.
// Run `node out/test/unit/personaTokens.js` after `npm run build` to print the table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTokenizer } from '@anthropic-ai/tokenizer';
import { PersonaRegistry } from '../../src/personas/personaRegistry';
import { REPO_ROOT } from './tempDir';

/** The design's budget for one persona file, front matter included. */
export const PERSONA_TOKEN_LIMIT = 1500;

/**
 * Anthropic's public tokenizer is the one of the Claude 2 models. Claude 3 to 4.6 count the
 * same English text about 7–10 % higher, so the budget is checked against the count plus
 * this margin. (Opus 4.7's tokenizer counts up to a further ~1.35–1.47×; see docs/personas.md.)
 */
export const CLAUDE_3_MARGIN_PERCENT = 10;

export interface PersonaTokenRow {
  id: string;
  kind: 'core' | 'specialist';
  tokens: number;
  /** `tokens` plus CLAUDE_3_MARGIN_PERCENT, rounded up: the estimate for Claude 3 to 4.6. */
  estimate: number;
  chars: number;
}

/** Token counts of every persona in `folder`, whole file (front matter and prompt). */
export function measurePersonaTokens(folder = join(REPO_ROOT, 'personas')): PersonaTokenRow[] {
  const registry = new PersonaRegistry([folder]);
  // One tokenizer for all files: building it parses the whole vocabulary.
  const tokenizer = getTokenizer();
  try {
    return registry.list().map((persona) => {
      const text = readFileSync(persona.source, 'utf8');
      // NFKC as the package's own countTokens does; 'all' lets special tokens count as text.
      const tokens = tokenizer.encode(text.normalize('NFKC'), 'all').length;
      return {
        id: persona.id,
        kind: persona.specialty === null ? 'core' : 'specialist',
        tokens,
        // Integer arithmetic: 1000 * 1.1 in floating point rounds up to 1101.
        estimate: Math.ceil((tokens * (100 + CLAUDE_3_MARGIN_PERCENT)) / 100),
        chars: text.length,
      };
    });
  } finally {
    tokenizer.free();
  }
}

/** The markdown table docs/personas.md shows: core first, then specialists, by id. */
export function formatTokenTable(rows: PersonaTokenRow[]): string {
  const sorted = [...rows].sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind === 'core' ? -1 : 1));
  const lines = [
    `| persona | kind | tokens | + ${CLAUDE_3_MARGIN_PERCENT} % (Claude 3 – 4.6 estimate) | characters |`,
    '|---|---|---:|---:|---:|',
    ...sorted.map((r) => `| ${r.id} | ${r.kind} | ${r.tokens} | ${r.estimate} | ${r.chars} |`),
  ];
  return lines.join('\n');
}

if (require.main === module) {
  console.log(formatTokenTable(measurePersonaTokens()));
}
