import { z } from 'zod';
import type { JobSummary } from '../jobs/types';
import type { ContextRequest } from '../personas/jobContext';
import type { HostToolsPort } from '../personas/personaRunPlan';
import type { PersonaJobs } from '../personas/personaJobs';
import { inputJsonSchema } from '../personas/tools';
import type { HostToolDefinition } from '../personas/tools/types';
import { runWorkflowTool, WORKFLOW_TOOL_HANDLERS, type WorkflowToolDeps } from './workflowTools';
import type { WorkflowSession } from './workflowSessions';

/** The core persona that drives a workflow session. */
export const WORKFLOW_EXECUTOR = 'workflow-executor';

export interface WorkflowJobRequest {
  workflowId: string;
  target: string;
  /** What to pay attention to, in the requester's words. */
  task?: string;
  options?: Record<string, unknown>;
  context?: ContextRequest;
  priority?: number;
}

/**
 * Starts a workflow run: a durable session, then the workflow executor's job driving it (the
 * session is created first, so a crash between the two leaves a session an agent can still
 * drive, never a job without its session), then the link the Persona Jobs tree follows.
 */
export async function startWorkflowJob(deps: WorkflowToolDeps & { jobs: PersonaJobs }, request: WorkflowJobRequest): Promise<{ session: WorkflowSession; job: JobSummary }> {
  const ask = request.task?.trim() ? `\n${request.task.trim()}` : '';
  const taskFor = (id: string, title: string, target: string): string => `Run workflow session ${id} (${title}) on ${target}.${ask}`;
  // Checked before the session is written: a missing executor persona or an over-long task
  // must not leave a session no job drives.
  const workflow = deps.registry.require(request.workflowId);
  deps.jobs.check({ persona: WORKFLOW_EXECUTOR, task: taskFor('00000000-0000-0000-0000-000000000000', workflow.title, request.target.trim()) });
  const started = await deps.sessions.start({ workflowId: request.workflowId, target: request.target, options: request.options });
  const job = await deps.jobs.ask({
    persona: WORKFLOW_EXECUTOR,
    task: taskFor(started.id, started.title, started.target),
    context: request.context,
    priority: request.priority,
    source: 'workflow',
  });
  const session = await deps.sessions.linkJob(started.id, job.id);
  return { session, job };
}

/** The workflow tools as host tools a persona job calls: the same handlers as the MCP tools. */
export function workflowHostTools(deps: WorkflowToolDeps): HostToolsPort {
  const definitions: HostToolDefinition[] = WORKFLOW_TOOL_HANDLERS.map((t) => ({ name: t.name, description: t.description, inputSchema: inputJsonSchema(z.object(t.shape)) }));
  return {
    definitions: () => definitions,
    async run(job, name, input) {
      const answer = await runWorkflowTool(name, input, deps, { jobId: job.id });
      return { content: JSON.stringify(answer.data, null, 2), isError: !answer.ok, status: answer.status, progress: answer.progress };
    },
  };
}
