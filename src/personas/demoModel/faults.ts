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
  /** Streams the start of a review, then destroys the connection: a proxy or network cut mid-answer. */
  | { kind: 'cut' }
  /** Draws one of MIX_WEIGHTS per request from a seeded generator (see mixedScript): a flaky model for the load bench. */
  | { kind: 'mix'; seed: number }
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
 * `cut` (streams a few words of the review, then destroys the connection),
 * `mix-<seed>` (each request draws a review or a fault at random, repeatably: see mixedScript),
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
    case 'cut':
      return { kind: 'cut' };
    case 'echo-key':
      return { kind: 'echo-key' };
  }
  const mix = /^mix-(\d+)$/.exec(name);
  if (mix) return { kind: 'mix', seed: Number(mix[1]) };
  const fault = /^(\d{3})(?:x(\d+))?$/.exec(name);
  const spec = fault ? ERRORS[fault[1]!] : undefined;
  if (fault && spec) {
    return { kind: 'error', ...spec, failTimes: fault[2] ? Number(fault[2]) : Number.POSITIVE_INFINITY };
  }
  return { kind: 'review' };
}

/**
 * What a `mix-<seed>` request draws, by weight: mostly reviews, then what a busy API does —
 * rate limits and overload (the SDK retries them after retry-after), a 500 (retried with
 * backoff), a stream cut mid-answer, and a hang (only a timeout ends it).
 */
export const MIX_WEIGHTS: readonly (readonly [name: string, weight: number])[] = [
  ['review', 40],
  ['429', 15],
  ['529', 15],
  ['500', 10],
  ['cut', 10],
  ['hang', 10],
];

/**
 * The script the `attempt`-th sending (0 = first) of a `mix-<seed>` request gets. The same seed
 * and attempt always draw the same script, so a load run repeats; a retry draws afresh, as a
 * flaky service answers a retry independently of the first try.
 */
export function mixedScript(seed: number, attempt: number): DemoScript {
  const total = MIX_WEIGHTS.reduce((n, [, w]) => n + w, 0);
  let pick = seededUnit((Math.imul(seed, 0x9e3779b1) ^ Math.imul(attempt + 1, 0x85ebca6b)) >>> 0) * total;
  for (const [name, weight] of MIX_WEIGHTS) {
    pick -= weight;
    if (pick < 0) return scriptFor(`[[demo:${name}]]`);
  }
  return { kind: 'review' };
}

/** One draw in [0, 1) of mulberry32 seeded with `seed`: small, fast and repeatable. */
function seededUnit(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
