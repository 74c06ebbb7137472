import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { ok } from '../results';

export function registerCurrentDate(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'current_date',
    {
      description: 'The current date and time on the developer\'s machine (ISO 8601, with the time zone). Use it instead of guessing today\'s date, e.g. for "created_at" or release notes.',
      annotations: { readOnlyHint: true },
    },
    () => {
      const now = new Date(deps.now());
      return ok({ iso: now.toISOString(), date: now.toISOString().slice(0, 10), time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone, epoch_ms: now.getTime() });
    },
  );
}
