import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import {
  chatBlockedError,
  chatModelGoneError,
  chatPermissionError,
  type ChatMessage,
  type ChatModelBridge,
  type ChatModelInfo,
  type ChatModelSelector,
  type ChatTextBlock,
  type ChatToolUseBlock,
  type ChatTurnEvent,
  type ChatTurnRequest,
  type ChatTurnResult,
} from '../personas/chatBridge';

/** Shown by VS Code when it asks the user to allow this extension to use a chat model. */
const JUSTIFICATION = 'Agent OS Personas sends the persona review you asked for (task, context and what its read-only tools found) to this model.';

/** Said on the last turn: the Language Model API has no "no tools" mode (only Auto and Required). */
const ANSWER_NOW = 'The tool budget for this review is spent: do not call tools again; write the review now from what you have.';

const cancelled = (cause?: unknown): PersonaError => new PersonaError('CANCELLED', 'The chat model request was cancelled.', 'Nothing to do.', { cause });

/**
 * The chat model bridge on VS Code's Language Model API (`vscode.lm`). The worker pool calls
 * it in the host when a vscode-lm job's worker asks for a turn (see src/personas/chatChannel.ts).
 */
export class LanguageModelBridge implements ChatModelBridge {
  async selectModel(selector: ChatModelSelector): Promise<ChatModelInfo | undefined> {
    const [model] = await vscode.lm.selectChatModels(selector);
    return model ? { vendor: model.vendor, id: model.id, family: model.family, name: model.name } : undefined;
  }

  async streamTurn(request: ChatTurnRequest, onEvent: (event: ChatTurnEvent) => void, signal: AbortSignal): Promise<ChatTurnResult> {
    const wanted = `${request.model.vendor}/${request.model.id}`;
    if (signal.aborted) throw cancelled();
    const [model] = await vscode.lm.selectChatModels({ vendor: request.model.vendor, id: request.model.id });
    if (!model) throw chatModelGoneError(wanted, 'VS Code no longer lists it.');
    const source = new vscode.CancellationTokenSource();
    const onAbort = (): void => source.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    const messages = chatMessages(request);
    const content: (ChatTextBlock | ChatToolUseBlock)[] = [];
    let written = 0;
    try {
      const response = await model.sendRequest(
        messages,
        {
          justification: JUSTIFICATION,
          ...(request.tools.length > 0
            ? { tools: request.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.input_schema })), toolMode: vscode.LanguageModelChatToolMode.Auto }
            : {}),
        },
        source.token,
      );
      for await (const part of response.stream) {
        if (signal.aborted) break;
        if (part instanceof vscode.LanguageModelTextPart) {
          const last = content.at(-1);
          if (last?.type === 'text') last.text += part.value;
          else content.push({ type: 'text', text: part.value });
          written += part.value.length;
          onEvent({ type: 'text', text: part.value });
        } else if (part instanceof vscode.LanguageModelToolCallPart) {
          const use: ChatToolUseBlock = { type: 'tool_use', id: part.callId, name: part.name, input: part.input };
          content.push(use);
          written += JSON.stringify(part.input).length;
          onEvent({ type: 'tool_use', id: use.id, name: use.name, input: use.input });
        }
      }
      if (signal.aborted) throw cancelled();
    } catch (err) {
      if (signal.aborted) throw err instanceof PersonaError && err.code === 'CANCELLED' ? err : cancelled(err);
      throw languageModelError(err, `${model.name} (${wanted})`);
    } finally {
      signal.removeEventListener('abort', onAbort);
      source.dispose();
    }
    return {
      content,
      stopReason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
      usage: { inputTokens: Math.ceil(JSON.stringify(request.messages).length / 4 + request.system.length / 4), outputTokens: Math.ceil(written / 4) },
    };
  }
}

/**
 * Our Messages-API-shaped conversation as VS Code chat messages. The Language Model API has no
 * system role, so the system prompt goes first in the first user message, as its own text part.
 */
function chatMessages(request: ChatTurnRequest): vscode.LanguageModelChatMessage[] {
  const out = request.messages.map((message, i) => {
    const blocks = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
    if (message.role === 'assistant') {
      return vscode.LanguageModelChatMessage.Assistant(blocks.flatMap((b): (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] => {
        if (b.type === 'text') return [new vscode.LanguageModelTextPart(b.text)];
        if (b.type === 'tool_use') return [new vscode.LanguageModelToolCallPart(b.id, b.name, toolInput(b.input))];
        return [];
      }));
    }
    const parts = userParts(blocks);
    if (i === 0) parts.unshift(new vscode.LanguageModelTextPart(request.system));
    return vscode.LanguageModelChatMessage.User(parts);
  });
  const last = out.at(-1);
  if (request.toolChoice === 'none' && request.tools.length > 0 && last?.role === vscode.LanguageModelChatMessageRole.User) {
    last.content = [...last.content, new vscode.LanguageModelTextPart(ANSWER_NOW)];
  }
  return out;
}

function userParts(blocks: Exclude<ChatMessage['content'], string>): (vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart)[] {
  return blocks.flatMap((b): (vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart)[] => {
    if (b.type === 'text') return [new vscode.LanguageModelTextPart(b.text)];
    // Tool results carry no error flag in this API; the text says so.
    if (b.type === 'tool_result') return [new vscode.LanguageModelToolResultPart(b.tool_use_id, [new vscode.LanguageModelTextPart(b.is_error ? `Error: ${b.content}` : b.content)])];
    return [];
  });
}

function toolInput(input: unknown): object {
  return typeof input === 'object' && input !== null ? input : {};
}

/** VS Code's failures as our codes, each with what to do. */
function languageModelError(err: unknown, model: string): PersonaError {
  if (err instanceof PersonaError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  if (err instanceof vscode.LanguageModelError) {
    switch (err.code) {
      case vscode.LanguageModelError.NoPermissions.name:
        return chatPermissionError(model, detail);
      case vscode.LanguageModelError.Blocked.name:
        return chatBlockedError(model, detail);
      case vscode.LanguageModelError.NotFound.name:
        return chatModelGoneError(model, detail);
    }
  }
  if (err instanceof vscode.CancellationError) return cancelled(err);
  return new PersonaError('MODEL_ERROR', `The chat model ${model} failed: ${detail}`, 'Retry the job; if it persists, check the model provider\'s extension, or set "agentOsPersonas.model.provider" to "anthropic" or "demo".', { cause: err });
}
