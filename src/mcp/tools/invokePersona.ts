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

/**
 * The core reviewers that get their own invoke_<id> tool; the seventh core persona, the
 * workflow executor, has invoke_workflow_executor (it takes a workflow, not a review task), and
 * any other loaded persona goes through invoke_persona.
 */
export const CORE_PERSONAS = ['architect', 'engineer', 'data', 'qa', 'security', 'sre'] as const;

export const WAIT_FIELD = z.number().min(0).max(MAX_WAIT_SECONDS).default(0).describe(`Block up to this long for the review (max ${MAX_WAIT_SECONDS}); cancelling this call then cancels the job. 0 returns the job id at once.`);

const JOB_FIELDS = {
  task: TASK_FIELD.describe('What the persona should review or answer.'),
  ...CONTEXT_FIELDS,
  wait_seconds: WAIT_FIELD,
};
type JobInput = { task: string; context?: string; files?: string[]; priority?: number; wait_seconds: number };

export const HOW = 'Runs as a durable background job and returns at once with a job_id and an ETA (reviews take from seconds to minutes); then call check_persona_job with wait_seconds, or pass wait_seconds here. Clients with MCP tasks may call it as a task.';

export function registerInvokePersonas(server: PersonaMcpServer, deps: McpDeps): void {
  for (const id of CORE_PERSONAS) {
    const persona = deps.services.registry.get(id);
    registerJobTool(server, deps, `invoke_${id}`, `Ask the ${id} persona for a review. ${persona?.description ?? ''} ${HOW}`, JOB_FIELDS, (raw) => ask(deps, id, raw));
  }
  registerJobTool(
    server,
    deps,
    'invoke_persona',
    `Ask any loaded persona (see list_personas: core ones and specialists such as performance, concurrency, database, accessibility) for a review. ${HOW}`,
    { persona: z.string().min(1).max(64).describe('A persona id from list_personas.'), ...JOB_FIELDS },
    (raw) => ask(deps, (raw as { persona: string }).persona, raw),
  );
}

async function ask(deps: McpDeps, persona: string, raw: unknown): Promise<{ job: JobSummary }> {
  const input = raw as JobInput;
  return { job: await deps.services.jobs.ask({ persona, task: input.task, context: contextRequest(input), priority: input.priority, source: 'mcp' }) };
}

/**
 * Registers a tool that starts a durable job: a plain call returns the job id at once (or
 * waits up to `wait_seconds`), a task-capable client may call it as an MCP task. `create`
 * starts the job; what else it returns is added to the plain answer.
 */
export function registerJobTool<S extends z.ZodRawShape>(server: PersonaMcpServer, deps: McpDeps, name: string, description: string, shape: S, start: (input: unknown) => Promise<{ job: JobSummary; extra?: Record<string, unknown> }>): void {
  const schema = z.object(shape);
  const create = async (raw: unknown): Promise<JobSummary> => (await start(raw)).job;
  // A plain call: the job id at once, or the review when the caller chose to wait.
  server.plainToolCalls.set(name, (args, extra) =>
    guarded(async () => {
      const parsed = schema.safeParse(args ?? {});
      if (!parsed.success) return invalid(name, parsed.error);
      const started = await start(parsed.data);
      return answer(deps, started.job, (parsed.data as { wait_seconds?: number }).wait_seconds ?? 0, extra, started.extra);
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

async function answer(deps: McpDeps, job: JobSummary, waitSeconds: number, extra: ToolExtra, more: Record<string, unknown> = {}): Promise<CallToolResult> {
  if (waitSeconds <= 0) {
    const typical = deps.services.pool.typicalMs(job.persona);
    return ok({ ...jobView(job), ...more, eta_seconds: typical === null ? null : Math.ceil(typical / 1000) });
  }
  const final = await waitForJob(deps.services, job.id, waitSeconds * 1000, extra);
  if (extra.signal.aborted && !TERMINAL_STATUSES.has(final.status)) {
    // The client cancelled the call that started the job: the job goes too.
    return ok({ ...jobView(await deps.services.jobs.cancel(job.id, 'Cancelled by the client (MCP cancellation)')), ...more });
  }
  return ok({ ...jobView(final, { result: true, partial: true, findings: deps.services.findings }), ...more });
}

function invalid(tool: string, error: z.ZodError): CallToolResult {
  const issues = error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
  return { content: [{ type: 'text', text: `Input validation error: Invalid arguments for tool ${tool}: ${issues}` }], isError: true };
}
