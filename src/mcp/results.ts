import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PersonaError } from '../core/errors';
import { redactSecrets } from '../core/redact';

/** A tool's answer: one text block of JSON an agent can read and a model can quote. */
export function ok(data: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data, null, 2) }] };
}

/**
 * A failure the calling model can act on: `isError` with the code, the message and the hint,
 * never a protocol error (those are for broken requests, not for "no such job"). The text goes
 * to another model, so whatever it quotes is redacted first.
 */
export function toolError(err: unknown): CallToolResult {
  const e = err instanceof PersonaError ? err : new PersonaError('INTERNAL', err instanceof Error ? err.message : String(err), 'Retry; if it keeps failing, the editor\'s "Agent OS Personas" output has details.');
  return { content: [{ type: 'text', text: JSON.stringify({ error: { code: e.code, message: redactSecrets(e.message), hint: redactSecrets(e.hint) } }, null, 2) }], isError: true };
}

/** Runs a tool body, turning any thrown error into an isError result. */
export async function guarded(body: () => Promise<CallToolResult> | CallToolResult): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    return toolError(err);
  }
}
