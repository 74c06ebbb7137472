import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { WORKFLOW_TOOL_HANDLERS, type WorkflowAnswer, type WorkflowTool } from '../../workflows/workflowTools';
import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { CONTEXT_FIELDS, contextRequest, TASK_FIELD } from '../jobInput';
import { guarded, ok } from '../results';
import { HOW, registerJobTool, WAIT_FIELD } from './invokePersona';

/**
 * The phase-gated workflow tools (list_workflows, start_workflow, get_current_phase, get_task,
 * complete_phase, get_workflow_state): the same handlers the workflow executor calls in its
 * loop, served as MCP tools. A refused gate is an isError result naming every failing field.
 */
export function registerWorkflowTools(server: PersonaMcpServer, deps: McpDeps): void {
  const toolDeps = { registry: deps.services.workflowRegistry, sessions: deps.services.sessions };
  for (const tool of WORKFLOW_TOOL_HANDLERS as readonly WorkflowTool<z.ZodRawShape>[]) {
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: tool.shape, annotations: { readOnlyHint: tool.readOnly } },
      (input: Record<string, unknown>) => guarded(async () => asResult(await tool.run(input, toolDeps, {}))),
    );
  }
  registerJobTool(
    server,
    deps,
    'invoke_workflow_executor',
    `Ask the workflow executor persona to run a phase-gated workflow (ids from list_workflows, e.g. pre-merge-review, security-review) on a target: it starts a durable session, works one phase at a time, and moves on only when complete_phase accepts the phase's quantified evidence. The answer carries the job_id and the session_id (follow the phases with get_workflow_state). ${HOW}`,
    {
      workflow_type: z.string().min(1).max(100).describe('A workflow id from list_workflows.'),
      target: z.string().min(1).max(1000).describe('What it runs on: a workspace file or folder, or "changes" for the uncommitted git changes.'),
      task: TASK_FIELD.optional().describe('What to pay attention to, in your words.'),
      ...CONTEXT_FIELDS,
      wait_seconds: WAIT_FIELD,
    },
    async (raw) => {
      const input = raw as { workflow_type: string; target: string; task?: string; context?: string; files?: string[]; priority?: number };
      const { session, job } = await deps.services.startWorkflow({ workflowId: input.workflow_type, target: input.target, task: input.task, context: contextRequest(input), priority: input.priority });
      return { job, extra: { session_id: session.id, workflow: session.workflowId } };
    },
  );
}

function asResult(answer: WorkflowAnswer): CallToolResult {
  const result = ok(answer.data);
  return answer.ok ? result : { ...result, isError: true };
}
