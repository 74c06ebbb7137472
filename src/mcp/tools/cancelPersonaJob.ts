import { z } from 'zod';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { jobView } from '../jobView';
import { guarded, ok } from '../results';

export function registerCancelPersonaJob(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'cancel_persona_job',
    {
      description: 'Cancel a queued or running persona job (a panel cancels its children too). The model request is aborted at once. Returns the job, now "cancelled".',
      inputSchema: { job_id: z.string().min(1).max(100).describe('The job to cancel, as invoke_* or list_persona_jobs returned it.') },
      annotations: { destructiveHint: false, idempotentHint: false },
    },
    (input) => guarded(async () => ok(jobView(await deps.services.jobs.cancel(input.job_id, 'Cancelled by an agent (MCP)')))),
  );
}
