import { z } from 'zod';
import { SLUG, STANDARD_PROPOSAL_FIELDS } from '../../personas/tools/proposeStandard';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { guarded, ok } from '../results';

export function registerProposeStandard(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'propose_standard',
    {
      description: 'Propose a project standard (a rule the team should follow). It is recorded as pending; a human approves or rejects it in the editor, and only then does search_standards find it. You cannot approve it. Write the body with the sections Context, Pattern, Examples, Anti-Patterns, When to Revisit.',
      inputSchema: {
        ...STANDARD_PROPOSAL_FIELDS,
        proposed_by: z.string().regex(SLUG).default('agent').describe('Who proposes it, e.g. your agent\'s name or a persona id.'),
      },
    },
    (input) =>
      guarded(async () => {
        // The schema has no approver or status field: extra fields (a forged "approved_by") are dropped before this point.
        const proposal = await deps.services.proposals.create({ domain: input.domain, topic: input.topic, title: input.title, body: input.body, tags: input.tags, createdBy: input.proposed_by });
        return ok({ proposal_id: proposal.id, status: proposal.status, next: 'A human reviews it in the editor (Standards view). Do not treat it as approved.' });
      }),
  );
}
