import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TypedEmitter } from '../../core/typedEmitter';
import type { Disposable } from '../../core/disposable';
import { mixedScript, scriptFor, type DemoScript } from './faults';
import { writeReview } from './reviews';
import { nextAgentTurn, wantsAgent, type Conversation, type ConversationPart } from './agent';
import { nextWorkflowTurn, wantsWorkflow } from './workflowAgent';
import { DemoPromptCache, estimateTokens, type DemoUsage } from './promptCache';

/** The label every surface shows for answers from this server. */
export const DEMO_MODEL_LABEL = 'demo model';
export const DEMO_MODEL_ID = 'demo-model';

export interface DemoRequestEvent {
  requestId: number;
  script: DemoScript['kind'];
  /** The HTTP status of an `error` script's answer. */
  status?: number;
  persona: string;
  stream: boolean;
  /** The request body as received: tests check what left the worker (tool results, never secrets). */
  body: string;
}

export interface DemoClosedEvent {
  requestId: number;
  /** True when the client went away before the response was finished. */
  aborted: boolean;
  at: number;
}

export interface DemoModelEvents extends Record<string, unknown> {
  request: DemoRequestEvent;
  closed: DemoClosedEvent;
}

export interface DemoModelOptions {
  /** Pause between streamed text chunks; the demo feels like a model, tests stay quick. */
  chunkDelayMs?: number;
  port?: number;
  /** The prompt cache's clock (ms); tests move it to expire entries. */
  now?: () => number;
}

interface MessagesBody {
  model?: string;
  max_tokens?: number;
  stream?: boolean;
  system?: string | { type: string; text?: string }[];
  messages?: { role: string; content: string | ConversationPart[] }[];
  tools?: { name: string }[];
  tool_choice?: { type: string };
}

/**
 * A loopback server that speaks the Anthropic Messages API (POST /v1/messages, JSON or SSE),
 * answering with scripted reviews. The launch command uses it when no API key is set; the
 * tests use it, with fault scripts (see faults.ts), in place of the real service.
 */
export class DemoModelServer implements Disposable {
  readonly events = new TypedEmitter<DemoModelEvents>();
  private readonly failures = new Map<string, number>();
  /** Sendings seen per `mix-<seed>` request body, so a retry draws its own script. */
  private readonly mixAttempts = new Map<string, number>();
  private readonly openResponses = new Set<ServerResponse>();
  private readonly cache: DemoPromptCache;
  private nextRequestId = 1;
  private stopped = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly chunkDelayMs: number,
    now: () => number,
  ) {
    this.cache = new DemoPromptCache(now);
  }

  static async start(options: DemoModelOptions = {}): Promise<DemoModelServer> {
    // The handler needs the instance, and the instance needs the listening server's port.
    const holder: { instance?: DemoModelServer } = {};
    const server = createServer((req, res) => {
      void holder.instance?.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    holder.instance = new DemoModelServer(server, port, options.chunkDelayMs ?? 12, options.now ?? Date.now);
    return holder.instance;
  }

  /** Base URL for the Anthropic SDK's `baseURL`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async dispose(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const res of this.openResponses) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.events.removeAll();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
      sendError(res, 404, 'not_found_error', `The demo model serves POST /v1/messages only, not ${req.method} ${req.url}.`);
      return;
    }
    let body: MessagesBody;
    let raw: string;
    try {
      raw = await readBody(req);
      body = JSON.parse(raw) as MessagesBody;
    } catch {
      sendError(res, 400, 'invalid_request_error', 'Request body is not valid JSON.');
      return;
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      sendError(res, 400, 'invalid_request_error', 'messages: at least one message is required');
      return;
    }
    const requestId = this.nextRequestId++;
    const userText = taskText(body);
    const persona = personaOf(body);
    const marked = scriptFor(userText);
    const script = marked.kind === 'mix' ? mixedScript(marked.seed, this.mixAttempt(raw)) : marked;
    this.events.emit('request', { requestId, script: script.kind, ...(script.kind === 'error' ? { status: script.status } : {}), persona, stream: body.stream === true, body: raw });
    this.track(requestId, res);

    if (script.kind === 'error') {
      const key = createHash('sha256').update(raw).digest('hex');
      const seen = this.failures.get(key) ?? 0;
      if (seen < script.failTimes) {
        this.failures.set(key, seen + 1);
        const headers: Record<string, string> = {};
        if (script.retryAfterMs !== undefined) {
          headers['retry-after-ms'] = String(script.retryAfterMs);
          headers['retry-after'] = String(Math.ceil(script.retryAfterMs / 1000));
        }
        sendError(res, script.status, script.errorType, script.message, headers);
        return;
      }
    }
    if (script.kind === 'echo-key') {
      echoCredentials(req, res);
      return;
    }
    if (script.kind === 'hang') {
      return; // Never answers; the client's timeout or abort ends it.
    }
    if (script.kind === 'flood') {
      await this.flood(res, body);
      return;
    }
    const blocks = this.answerFor(script, body, persona, userText);
    // Only a request that is answered reads or writes the cache, as with the API.
    const input = this.cache.account(body, estimateTokens(raw));
    if (body.stream) {
      const end = script.kind === 'hang-mid-stream' ? 'hang' : script.kind === 'cut' ? 'cut' : 'whole';
      await this.stream(res, body, blocks, input, end, script.kind === 'review' ? script.chunkDelayMs : undefined);
    } else {
      const outputTokens = blocks.reduce((n, b) => n + estimateTokens(JSON.stringify(b)), 0);
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_demo_${requestId}` });
      res.end(JSON.stringify(message(body, blocks, { ...input, output_tokens: outputTokens }, stopReason(blocks))));
    }
  }

  private answerFor(script: DemoScript, body: MessagesBody, persona: string, userText: string): ContentBlock[] {
    const conversation: Conversation = { messages: body.messages ?? [], tools: (body.tools ?? []).map((t) => t.name), mustAnswer: body.tool_choice?.type === 'none' };
    // Offered the workflow tools, it is the workflow executor; otherwise a reviewer.
    if ((script.kind === 'agent' || script.kind === 'review') && wantsWorkflow(conversation)) {
      return nextWorkflowTurn(conversation, userText);
    }
    if ((script.kind === 'agent' || script.kind === 'review') && wantsAgent(conversation, userText, script.kind === 'agent')) {
      return nextAgentTurn(conversation, persona, userText, script.kind === 'agent' && script.propose);
    }
    if (script.kind === 'tool-use' && body.tools && body.tools.length > 0 && !hasToolResult(body)) {
      const tool = body.tools[0]!;
      return [
        { type: 'text', text: `I will use ${tool.name} first.` },
        { type: 'tool_use', id: `toolu_demo_${randomBytes(6).toString('hex')}`, name: tool.name, input: { query: 'demo' } },
      ];
    }
    if (script.kind === 'not-template') {
      return [{ type: 'text', text: 'Looks fine to me. (The demo model answered without the review template.)' }];
    }
    return [{ type: 'text', text: writeReview({ persona, userText }) }];
  }

  /** Sends `blocks` as SSE; `end` 'hang' stops after message_start and keeps the connection open, 'cut' destroys it after a few deltas. */
  private async stream(res: ServerResponse, body: MessagesBody, blocks: ContentBlock[], input: Omit<DemoUsage, 'output_tokens'>, end: 'whole' | 'hang' | 'cut', chunkDelayOverride?: number): Promise<void> {
    const delay = chunkDelayOverride ?? this.chunkDelayMs;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (event: string, data: unknown): void => {
      if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // As the API does, message_start carries the input side of usage (cache fields included); message_delta the output count.
    send('message_start', { type: 'message_start', message: message(body, [], { ...input, output_tokens: 1 }, null) });
    send('ping', { type: 'ping' });
    if (end === 'hang') return;
    let outputTokens = 0;
    let sent = 0;
    for (const [index, block] of blocks.entries()) {
      if (block.type === 'text') {
        send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        for (const chunk of chunks(block.text)) {
          if (res.destroyed) return;
          if (end === 'cut' && sent++ === 3) {
            res.destroy();
            return;
          }
          send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: chunk } });
          outputTokens += estimateTokens(chunk);
          if (delay > 0) await pause(delay);
        }
      } else {
        send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        const json = JSON.stringify(block.input);
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(0, 5) } });
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(5) } });
        outputTokens += estimateTokens(json);
      }
      send('content_block_stop', { type: 'content_block_stop', index });
    }
    send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason(blocks), stop_sequence: null }, usage: { output_tokens: outputTokens } });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }

  /** A runaway answer: 256 KB text deltas as fast as the client takes them, until it goes away. */
  private async flood(res: ServerResponse, body: MessagesBody): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: message(body, [], { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 }, null) })}\n\n`);
    res.write(`event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`);
    const delta = `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'flood '.repeat(43_690) } })}\n\n`;
    while (!res.destroyed) {
      if (!res.write(delta)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done).off('close', done);
            resolve();
          };
          res.on('drain', done).on('close', done);
        });
      }
    }
  }

  /** Which sending of this `mix-<seed>` body this is (0 = first); the oldest bodies are forgotten past 10,000. */
  private mixAttempt(raw: string): number {
    const key = createHash('sha256').update(raw).digest('hex');
    const seen = this.mixAttempts.get(key) ?? 0;
    this.mixAttempts.delete(key);
    this.mixAttempts.set(key, seen + 1);
    if (this.mixAttempts.size > 10_000) this.mixAttempts.delete(this.mixAttempts.keys().next().value!);
    return seen;
  }

  private track(requestId: number, res: ServerResponse): void {
    this.openResponses.add(res);
    let finished = false;
    res.on('finish', () => {
      finished = true;
    });
    res.on('close', () => {
      this.openResponses.delete(res);
      this.events.emit('closed', { requestId, aborted: !finished, at: performance.now() });
    });
  }
}

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function message(body: MessagesBody, content: ContentBlock[], usage: DemoUsage, stop: string | null): unknown {
  return {
    id: `msg_demo_${randomBytes(8).toString('hex')}`,
    type: 'message',
    role: 'assistant',
    model: body.model ?? DEMO_MODEL_ID,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage,
  };
}

function stopReason(blocks: ContentBlock[]): string {
  return blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
}

function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ type: 'error', error: { type, message }, ...extra }));
}

/**
 * A 401 that quotes what the request authenticated with, verbatim: the bare key in the message,
 * and the headers both in the message and as a field of the body. The client must never store
 * or show any of it.
 */
function echoCredentials(req: IncomingMessage, res: ServerResponse): void {
  const sent = { 'x-api-key': req.headers['x-api-key'] ?? null, authorization: req.headers.authorization ?? null };
  const key = typeof sent['x-api-key'] === 'string' ? sent['x-api-key'] : (sent.authorization ?? '').replace(/^Bearer\s+/i, '');
  sendError(res, 401, 'authentication_error', `The key ${key} is not valid here. Request headers: ${JSON.stringify(sent)}`, {}, { request_headers: sent });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function textOf(content: string | ConversationPart[]): string {
  return typeof content === 'string' ? content : content.map((c) => (c.type === 'text' ? (c.text ?? '') : '')).join('\n');
}

function taskText(body: MessagesBody): string {
  const users = (body.messages ?? []).filter((m) => m.role === 'user');
  // The first user turn carries the task and context; later ones are tool results.
  const first = users[0]?.content;
  if (first === undefined) return '';
  return textOf(inlineSystem(body) !== undefined && typeof first !== 'string' ? first.slice(1) : first);
}

/**
 * The system prompt of a client that has no system role (VS Code's Language Model API): the
 * first text block of the first user message, when it starts with the runner's `Persona:` line
 * and more follows it.
 */
function inlineSystem(body: MessagesBody): string | undefined {
  const first = body.messages?.[0];
  if (body.system !== undefined || first?.role !== 'user' || typeof first.content === 'string' || first.content.length < 2) return undefined;
  const head = first.content[0];
  return head?.type === 'text' && /^Persona: [\w-]+/.test(head.text ?? '') ? head.text : undefined;
}

function hasToolResult(body: MessagesBody): boolean {
  return (body.messages ?? []).some((m) => Array.isArray(m.content) && m.content.some((c) => c.type === 'tool_result'));
}

/** The persona runner puts `Persona: <id>` on the system prompt's first line. */
function personaOf(body: MessagesBody): string {
  const system = typeof body.system === 'string' ? body.system : body.system ? body.system.map((s) => s.text ?? '').join('\n') : (inlineSystem(body) ?? '');
  return /^Persona: ([\w-]+)/m.exec(system)?.[1] ?? 'engineer';
}

function* chunks(text: string): Generator<string> {
  // Roughly a few words per delta, like a real stream.
  const parts = text.match(/\S+\s*|\s+/g) ?? [text];
  for (let i = 0; i < parts.length; i += 4) yield parts.slice(i, i + 4).join('');
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
