import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** What a store owner's tool refused with: our `{ error: { code, message, hint } }`. */
export interface ToolFailure {
  code: string;
  message: string;
  hint: string;
}

/**
 * A tool result from the store's owner (the CLI asking VS Code through its MCP endpoint): its
 * JSON answer, or the error it answered with. Only `isError` marks the call itself as refused:
 * a failed job's view carries `error` too, as data.
 */
export function ownerToolAnswer(result: CallToolResult): { answer: unknown } | { failure: ToolFailure } {
  const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A schema refusal from the SDK is plain text ("Input validation error: …").
    return { failure: { code: 'INVALID_INPUT', message: text, hint: 'Check the arguments (agent-os-personas help).' } };
  }
  if (result.isError) return { failure: (parsed as { error?: ToolFailure }).error ?? { code: 'INTERNAL', message: text, hint: '' } };
  return { answer: parsed };
}
