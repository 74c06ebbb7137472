/**
 * The Messages API's prompt cache as the demo model plays it, so the cache fields of usage
 * reach the runner, the job rows and the metrics the same way as from the real service.
 *
 * The API reads a request as one sequence, tools → system → messages, and caches the prefix up
 * to and including a block marked `cache_control`. Here only the LAST marked block counts (the
 * real API also tries shorter prefixes ending at earlier breakpoints, and caches nothing below
 * a minimum length, about 1024 tokens: neither matters for what the tests check). The prefix
 * is hashed with the model id; the first request with it writes it (cache_creation_input_tokens
 * = its token estimate), a request within its lifetime reads it (cache_read_input_tokens) and
 * renews the lifetime; input_tokens is the rest of the request. No marker: both 0.
 */
import { createHash } from 'node:crypto';

/** The Messages API's default cache lifetime, and the longer one a marker may ask for (`ttl: '1h'`). */
export const CACHE_TTL_MS = 5 * 60_000;
export const LONG_CACHE_TTL_MS = 60 * 60_000;
/** Bounds the demo server's memory however many distinct prompts it sees. */
const MAX_ENTRIES = 1000;

/** A request's usage, in the Messages API's field names (what message_start and the JSON answer carry). */
export interface DemoUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** The parts of a Messages API body the cache reads. */
export interface CacheableBody {
  model?: string;
  tools?: unknown[];
  system?: string | unknown[];
  messages?: { role: string; content: string | unknown[] }[];
}

/** The demo's token estimate: a token is about four characters of the request's JSON. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export class DemoPromptCache {
  /** Prefix hash → when its entry expires (ms). */
  private readonly entries = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Splits `totalInputTokens` (the whole request's estimate) into uncached, read and written parts, and updates the cache. */
  account(body: CacheableBody, totalInputTokens: number): Omit<DemoUsage, 'output_tokens'> {
    const blocks = sequence(body);
    const last = blocks.findLastIndex((b) => b.control !== undefined);
    if (last < 0) return { input_tokens: totalInputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    // The marker itself is not content: moving or adding a breakpoint does not change what is cached.
    const prefix = JSON.stringify(blocks.slice(0, last + 1).map((b) => b.content), (key, value: unknown) => (key === 'cache_control' ? undefined : value));
    const tokens = Math.min(totalInputTokens, estimateTokens(prefix));
    const key = createHash('sha256').update(`${body.model ?? ''}\n${prefix}`).digest('hex');
    const now = this.now();
    this.prune(now);
    const hit = (this.entries.get(key) ?? 0) > now;
    // A hit renews the entry's lifetime, as the API does; re-inserting keeps the Map in use order.
    this.entries.delete(key);
    this.entries.set(key, now + (blocks[last]?.control?.ttl === '1h' ? LONG_CACHE_TTL_MS : CACHE_TTL_MS));
    return {
      input_tokens: totalInputTokens - tokens,
      cache_creation_input_tokens: hit ? 0 : tokens,
      cache_read_input_tokens: hit ? tokens : 0,
    };
  }

  private prune(now: number): void {
    for (const [key, expires] of this.entries) {
      if (expires <= now) this.entries.delete(key);
    }
    // The least recently used go first once the bound is reached.
    for (const key of this.entries.keys()) {
      if (this.entries.size < MAX_ENTRIES) break;
      this.entries.delete(key);
    }
  }
}

interface CacheControl {
  type?: unknown;
  ttl?: unknown;
}

/** One block of the request in the API's cache order: what is hashed, and its marker if any. */
interface Block {
  content: unknown;
  control: CacheControl | undefined;
}

/** Every block of the request in the API's cache order: each tool, each system block, each message's blocks (with the message's role). */
function sequence(body: CacheableBody): Block[] {
  const block = (content: unknown, role?: string): Block => ({ content: role === undefined ? content : { role, content }, control: controlOf(content) });
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : (body.system ?? []);
  const messages = (body.messages ?? []).flatMap((m) => (typeof m.content === 'string' ? [block({ type: 'text', text: m.content }, m.role)] : m.content.map((c) => block(c, m.role))));
  return [...(body.tools ?? []).map((t) => block(t)), ...system.map((b) => block(b)), ...messages];
}

function controlOf(block: unknown): CacheControl | undefined {
  if (typeof block !== 'object' || block === null) return undefined;
  const control = (block as { cache_control?: unknown }).cache_control;
  return typeof control === 'object' && control !== null ? control : undefined;
}
