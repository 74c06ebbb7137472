import { z } from 'zod';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { CONTEXT_FIELDS, contextRequest, TASK_FIELD } from '../jobInput';
import { jobView } from '../jobView';
import { guarded, ok } from '../results';

export function registerInvokePanel(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'invoke_panel',
    {
      description:
        'Ask 2 to 8 personas (ids from list_personas) to review the same task and context in parallel. Returns at once with the panel\'s job_id (the parent) and its children; check_persona_job on the parent returns one merged report when all are done (findings grouped by severity, duplicates at the same file:line merged, each attributed). cancel_persona_job on the parent cancels every child.',
      inputSchema: {
        personas: z.array(z.string().min(1).max(64)).min(2).max(8).describe('Persona ids, e.g. ["architect", "engineer", "security"].'),
        task: TASK_FIELD.describe('What every persona should review or answer.'),
        ...CONTEXT_FIELDS,
      },
    },
    (input) =>
      guarded(async () => {
        const { parent, children } = await deps.services.jobs.askPanel({ personas: input.personas, task: input.task, context: contextRequest(input), priority: input.priority, source: 'mcp' });
        return ok({ ...jobView(parent), children: children.map((c) => ({ job_id: c.id, persona: c.persona, status: c.status })) });
      }),
  );
}
