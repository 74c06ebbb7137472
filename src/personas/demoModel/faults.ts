/**
 * Fault and pacing scripts for the demo model, chosen by a marker in the request's last
 * user message: `[[demo:<name>]]`. They let the tests (and a curious user) drive every
 * failure the real API can produce, through the same server that gives the demo reviews.
 */
export type DemoScript =
  | { kind: 'review'; chunkDelayMs?: number }
  | { kind: 'error'; status: number; errorType: string; message: string; retryAfterMs?: number; failTimes: number }
  | { kind: 'hang' }
  /** 401 whose body echoes the credentials the request carried, as a hostile or buggy endpoint would. */
  | { kind: 'echo-key' }
  | { kind: 'hang-mid-stream' }
  | { kind: 'tool-use' }
  /** Act as an agent (standards, files, reads, grep), then review what it read; `propose` also proposes a standard. */
  | { kind: 'agent'; propose: boolean }
  | { kind: 'not-template' }
  | { kind: 'flood' };

export const DEMO_MARKER = /\[\[demo:([a-z0-9-]+)\]\]/i;

const ERRORS: Record<string, { status: number; errorType: string; message: string; retryAfterMs?: number }> = {
  '400': { status: 400, errorType: 'invalid_request_error', message: 'messages.0.content: demo model was asked to reject this request' },
  '401': { status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' },
  '404': { status: 404, errorType: 'not_found_error', message: 'model: demo model does not know this model' },
  '413': { status: 400, errorType: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' },
  '429': { status: 429, errorType: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit', retryAfterMs: 20 },
  '500': { status: 500, errorType: 'api_error', message: 'Internal server error' },
  '529': { status: 529, errorType: 'overloaded_error', message: 'Overloaded', retryAfterMs: 20 },
};

/**
 * Names: `tools` (calls every read-only tool on the paths the task names in backticks, then
 * reviews what it read), `propose` (the same, plus a standard proposal), `slow` (paced for cancel tests), `crawl` (400 ms a chunk: a review of a minute or so), `hang`, `hang-mid-stream`, `tool-use`, `not-template`,
 * `flood` (streams text without end, ignoring max_tokens: a runaway answer),
 * `echo-key` (401 whose body quotes the request's `x-api-key` and `authorization` headers and the bare key),
 * `<status>` (always fails: 400, 401, 404, 413 = context too long, 429, 500, 529), and
 * `<status>x<N>` (fails N times with that status, then answers: e.g. `529x1`).
 */
export function scriptFor(text: string): DemoScript {
  const match = DEMO_MARKER.exec(text);
  if (!match) return { kind: 'review' };
  const name = match[1]!.toLowerCase();
  switch (name) {
    case 'slow':
      return { kind: 'review', chunkDelayMs: 60 };
    case 'crawl':
      return { kind: 'review', chunkDelayMs: 400 };
    case 'hang':
      return { kind: 'hang' };
    case 'hang-mid-stream':
      return { kind: 'hang-mid-stream' };
    case 'tool-use':
      return { kind: 'tool-use' };
    case 'tools':
      return { kind: 'agent', propose: false };
    case 'propose':
      return { kind: 'agent', propose: true };
    case 'not-template':
      return { kind: 'not-template' };
    case 'flood':
      return { kind: 'flood' };
    case 'echo-key':
      return { kind: 'echo-key' };
  }
  const fault = /^(\d{3})(?:x(\d+))?$/.exec(name);
  const spec = fault ? ERRORS[fault[1]!] : undefined;
  if (fault && spec) {
    return { kind: 'error', ...spec, failTimes: fault[2] ? Number(fault[2]) : Number.POSITIVE_INFINITY };
  }
  return { kind: 'review' };
}
