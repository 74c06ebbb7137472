import { z } from 'zod';
import { SEARCH_STANDARDS_FIELDS } from '../../personas/tools/searchStandards';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { guarded, ok } from '../results';

export function registerSearchStandards(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'search_standards',
    {
      description: 'Search the project\'s human-approved standards (.agent-os/standards), ranked (BM25) by section. Returns the best-matching sections, best first: path, line, heading, title, domain, tags, score and a snippet. Call it before writing or reviewing code so your work follows what the team approved.',
      inputSchema: {
        ...SEARCH_STANDARDS_FIELDS,
        limit: z.number().int().min(1).max(20).default(5).describe('How many sections to return, best first.'),
      },
      annotations: { readOnlyHint: true },
    },
    (input) => guarded(async () => ok({ results: await deps.services.standards.search({ query: input.query, domain: input.domain, tags: input.tags, limit: input.limit }) })),
  );
}
