/**
 * The spans of one persona run, timed in the worker: `chat <model>` per model turn and
 * `execute_tool <tool>` per tool call, named and attributed as the OpenTelemetry GenAI semantic
 * conventions say. They are plain records posted to the host (see SpanRecord): the worker loads
 * no tracing library, and without a trace (tracing off) nothing here runs at all.
 *
 * Text (prompts, answers, tool arguments and results) goes in only when the user opted in
 * (captureContent), and even then with credentials redacted. Keys and tokens are never read here.
 */
import { redactSecrets } from '../core/redact';
import { PersonaError } from '../core/errors';
import type { SpanAttributeValue, SpanRecord } from '../jobs/workerProtocol';
import type { ChatMessage, ChatTextBlock, ChatToolUseBlock } from './chatBridge';
import type { ModelConfig } from './modelConfig';

export interface RunTracer {
  captureContent: boolean;
  span: (span: Omit<SpanRecord, 'parent'>) => void;
  /** Secrets the run knows (the API key), redacted from captured text wherever they appear. */
  secrets?: readonly string[];
}

type Attributes = Record<string, SpanAttributeValue>;

/** Long texts are cut: a span is a summary, not an archive (the SDK's own limit is the backstop). */
const MAX_CONTENT_CHARS = 8000;

const nowMs = (): number => performance.timeOrigin + performance.now();

/** Runs `step` and posts its span; `after` adds what only the result knows (usage, stop reason). */
async function timed<T>(tracer: RunTracer, name: string, kind: SpanRecord['kind'], attributes: Attributes, step: () => Promise<T>, after: (result: T) => Attributes): Promise<T> {
  const startMs = nowMs();
  try {
    const result = await step();
    const error = errorOf(result);
    tracer.span({ name, kind, startMs, endMs: nowMs(), attributes: { ...attributes, ...after(result), ...(error ? { 'error.type': error } : {}) }, error });
    return result;
  } catch (err) {
    const type = err instanceof PersonaError ? err.code : err instanceof Error ? err.name : 'Error';
    tracer.span({ name, kind, startMs, endMs: nowMs(), attributes: { ...attributes, 'error.type': type }, error: type });
    throw err;
  }
}

const errorOf = (result: unknown): string | null => (typeof result === 'object' && result !== null && (result as { isError?: unknown }).isError === true ? 'tool_error' : null);

/**
 * Who answers a turn, by the conventions' names. The demo model speaks the Messages API but is
 * not Anthropic: it is reported as `demo`, so a backend that prices by provider never bills it.
 */
export function providerOf(config: ModelConfig): string {
  if (config.kind === 'vscode-lm') return config.chatModel?.vendor ?? 'vscode-lm';
  return config.kind === 'demo' ? 'demo' : 'anthropic';
}

/** The model id a turn asks for (as turnModelFor picks it). */
export function requestModelOf(config: ModelConfig, personaModel: string | null): string {
  if (config.kind === 'vscode-lm') return config.chatModel ? `${config.chatModel.vendor}/${config.chatModel.id}` : config.model;
  return config.kind === 'anthropic' && personaModel ? personaModel : config.model;
}

/** What a turn returns that its span reads. Cache fields are optional: not every model reports them. */
interface TurnResult {
  content: (ChatTextBlock | ChatToolUseBlock)[];
  stopReason: string | null;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens?: number; cacheWriteTokens?: number };
}

/** One model turn as a `chat <model>` span. */
export function tracedTurn<T extends TurnResult>(tracer: RunTracer | null | undefined, config: ModelConfig, personaModel: string | null, request: { system: string; messages: ChatMessage[] }, turn: () => Promise<T>): Promise<T> {
  if (!tracer) return turn();
  const model = requestModelOf(config, personaModel);
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': providerOf(config),
    'gen_ai.request.model': model,
    'gen_ai.request.max_tokens': config.maxTokens,
  };
  if (tracer.captureContent) {
    attributes['gen_ai.system_instructions'] = content(tracer, request.system);
    attributes['gen_ai.input.messages'] = content(tracer, JSON.stringify(request.messages));
  }
  return timed(tracer, `chat ${model}`, 'client', attributes, turn, (result) => {
    const cacheRead = result.usage.cacheReadTokens ?? 0;
    const cacheWrite = result.usage.cacheWriteTokens ?? 0;
    const after: Attributes = {
      // The conventions count every input token, cached ones included; the Messages API's
      // input_tokens excludes them, so they are added back here.
      'gen_ai.usage.input_tokens': result.usage.inputTokens + cacheRead + cacheWrite,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      'gen_ai.usage.cache_read.input_tokens': cacheRead,
      'gen_ai.usage.cache_creation.input_tokens': cacheWrite,
      'gen_ai.response.finish_reasons': [result.stopReason ?? 'unknown'],
    };
    if (tracer.captureContent) after['gen_ai.output.messages'] = content(tracer, JSON.stringify([{ role: 'assistant', parts: result.content }]));
    return after;
  });
}

/** One tool call as an `execute_tool <tool>` span; a refused call (isError) is an error of type `tool_error`. */
export function tracedTool<T extends { content: string; isError?: boolean }>(tracer: RunTracer | null | undefined, use: ChatToolUseBlock, run: () => Promise<T>): Promise<T> {
  if (!tracer) return run();
  const attributes: Attributes = {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': use.name,
    'gen_ai.tool.call.id': use.id,
    'gen_ai.tool.type': 'function',
  };
  if (tracer.captureContent) attributes['gen_ai.tool.call.arguments'] = content(tracer, JSON.stringify(use.input ?? {}));
  return timed(tracer, `execute_tool ${use.name}`, 'internal', attributes, run, (result): Attributes => (tracer.captureContent ? { 'gen_ai.tool.call.result': content(tracer, result.content) } : {}));
}

function content(tracer: RunTracer, text: string): string {
  const cut = text.length > MAX_CONTENT_CHARS ? `${text.slice(0, MAX_CONTENT_CHARS)}…` : text;
  return redactSecrets(cut, tracer.secrets);
}
