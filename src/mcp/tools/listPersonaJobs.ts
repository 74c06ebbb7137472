import { z } from 'zod';
import { JOB_STATUSES } from '../../jobs/types';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { jobView } from '../jobView';
import { ok } from '../results';

export function registerListPersonaJobs(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'list_persona_jobs',
    {
      description: 'Recent persona jobs, newest first, without their results (use check_persona_job for one). Filter by status or persona; page with offset.',
      inputSchema: {
        status: z.enum(JOB_STATUSES).optional().describe('Only jobs in this status.'),
        persona: z.string().max(64).optional().describe('Only jobs of this persona id (see list_personas).'),
        limit: z.number().int().min(1).max(100).default(20).describe('How many jobs to return.'),
        offset: z.number().int().min(0).max(1_000_000).default(0).describe('How many of the newest jobs to skip, to page on.'),
      },
      annotations: { readOnlyHint: true },
    },
    (input) => {
      const jobs = deps.services.store.listSummaries({ status: input.status, persona: input.persona, limit: input.limit, offset: input.offset });
      return ok({ jobs: jobs.map((j) => jobView(j)), count: jobs.length, next_offset: jobs.length === input.limit ? input.offset + input.limit : null });
    },
  );
}
