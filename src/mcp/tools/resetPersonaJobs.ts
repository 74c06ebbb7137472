import { z } from 'zod';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { guarded, ok } from '../results';

export function registerResetPersonaJobs(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'reset_persona_jobs',
    {
      description: 'Delete every persona job that is not running, with its result. Irreversible: only when the user asked for it, with confirm: true.',
      inputSchema: { confirm: z.literal(true).describe('Must be true: results cannot be recovered.') },
      annotations: { destructiveHint: true },
    },
    (input) => guarded(async () => ok({ deleted: await deps.services.store.reset(input.confirm) })),
  );
}
