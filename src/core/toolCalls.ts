/**
 * What runs around every MCP `tools/call`: the metrics count and time it, tracing runs it
 * inside a span. The MCP server calls the hooks the services hold (PersonaServices.toolCallHooks)
 * in order, outermost first, so neither the tools nor the transports know who is listening.
 */

/** One `tools/call` as the hooks see it. */
export interface ToolCallInfo {
  /** The tool's name as the client sent it. */
  tool: string;
  /** W3C trace context the caller sent (the HTTP `traceparent` header, or `params._meta.traceparent`). */
  traceparent: string | null;
  tracestate: string | null;
}

/** Runs `run` (the call, and the hooks inside this one) and returns what it returns; it may observe, never change, the result. */
export type AroundHook<Info> = <T>(info: Info, run: () => Promise<T>) => Promise<T>;

export type ToolCallHook = AroundHook<ToolCallInfo>;

/** Runs `run` inside every hook, the first hook outermost. */
export function runAround<Info, T>(hooks: readonly AroundHook<Info>[], info: Info, run: () => Promise<T>): Promise<T> {
  return hooks.reduceRight<() => Promise<T>>((inner, hook) => () => hook(info, inner), run)();
}

/** How a call ended, read off its result: an `isError` result carries our `{ error: { code } }` JSON. */
export function toolCallOutcome(result: unknown): { isError: boolean; errorCode: string | null } {
  if (typeof result !== 'object' || result === null || (result as { isError?: unknown }).isError !== true) return { isError: false, errorCode: null };
  const content = (result as { content?: unknown }).content;
  const first = Array.isArray(content) ? (content[0] as { type?: unknown; text?: unknown } | undefined) : undefined;
  if (first?.type !== 'text' || typeof first.text !== 'string') return { isError: true, errorCode: null };
  try {
    const code = (JSON.parse(first.text) as { error?: { code?: unknown } }).error?.code;
    return { isError: true, errorCode: typeof code === 'string' ? code : null };
  } catch {
    return { isError: true, errorCode: null };
  }
}
