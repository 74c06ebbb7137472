/**
 * Model access that only an editor can give (VS Code's Language Model API) enters the core
 * through this interface: `src/ui/lmBridge.ts` implements it on `vscode.lm`; a worker thread
 * reaches that implementation by message through the host (`src/personas/chatChannel.ts`).
 * Nothing here imports `vscode`: messages, tools and results keep the Messages API's shapes,
 * which the persona runner already speaks.
 */
import { PersonaError } from '../core/errors';

/** Picks a chat model: `vendor`, `vendor/family`, or nothing for the first one available. */
export interface ChatModelSelector {
  vendor?: string;
  family?: string;
}

/** A chat model the editor offers. `vendor` + `id` find it again for each turn. */
export interface ChatModelInfo {
  vendor: string;
  id: string;
  family: string;
  /** Human-readable, e.g. "GPT-4o"; the label on results is this plus " (VS Code)". */
  name: string;
}

export type ChatTextBlock = { type: 'text'; text: string };
export type ChatToolUseBlock = { type: 'tool_use'; id: string; name: string; input: unknown };
export type ChatToolResultBlock = { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };

/** One message of the conversation, as the Messages API shapes it. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string | (ChatTextBlock | ChatToolUseBlock | ChatToolResultBlock)[];
}

export interface ChatToolDefinition {
  name: string;
  description: string;
  input_schema: { type: 'object'; [key: string]: unknown };
}

export interface ChatTurnRequest {
  jobId: string;
  model: { vendor: string; id: string };
  system: string;
  messages: ChatMessage[];
  tools: ChatToolDefinition[];
  /** `none`: the tools stay described (earlier turns used them) but the model must answer now. */
  toolChoice: 'auto' | 'none';
  maxTokens: number;
}

/** What streams out of a turn, in order: text as it is written, each tool call when complete. */
export type ChatTurnEvent = { type: 'text'; text: string } | ({ type: 'tool_use' } & Omit<ChatToolUseBlock, 'type'>);

export interface ChatTurnResult {
  content: (ChatTextBlock | ChatToolUseBlock)[];
  stopReason: 'end_turn' | 'tool_use';
  /** The Language Model API reports no usage: characters / 4, an estimate. */
  usage: { inputTokens: number; outputTokens: number };
}

/**
 * A model the editor owns. `streamTurn` rejects with a PersonaError (code and hint) on failure,
 * and with code CANCELLED once `signal` aborts.
 */
export interface ChatModelBridge {
  /** The first model matching the selector, or undefined when the editor offers none. */
  selectModel(selector: ChatModelSelector): Promise<ChatModelInfo | undefined>;
  streamTurn(request: ChatTurnRequest, onEvent: (event: ChatTurnEvent) => void, signal: AbortSignal): Promise<ChatTurnResult>;
}

/** The part of a bridge a worker thread can reach (by message): a turn, not the model list. */
export type ChatTurnStreamer = Pick<ChatModelBridge, 'streamTurn'>;

/** Reads the `agentOsPersonas.model.vscodeLmSelector` form: `vendor`, `vendor/family`, or empty. */
export function parseChatModelSelector(text: string): ChatModelSelector {
  const [vendor, ...rest] = text.trim().split('/');
  const family = rest.join('/').trim();
  return { ...(vendor?.trim() ? { vendor: vendor.trim() } : {}), ...(family ? { family } : {}) };
}

export function describeSelector(selector: ChatModelSelector): string {
  if (!selector.vendor) return 'any chat model';
  return selector.family ? `${selector.vendor}/${selector.family}` : selector.vendor;
}

export const chatModelLabel = (model: Pick<ChatModelInfo, 'name'>): string => `${model.name} (VS Code)`;

const OTHER_PROVIDERS = 'or set "agentOsPersonas.model.provider" to "anthropic" or "demo"';

/** vscode-lm where no editor is there to serve it: the CLI, or a pool built without a bridge. */
export function noChatBridgeError(): PersonaError {
  return new PersonaError('MODEL_UNAVAILABLE', 'The "vscode-lm" provider needs VS Code\'s Language Model API, which is not available here.', 'vscode-lm works only inside VS Code; use anthropic or demo in the CLI (AGENT_OS_PROVIDER=anthropic|demo).');
}

export function noChatModelError(selector: ChatModelSelector): PersonaError {
  return new PersonaError('NO_CHAT_MODEL', `VS Code offers no chat model matching ${describeSelector(selector)}.`, `Install and sign in to a chat model provider (such as GitHub Copilot), check "agentOsPersonas.model.vscodeLmSelector", ${OTHER_PROVIDERS}.`);
}

export function chatPermissionError(model: string, detail: string): PersonaError {
  return new PersonaError('MODEL_NO_PERMISSION', `Agent OS Personas may not use the chat model ${model}: ${detail}`, `Allow Agent OS Personas to use the model when VS Code asks (run the job again), ${OTHER_PROVIDERS}.`);
}

export function chatBlockedError(model: string, detail: string): PersonaError {
  return new PersonaError('MODEL_BLOCKED', `The chat model ${model} refused the request: ${detail}`, `The provider blocked it (quota or policy): wait and retry, pick another model with "agentOsPersonas.model.vscodeLmSelector", ${OTHER_PROVIDERS}.`);
}

export function chatModelGoneError(model: string, detail: string): PersonaError {
  return new PersonaError('MODEL_NOT_FOUND', `The chat model ${model} is no longer available: ${detail}`, `Check that its provider extension is installed and signed in, then retry the job; ${OTHER_PROVIDERS}.`);
}
