import { z } from 'zod';
import type { PersonaTool } from './types';

/** The query fields, shared with the MCP tool of the same name (which adds a limit). */
export const SEARCH_STANDARDS_FIELDS = {
  query: z.string().min(1).max(500).describe('Words to look for in the approved standards.'),
  domain: z.string().max(64).optional().describe('Only standards of this domain, e.g. "security".'),
  tags: z.array(z.string().max(64)).max(10).optional().describe('Only standards carrying all these tags.'),
};

const schema = z.object(SEARCH_STANDARDS_FIELDS);

export const searchStandardsTool: PersonaTool<typeof schema> = {
  name: 'search_standards',
  description: 'Search the project\'s human-approved standards (.agent-os/standards), ranked (BM25) by section. Returns the best-matching sections, best first, each with path:line, heading, domain, tags, score and a snippet. Call it first: a finding that breaks an approved standard should cite it by path:line.',
  schema,
  phase: 'searching',
  async run(input, context) {
    const hits = await context.host.searchStandards({ query: input.query, domain: input.domain, tags: input.tags, limit: 5 });
    if (hits.length === 0) return `No approved standard matches "${input.query}".`;
    return hits.map((h) => `${h.path}:${h.line} — ${h.heading} (${h.title}; domain ${h.domain || 'none'}${h.tags.length ? `; tags ${h.tags.join(', ')}` : ''}; score ${h.score})\n${h.snippet}`).join('\n\n');
  },
};
