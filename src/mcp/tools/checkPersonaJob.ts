import { z } from 'zod';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { jobView } from '../jobView';
import { waitForJob } from '../jobProgress';
import { guarded, ok } from '../results';

export const MAX_WAIT_SECONDS = 50;

export function registerCheckPersonaJob(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'check_persona_job',
    {
      description: `Status of a persona job: phase, percent, ETA, and the review in "result" once completed. With wait_seconds (up to ${MAX_WAIT_SECONDS}) it blocks until the job finishes or the time is up, sending progress notifications if you passed a progressToken; poll again while status is "queued" or "running".`,
      inputSchema: {
        job_id: z.string().min(1).max(100).describe('The id an invoke_* tool returned.'),
        wait_seconds: z.number().min(0).max(MAX_WAIT_SECONDS).default(0).describe('Block up to this long for the job to finish.'),
        include_partial: z.boolean().default(false).describe('Include the text written so far while it runs.'),
      },
      annotations: { readOnlyHint: true },
    },
    (input, extra) =>
      guarded(async () => {
        const job = await waitForJob(deps.services, input.job_id, input.wait_seconds * 1000, extra);
        return ok(jobView(job, { result: true, partial: input.include_partial, findings: deps.services.findings }));
      }),
  );
}
