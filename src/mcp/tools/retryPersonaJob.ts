import { z } from 'zod';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { jobView } from '../jobView';
import { guarded, ok } from '../results';

export function registerRetryPersonaJob(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'retry_persona_job',
    {
      description: 'Run a failed or cancelled persona job again (same persona, task and context). Returns the job, queued again; poll it with check_persona_job. For a panel job, re-runs each persona that failed or was cancelled and the panel writes a new merged report; retrying one persona of an ended panel re-opens the panel too.',
      inputSchema: { job_id: z.string().min(1).max(100).describe('A failed or cancelled job to run again as a new job.') },
    },
    (input) => guarded(async () => ok(jobView(await deps.services.jobs.retry(input.job_id)))),
  );
}
