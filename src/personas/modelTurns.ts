/**
 * One model turn of the agent loop, whichever model answers it: the Messages API through the
 * Anthropic SDK (Anthropic, or the demo model on loopback), or a chat model of the editor
 * through a ChatModelBridge. The loop in personaRunner.ts is the same for both.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { ChatMessage, ChatTextBlock, ChatToolDefinition, ChatToolUseBlock, ChatTurnStreamer } from './chatBridge';
import { noChatBridgeError } from './chatBridge';
import type { ModelConfig } from './modelConfig';

export interface TurnRequest {
  system: string;
  messages: ChatMessage[];
  tools: ChatToolDefinition[];
  toolChoice: 'auto' | 'none';
}

/**
 * One turn's token counts, as the Messages API bills them: `inputTokens` is only the part of the
 * prompt that was neither read from nor written to the prompt cache, so the whole prompt is
 * inputTokens + cacheReadTokens + cacheWriteTokens. Models without a cache report 0 for both.
 */
export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface TurnOutcome {
  content: (ChatTextBlock | ChatToolUseBlock)[];
  /** `tool_use` when the model asks for tools; anything else ends the loop. */
  stopReason: string | null;
  usage: TurnUsage;
}

export interface TurnHandlers {
  /** A piece of answer text, in order. */
  onText(delta: string): void;
  /** Any sign of life from the model (keeps the idle watchdog quiet). */
  onActivity(): void;
}

export interface TurnModel {
  /** The model id requested (e.g. `claude-sonnet-4-5`, `demo-model`, `vscode-lm:copilot/gpt-4o`): what its tokens are priced by. */
  readonly modelId: string;
  turn(request: TurnRequest, on: TurnHandlers, signal: AbortSignal): Promise<TurnOutcome>;
}

/** The model for one job: the persona's own Anthropic model when it names one, else the configured one. */
export function turnModelFor(config: ModelConfig, personaModel: string | null, jobId: string, chat: ChatTurnStreamer | undefined): TurnModel {
  if (config.kind === 'vscode-lm') {
    if (!chat || !config.chatModel) throw noChatBridgeError();
    return bridgeTurns(chat, config, config.chatModel, jobId);
  }
  return messagesApiTurns(config, config.kind === 'anthropic' && personaModel ? personaModel : config.model);
}

/** What the Messages API reads as a cache breakpoint; the default lifetime (5 minutes) suits reviews asked in a row. */
const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * The API caches a prompt's prefix in the order tools → system → messages, up to a block marked
 * `cache_control`. A persona's tools and system prompt are the same on every turn and every
 * review it does, so both are marked: the system block ends the longer prefix (tools + system),
 * the last tool a shorter one. The conversation after them differs per review and is not marked.
 * A prefix shorter than the model's caching minimum (1024 to 4096 tokens) is not cached: the
 * usage then reports no cache tokens and nothing is billed extra.
 */
function cacheableSystem(system: string): Anthropic.Messages.TextBlockParam[] {
  return [{ type: 'text', text: system, cache_control: EPHEMERAL }];
}

function cacheableTools(tools: ChatToolDefinition[]): Anthropic.Messages.Tool[] {
  return tools.map((tool, i) => (i === tools.length - 1 ? { ...tool, cache_control: EPHEMERAL } : tool));
}

/** A Messages API usage block as ours; the cache fields are null or absent when the request used no cache. */
function turnUsage(usage: Anthropic.Messages.Usage): TurnUsage {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

function messagesApiTurns(config: ModelConfig, model: string): TurnModel {
  const client = new Anthropic({
    apiKey: config.apiKey,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    maxRetries: config.maxRetries,
    timeout: config.idleTimeoutMs,
  });
  return {
    modelId: model,
    async turn(request, on, signal) {
      const stream = client.messages.stream(
        {
          model,
          max_tokens: config.maxTokens,
          system: cacheableSystem(request.system),
          // Our message shapes are a subset of the SDK's params, so they pass as they are.
          messages: request.messages,
          ...(request.tools.length > 0 ? { tools: cacheableTools(request.tools), tool_choice: { type: request.toolChoice } } : {}),
        },
        { signal },
      );
      stream.on('streamEvent', () => on.onActivity());
      stream.on('text', (delta) => on.onText(delta));
      const final = await stream.finalMessage();
      return {
        content: final.content.flatMap((b): (ChatTextBlock | ChatToolUseBlock)[] => {
          if (b.type === 'text') return [{ type: 'text', text: b.text }];
          if (b.type === 'tool_use') return [{ type: 'tool_use', id: b.id, name: b.name, input: b.input }];
          return [];
        }),
        stopReason: final.stop_reason,
        usage: turnUsage(final.usage),
      };
    },
  };
}

/** How metrics and prices name an editor chat model: its vendor and id, never priced. */
const vscodeLmModelId = (chatModel: { vendor: string; id: string }): string => `vscode-lm:${chatModel.vendor}/${chatModel.id}`;

function bridgeTurns(chat: ChatTurnStreamer, config: ModelConfig, chatModel: { vendor: string; id: string }, jobId: string): TurnModel {
  return {
    modelId: vscodeLmModelId(chatModel),
    async turn(request, on, signal) {
      const result = await chat.streamTurn(
        { jobId, model: chatModel, system: request.system, messages: request.messages, tools: request.tools, toolChoice: request.toolChoice, maxTokens: config.maxTokens },
        (event) => {
          on.onActivity();
          if (event.type === 'text') on.onText(event.text);
        },
        signal,
      );
      // The Language Model API has no prompt cache to report; whatever else the usage object
      // carries (it crossed a thread by message) is not taken as cache counts.
      const usage = { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 };
      return { content: result.content, stopReason: result.stopReason, usage };
    },
  };
}
