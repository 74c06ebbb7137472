import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CreateTaskRequestHandlerExtra, TaskRequestHandlerExtra } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import { TERMINAL_STATUSES, type JobSummary } from '../../jobs/types';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { CONTEXT_FIELDS, contextRequest, TASK_FIELD } from '../jobInput';
import { jobView } from '../jobView';
import { waitForJob, type ToolExtra } from '../jobProgress';
import { guarded, ok } from '../results';
import { TASK_POLL_INTERVAL_MS } from '../taskStore';
import { MAX_WAIT_SECONDS } from './checkPersonaJob';

/** The core personas that get their own tool; any other loaded persona goes through invoke_persona. */
export const CORE_PERSONAS = ['architect', 'engineer', 'data', 'qa', 'security', 'sre'] as const;

const JOB_FIELDS = {
  task: TASK_FIELD.describe('What the persona should review or answer.'),
  ...CONTEXT_FIELDS,
  wait_seconds: z.number().min(0).max(MAX_WAIT_SECONDS).default(0).describe(`Block up to this long for the review (max ${MAX_WAIT_SECONDS}); cancelling this call then cancels the job. 0 returns the job id at once.`),
};
type JobInput = { task: string; context?: string; files?: string[]; priority?: number; wait_seconds: number };

const HOW = 'Runs as a durable background job and returns at once with a job_id and an ETA (reviews take from seconds to minutes); then call check_persona_job with wait_seconds, or pass wait_seconds here. Clients with MCP tasks may call it as a task.';

export function registerInvokePersonas(server: PersonaMcpServer, deps: McpDeps): void {
  for (const id of CORE_PERSONAS) {
    const persona = deps.services.registry.get(id);
    register(server, deps, `invoke_${id}`, `Ask the ${id} persona for a review. ${persona?.description ?? ''} ${HOW}`, JOB_FIELDS, () => id);
  }
  register(
    server,
    deps,
    'invoke_persona',
    `Ask any loaded persona (see list_personas: core ones and specialists such as performance, concurrency, database, accessibility) for a review. ${HOW}`,
    { persona: z.string().min(1).max(64).describe('A persona id from list_personas.'), ...JOB_FIELDS },
    (input) => (input as { persona: string }).persona,
  );
}

function register<S extends z.ZodRawShape>(server: PersonaMcpServer, deps: McpDeps, name: string, description: string, shape: S, personaOf: (input: unknown) => string): void {
  const schema = z.object(shape);
  const create = (raw: unknown): Promise<JobSummary> => {
    const input = raw as JobInput;
    return deps.services.jobs.ask({ persona: personaOf(raw), task: input.task, context: contextRequest(input), priority: input.priority });
  };
  // A plain call: the job id at once, or the review when the caller chose to wait.
  server.plainToolCalls.set(name, (args, extra) =>
    guarded(async () => {
      const parsed = schema.safeParse(args ?? {});
      if (!parsed.success) return invalid(name, parsed.error);
      const job = await create(parsed.data);
      return answer(deps, job, (parsed.data as JobInput).wait_seconds, extra);
    }),
  );
  server.experimental.tasks.registerToolTask(
    name,
    { description, inputSchema: shape, execution: { taskSupport: 'optional' } },
    {
      createTask: async (args: unknown, extra: CreateTaskRequestHandlerExtra) => {
        const job = await create(args);
        const task = await extra.taskStore.createTask({ ttl: extra.taskRequestedTtl ?? null, pollInterval: TASK_POLL_INTERVAL_MS, context: { jobId: job.id } });
        server.followTask(job.id, extra);
        return { task };
      },
      getTask: async (_args: unknown, extra: TaskRequestHandlerExtra) => extra.taskStore.getTask(extra.taskId),
      getTaskResult: async (_args: unknown, extra: TaskRequestHandlerExtra) => (await extra.taskStore.getTaskResult(extra.taskId)) as CallToolResult,
    } as Parameters<PersonaMcpServer['experimental']['tasks']['registerToolTask']>[2],
  );
}

async function answer(deps: McpDeps, job: JobSummary, waitSeconds: number, extra: ToolExtra): Promise<CallToolResult> {
  if (waitSeconds <= 0) {
    const typical = deps.services.pool.typicalMs(job.persona);
    return ok({ ...jobView(job), eta_seconds: typical === null ? null : Math.ceil(typical / 1000) });
  }
  const final = await waitForJob(deps.services, job.id, waitSeconds * 1000, extra);
  if (extra.signal.aborted && !TERMINAL_STATUSES.has(final.status)) {
    // The client cancelled the call that started the job: the job goes too.
    return ok(jobView(await deps.services.jobs.cancel(job.id, 'Cancelled by the client (MCP cancellation)')));
  }
  return ok(jobView(final, { result: true, partial: true }));
}

function invalid(tool: string, error: z.ZodError): CallToolResult {
  const issues = error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
  return { content: [{ type: 'text', text: `Input validation error: Invalid arguments for tool ${tool}: ${issues}` }], isError: true };
}
