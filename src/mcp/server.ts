import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CreateTaskRequestHandlerExtra } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { CallToolRequest, CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runAround, type ToolCallInfo } from '../core/toolCalls';
import type { PersonaServices } from '../services';
import type { JobSummary } from '../jobs/types';
import { TERMINAL_STATUSES } from '../jobs/types';
import type { McpDeps } from './deps';
import type { ToolExtra } from './jobProgress';
import { JobTaskStore, toTask } from './taskStore';
import { registerCancelPersonaJob } from './tools/cancelPersonaJob';
import { registerCheckPersonaJob } from './tools/checkPersonaJob';
import { registerCurrentDate } from './tools/currentDate';
import { registerInvokePanel } from './tools/invokePanel';
import { registerInvokePersonas } from './tools/invokePersona';
import { registerListFindings } from './tools/listFindings';
import { registerListPersonaJobs } from './tools/listPersonaJobs';
import { registerListPersonas } from './tools/listPersonas';
import { registerPersonaDatabaseStats } from './tools/personaDatabaseStats';
import { registerPersonaMetrics } from './tools/personaMetrics';
import { registerProposeStandard } from './tools/proposeStandard';
import { registerResetPersonaJobs } from './tools/resetPersonaJobs';
import { registerRetryPersonaJob } from './tools/retryPersonaJob';
import { registerSearchStandards } from './tools/searchStandards';
import { registerWorkflowTools } from './tools/workflows';

export const SERVER_NAME = 'agent-os-personas';
export const SERVER_VERSION = '0.1.0';

type PlainCall = (args: unknown, extra: ToolExtra) => Promise<CallToolResult>;

/**
 * The McpServer with one difference: a task-capable tool called without a task (most clients
 * today) returns its job id at once instead of the SDK's default of blocking until the task
 * ends. Blocking is what makes long tool calls die at a client's 60 s timeout; a job id and
 * check_persona_job work everywhere.
 */
export class PersonaMcpServer extends McpServer {
  readonly plainToolCalls = new Map<string, PlainCall>();
  private readonly follows: (() => void)[] = [];

  constructor(private readonly services: PersonaServices) {
    super(
      { name: SERVER_NAME, version: SERVER_VERSION },
      {
        capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
        taskStore: new JobTaskStore(services),
        instructions:
          'Expert reviewer personas (architect, engineer, data, qa, security, sre, workflow executor and specialists). invoke_* tools start a durable review job and return a job_id at once; poll check_persona_job (wait_seconds blocks up to 50 s). search_standards finds the team\'s approved standards; propose_standard suggests one for a human to approve. list_findings returns the findings of completed reviews as JSON rows (filter by file, persona, severity, job). Phase-gated workflows: list_workflows, start_workflow, get_current_phase, get_task, complete_phase (quantified evidence, checked against the phase\'s gate), get_workflow_state; or invoke_workflow_executor to have a persona run one.',
      },
    );
    this.server.onclose = () => this.stopFollowing();
    this.aroundToolCalls();
    // The SDK (1.x) routes a task-capable tool called without a task through this private
    // method, which polls until the task ends. Shadowing it on the instance is the one
    // place we reach past the SDK's types; a unit test fails if the SDK stops calling it.
    (this as unknown as { handleAutomaticTaskPolling: (tool: unknown, request: CallToolRequest, extra: ToolExtra) => Promise<CallToolResult> }).handleAutomaticTaskPolling = (_tool, request, extra) => {
      const plain = this.plainToolCalls.get(request.params.name);
      if (!plain) return Promise.reject(new Error(`Tool ${request.params.name} has no plain handler`));
      return plain(request.params.arguments, extra);
    };
  }

  /**
   * Every tools/call (plain, task and automatic task polling alike) runs inside the services'
   * tool-call hooks (metrics, tracing). McpServer installs its one tools/call handler in its
   * constructor (the tools capability is declared up front), so the handler is wrapped where
   * the protocol keeps it: the second place we reach past the SDK's types, and the unit test
   * "runs every tools/call … inside the services' tool-call hooks" fails if the SDK moves it.
   */
  private aroundToolCalls(): void {
    const hooks = this.services.toolCallHooks;
    const handlers = (this.server as unknown as { _requestHandlers: Map<string, (request: CallToolRequest, extra: ToolExtra) => Promise<unknown>> })._requestHandlers;
    const inner = handlers.get('tools/call');
    if (!inner) throw new Error('The MCP SDK installed no tools/call handler before the tools registered');
    handlers.set('tools/call', (request, extra) => runAround(hooks, toolCallInfo(request, extra), () => inner(request, extra)));
  }

  /** Sends notifications/tasks/status as the job behind a task moves (each new phase), until it ends. */
  followTask(jobId: string, extra: CreateTaskRequestHandlerExtra): void {
    const stop = new AbortController();
    this.follows.push(() => stop.abort());
    void (async () => {
      let lastPhase: string | null = null;
      for await (const job of this.services.watch.watch(jobId, { signal: stop.signal })) {
        if (TERMINAL_STATUSES.has(job.status)) {
          if (job.status === 'cancelled') await this.sendTaskStatus(job);
          else await extra.taskStore.storeTaskResult(jobId, job.status === 'completed' ? 'completed' : 'failed', {}).catch(() => undefined);
          return;
        }
        const phase = job.phase ?? job.status;
        if (phase === lastPhase) continue;
        lastPhase = phase;
        await this.sendTaskStatus(job);
      }
    })().catch(() => undefined);
  }

  private async sendTaskStatus(job: JobSummary): Promise<void> {
    if (!this.isConnected()) return;
    await this.server.notification({ method: 'notifications/tasks/status', params: toTask(job, null) }).catch(() => undefined);
  }

  private stopFollowing(): void {
    for (const stop of this.follows.splice(0)) stop();
  }
}

/** The call's name and the caller's W3C trace context: the HTTP headers first, then the request's `_meta`. */
function toolCallInfo(request: CallToolRequest, extra: ToolExtra): ToolCallInfo {
  const headers = extra.requestInfo?.headers ?? {};
  const header = (name: string): string | null => {
    const value = headers[name];
    return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : null;
  };
  // The raw request, before the SDK parses it: params may be missing on a malformed call.
  const params = (request.params ?? {}) as { name?: unknown; _meta?: Record<string, unknown> };
  const meta = params._meta ?? {};
  const fromMeta = (name: string): string | null => (typeof meta[name] === 'string' ? meta[name] : null);
  return {
    tool: typeof params.name === 'string' ? params.name : '',
    traceparent: header('traceparent') ?? fromMeta('traceparent'),
    tracestate: header('tracestate') ?? fromMeta('tracestate'),
  };
}

/** One McpServer with every tool; transports (HTTP, stdio, in-memory) only carry it. */
export function createPersonaServer(services: PersonaServices, options: { now?: () => number } = {}): PersonaMcpServer {
  const server = new PersonaMcpServer(services);
  const deps: McpDeps = { services, now: options.now ?? Date.now };
  registerCurrentDate(server, deps);
  registerSearchStandards(server, deps);
  registerWorkflowTools(server, deps);
  registerInvokePersonas(server, deps);
  registerInvokePanel(server, deps);
  registerCheckPersonaJob(server, deps);
  registerListPersonaJobs(server, deps);
  registerListFindings(server, deps);
  registerCancelPersonaJob(server, deps);
  registerRetryPersonaJob(server, deps);
  registerPersonaDatabaseStats(server, deps);
  registerPersonaMetrics(server, deps);
  registerResetPersonaJobs(server, deps);
  registerProposeStandard(server, deps);
  registerListPersonas(server, deps);
  return server;
}
