import { z } from 'zod';
import { METRICS_RANGES } from '../../metrics/reportTypes';
import { checkReportRequest } from '../../metrics/report';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { guarded, ok } from '../results';

export function registerPersonaMetrics(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'persona_metrics',
    {
      description:
        'Usage metrics of this workspace\'s personas, kept after old jobs are cleaned up: per persona, runs by source, completed/failed (by error code)/cancelled, duration and queue-wait p50/p90, tokens (input, output, cache read/write), estimated cost in USD and tool calls; per day; standards proposed/approved/rejected; standards searches (zero-hit queries, latency); MCP calls per tool; workflow sessions. JSON, schemaVersion 1 (docs/metrics.schema.json). A cost of null means unknown (an editor chat model), not free.',
      inputSchema: {
        since: z.enum(METRICS_RANGES).default('7d').describe('How far back: 7d (the last 7 UTC days, today included), 30d, or all.'),
        persona: z.string().min(1).max(200).optional().describe('Only this persona\'s runs (an id from list_personas); the standards, search, MCP and workflow parts are never filtered.'),
      },
      annotations: { readOnlyHint: true },
    },
    (input) =>
      guarded(() => {
        const request = checkReportRequest(input.since, input.persona);
        return ok(deps.services.metrics.report({ range: request.range, persona: request.persona, now: deps.now() }));
      }),
  );
}
