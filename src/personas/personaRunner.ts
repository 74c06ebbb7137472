import { PersonaError } from '../core/errors';
import type { JobOutcome, JobProgress } from '../jobs/types';
import type { ChatMessage, ChatToolResultBlock, ChatToolUseBlock, ChatTurnStreamer } from './chatBridge';
import type { ModelConfig } from './modelConfig';
import { mapModelError } from './modelErrors';
import { turnModelFor } from './modelTurns';
import { tracedTool, tracedTurn, type RunTracer } from './runSpans';
import { hostTool, runTool, toolDefinitions, toolsFor } from './tools';
import type { HostToolDefinition, PersonaTool, ToolHost } from './tools/types';

export interface PersonaRunInput {
  personaId: string;
  systemPrompt: string;
  task: string;
  context: string;
  contextNote: string | null;
  /** The persona's own model, when its front matter names one (Anthropic only). */
  personaModel: string | null;
  /** The answer length progress is measured against (the persona's typical one). */
  expectedOutputChars?: number;
  /** Tool names the persona may call (its front matter's `tools`). */
  tools?: string[];
  /** Host tools the persona may call (the workflow tools), defined by the host. */
  hostTools?: HostToolDefinition[];
  /** The workspace the file tools are confined to; null offers no file tools. */
  workspaceRoot?: string | null;
  /** How long one tool call may run (default DEFAULT_TOOL_TIMEOUT_MS). */
  toolTimeoutMs?: number;
  jobId?: string;
}

/** The answer length progress aims at without history; percent never claims 100 before the end. */
export const DEFAULT_EXPECTED_OUTPUT_CHARS = 3000;
/** Bounds on one review's agent loop: model turns, tool calls, and the tool text sent back. */
export const MAX_TURNS = 12;
export const MAX_TOOL_CALLS = 24;
/** A workflow runs several phases, each with its reading and a gate: a longer loop, still bounded (and the job's time limit holds). */
export const HOST_TOOL_MAX_TURNS = 40;
export const HOST_TOOL_MAX_TOOL_CALLS = 100;
/**
 * One tool call's limit. A call past it is stopped and the model told so; one that does not
 * yield (a pinned thread) is stopped by the host TOOL_DEADLINE_GRACE_MS later, with its worker.
 */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
export const TOOL_DEADLINE_GRACE_MS = 5_000;

/** What a run may reach outside the worker: the host's tools, the editor's chat models, and the host's watchdog. */
export interface RunServices {
  toolHost?: ToolHost;
  chat?: ChatTurnStreamer;
  /** Arms (ms) or clears (null) the host's watchdog around a tool call. */
  deadline?: (what: string, ms: number | null) => void;
  /** Present only when tracing is on: each model turn and tool call becomes a span (runSpans.ts). */
  trace?: RunTracer | null;
}

/**
 * Runs one persona review as an agent loop: stream a model turn, run the tools it asks for
 * (read-only, inside the workspace), send the results back, until the model answers or the
 * turn and tool budgets run out. The turn goes to the Messages API (Anthropic, demo model) or
 * to an editor chat model through the bridge (vscode-lm); the loop is the same. Progress is
 * reported at each checkpoint; `signal` aborts the model request at once.
 */
export async function runPersona(
  input: PersonaRunInput,
  config: ModelConfig,
  signal: AbortSignal,
  onProgress: (p: JobProgress) => void,
  services: RunServices = {},
): Promise<JobOutcome> {
  const host = services.toolHost;
  let percent = 0;
  const report = (p: JobProgress): void => {
    // Percent only moves forward, across turns and tool calls.
    percent = Math.max(percent, p.percent);
    onProgress({ ...p, percent });
  };
  report({ phase: 'initializing', percent: 2, message: `Preparing the request for ${config.label}` });
  const tools = availableTools(input, host);
  const definitions = toolDefinitions(tools);
  const hostTools = input.hostTools?.length ?? 0;
  const maxTurns = hostTools > 0 && host ? HOST_TOOL_MAX_TURNS : MAX_TURNS;
  const maxToolCalls = hostTools > 0 && host ? HOST_TOOL_MAX_TOOL_CALLS : MAX_TOOL_CALLS;
  // What a host tool said the run is doing ("phase 2 of 4: Threats"); it leads every later message.
  let stage = '';
  const staged = (message: string): string => (stage ? `${stage} — ${message}` : message);
  const request = new AbortController();
  const idle = new IdleWatchdog(config.idleTimeoutMs, () => request.abort(new PersonaError('MODEL_TIMEOUT', `${config.label} sent nothing for ${Math.round(config.idleTimeoutMs / 1000)} s.`, 'Retry the job; if it keeps happening raise "agentOsPersonas.model.requestTimeoutSeconds".')));
  const onAbort = (): void => request.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const messages: ChatMessage[] = [{ role: 'user', content: userMessage(input) }];
  let shown = '';
  let tokensIn = 0;
  let tokensOut = 0;
  // Prompt-cache tokens are billed apart from tokensIn (which excludes them): kept apart here too.
  let cacheReadTokens = 0;
  let cacheWriteTokens = 0;
  let toolCalls = 0;
  try {
    if (signal.aborted) throw new PersonaError('CANCELLED', 'The job was cancelled before it started.', 'Nothing to do.');
    const model = turnModelFor(config, input.personaModel, input.jobId ?? '', services.chat);
    // A model cannot write more than max_tokens; an answer far past it is a runaway stream,
    // stopped before it can exhaust the worker's memory.
    const maxChars = Math.max(64_000, config.maxTokens * 16);
    const tracer = services.trace ? { ...services.trace, secrets: [config.apiKey] } : null;
    for (let turn = 0; ; turn++) {
      report({ phase: 'analyzing', percent: 8, message: staged(turn === 0 ? `Waiting for ${config.label}` : `${config.label} is analysing what the tools found`) });
      const lastTurn = turn >= maxTurns - 1 || toolCalls >= maxToolCalls;
      idle.reset();
      let turnText = '';
      const turnRequest = {
        system: `Persona: ${input.personaId}\n\n${input.systemPrompt}`,
        messages,
        // After the budget, tools stay defined (earlier turns used them) but may not be called.
        tools: definitions,
        toolChoice: lastTurn ? ('none' as const) : ('auto' as const),
      };
      const final = await tracedTurn(tracer, config, input.personaModel, turnRequest, () => model.turn(
        turnRequest,
        {
          onActivity: () => idle.reset(),
          onText: (delta) => {
            if (request.signal.aborted) return;
            turnText += delta;
            shown += delta;
            if (turnText.length > maxChars) {
              request.abort(new PersonaError('MODEL_ERROR', `${config.label} kept writing past ${maxChars} characters (max_tokens is ${config.maxTokens}); the answer was stopped.`, 'Retry the job; if the endpoint ignores max_tokens, check "agentOsPersonas.model.baseUrl".'));
              return;
            }
            const share = Math.min(1, turnText.length / (input.expectedOutputChars ?? DEFAULT_EXPECTED_OUTPUT_CHARS));
            report({ phase: 'generating', percent: 10 + Math.round(85 * share), message: staged(`${config.label} is writing`), partialOutput: shown });
          },
        },
        request.signal,
      ));
      tokensIn += final.usage.inputTokens;
      tokensOut += final.usage.outputTokens;
      cacheReadTokens += final.usage.cacheReadTokens;
      cacheWriteTokens += final.usage.cacheWriteTokens;
      const uses = final.content.filter((b): b is ChatToolUseBlock => b.type === 'tool_use');
      if (final.stopReason !== 'tool_use' || uses.length === 0 || lastTurn) {
        const answer = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
        return { result: decorate(answer.trim() ? answer : shown, config, input.contextNote), tokensIn, tokensOut, toolCalls, cacheReadTokens, cacheWriteTokens, modelId: model.modelId };
      }
      if (turnText) shown += '\n\n';
      messages.push({ role: 'assistant', content: final.content });
      const results: ChatToolResultBlock[] = [];
      for (const use of uses) {
        if (toolCalls >= maxToolCalls) {
          results.push({ type: 'tool_result', tool_use_id: use.id, content: `Tool budget spent (${maxToolCalls} calls); write the review with what you have.`, is_error: true });
          continue;
        }
        toolCalls += 1;
        const tool = tools.find((t) => t.name === use.name);
        report({ phase: tool?.phase ?? 'searching', percent: Math.min(30, 8 + toolCalls * 2), message: staged(`${input.personaId}: ${describeCall(use)}`) });
        const toolTimeoutMs = input.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
        services.deadline?.(`The tool call ${use.name}`, toolTimeoutMs + TOOL_DEADLINE_GRACE_MS);
        const outcome = await tracedTool(tracer, use, () => runTool(tools, use.name, use.input, { root: input.workspaceRoot ?? '', persona: input.personaId, jobId: input.jobId ?? '', host: host ?? NO_HOST, signal: request.signal }, toolTimeoutMs)).finally(() => services.deadline?.(use.name, null));
        if (request.signal.aborted) throw request.signal.reason instanceof Error ? request.signal.reason : new PersonaError('CANCELLED', 'The job was cancelled.', 'Nothing to do.');
        if (outcome.status) {
          const milestone = outcome.status !== stage;
          stage = outcome.status;
          const share = outcome.progress === undefined ? 0 : Math.min(1, Math.max(0, outcome.progress));
          report({ phase: tool?.phase ?? 'analyzing', percent: Math.max(Math.min(30, 8 + toolCalls * 2), 10 + Math.round(80 * share)), message: stage, milestone });
        }
        results.push({ type: 'tool_result', tool_use_id: use.id, content: outcome.content, ...(outcome.isError ? { is_error: true } : {}) });
      }
      messages.push({ role: 'user', content: results });
    }
  } catch (err) {
    const reason: unknown = request.signal.reason;
    if (reason instanceof PersonaError) throw reason;
    if (signal.aborted) {
      throw new PersonaError('CANCELLED', 'The job was cancelled.', 'Nothing to do.', { cause: err });
    }
    throw mapModelError(err, config);
  } finally {
    idle.stop();
    signal.removeEventListener('abort', onAbort);
  }
}

const NO_HOST: ToolHost = {
  searchStandards: () => Promise.resolve([]),
  proposeStandard: () => Promise.reject(new PersonaError('TOOL_ERROR', 'Proposals cannot be recorded here.', 'Run the review from the editor or the CLI with a workspace.')),
};

/** File tools need a workspace; standards tools need a host that owns the store. */
function availableTools(input: PersonaRunInput, host: ToolHost | undefined): PersonaTool[] {
  const local = toolsFor(input.tools ?? []).filter((t) => {
    if (t.name === 'search_standards' || t.name === 'propose_standard') return host !== undefined;
    return Boolean(input.workspaceRoot);
  });
  return host?.callHostTool ? [...(input.hostTools ?? []).map(hostTool), ...local] : local;
}

function describeCall(use: ChatToolUseBlock): string {
  const args = use.input as Record<string, unknown>;
  const subject = args['path'] ?? args['pattern'] ?? args['query'] ?? args['topic'];
  return typeof subject === 'string' ? `${use.name} ${subject.slice(0, 80)}` : use.name;
}

function userMessage(input: PersonaRunInput): string {
  if (!input.context.trim()) return input.task;
  return `${input.task}\n---\n${input.context}`;
}

/** The headings every persona's output template has; an answer without them is shown as is, flagged. */
const TEMPLATE_HEADINGS = [/^##\s+Summary/im, /^##\s+Findings/im];

function decorate(result: string, config: ModelConfig, contextNote: string | null): string {
  const notes: string[] = [];
  if (!TEMPLATE_HEADINGS.every((h) => h.test(result))) {
    notes.push('_⚠ This answer does not follow the review template (no Summary and Findings sections); it is shown as the model wrote it._');
  }
  if (contextNote) notes.push(`_${contextNote}_`);
  notes.push(`_Model: ${config.label}._`);
  return `${result.trim()}\n\n---\n${notes.join('  \n')}\n`;
}

class IdleWatchdog {
  private timer: NodeJS.Timeout;
  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {
    this.timer = setTimeout(onIdle, ms);
  }
  reset(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onIdle, this.ms);
  }
  stop(): void {
    clearTimeout(this.timer);
  }
}
