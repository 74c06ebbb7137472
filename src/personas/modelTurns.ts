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

export interface TurnOutcome {
  content: (ChatTextBlock | ChatToolUseBlock)[];
  /** `tool_use` when the model asks for tools; anything else ends the loop. */
  stopReason: string | null;
  usage: { inputTokens: number; outputTokens: number };
}

export interface TurnHandlers {
  /** A piece of answer text, in order. */
  onText(delta: string): void;
  /** Any sign of life from the model (keeps the idle watchdog quiet). */
  onActivity(): void;
}

export interface TurnModel {
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

function messagesApiTurns(config: ModelConfig, model: string): TurnModel {
  const client = new Anthropic({
    apiKey: config.apiKey,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    maxRetries: config.maxRetries,
    timeout: config.idleTimeoutMs,
  });
  return {
    async turn(request, on, signal) {
      const stream = client.messages.stream(
        {
          model,
          max_tokens: config.maxTokens,
          system: request.system,
          // Our message shapes are a subset of the SDK's params, so they pass as they are.
          messages: request.messages,
          ...(request.tools.length > 0 ? { tools: request.tools, tool_choice: { type: request.toolChoice } } : {}),
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
        usage: { inputTokens: final.usage.input_tokens, outputTokens: final.usage.output_tokens },
      };
    },
  };
}

function bridgeTurns(chat: ChatTurnStreamer, config: ModelConfig, chatModel: { vendor: string; id: string }, jobId: string): TurnModel {
  return {
    async turn(request, on, signal) {
      const result = await chat.streamTurn(
        { jobId, model: chatModel, system: request.system, messages: request.messages, tools: request.tools, toolChoice: request.toolChoice, maxTokens: config.maxTokens },
        (event) => {
          on.onActivity();
          if (event.type === 'text') on.onText(event.text);
        },
        signal,
      );
      return { content: result.content, stopReason: result.stopReason, usage: result.usage };
    },
  };
}
