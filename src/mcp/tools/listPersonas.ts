import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { ok } from '../results';

export function registerListPersonas(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'list_personas',
    {
      description: 'The reviewer personas you can invoke (shipped and the workspace\'s own): id, what each is for, core or specialist. Pass an id to invoke_persona or invoke_panel.',
      annotations: { readOnlyHint: true },
    },
    () =>
      ok({
        personas: deps.services.registry.list().map((p) => ({ id: p.id, name: p.name, description: p.description, specialty: p.specialty, tools: p.tools, model: p.model })),
      }),
  );
}
