import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { PersonaServices } from '../../src/services';
import { startMcpHttp, type McpHttpEndpoint, type McpHttpOptions } from '../../src/mcp/httpServer';
import { waitFor } from '../harness/waitFor';
import { useTempDir } from './tempDir';
import { startDemoServices } from './demoServices';

const PROTOCOL = '2025-06-18';
const IDLE_MS = 60_000;

/** What a raw JSON-RPC POST got back: the status, the headers, and the text (JSON or an SSE stream's events). */
interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** A JSON-RPC error body, as the endpoint refuses with. */
function errorOf(reply: Reply): { message: string; id: unknown } {
  const parsed = JSON.parse(reply.text) as { error: { message: string }; id: unknown };
  return { message: parsed.error.message, id: parsed.id };
}

/** The first JSON-RPC message of an SSE reply (the SDK answers POSTs as an event stream). */
function firstEvent(reply: Reply): { result?: { content?: { text: string }[] }; error?: unknown } {
  const data = reply.text.split('\n').find((line) => line.startsWith('data: '));
  assert.ok(data, `an SSE data line in: ${reply.text}`);
  return JSON.parse(data.slice('data: '.length)) as { result?: { content?: { text: string }[] } };
}

/** Raw HTTP with the bearer token: what a script (or a leaky client) would send. */
class RawClient {
  private nextId = 1;
  constructor(private readonly endpoint: McpHttpEndpoint) {}

  headers(sessionId?: string): Record<string, string> {
    return {
      authorization: `Bearer ${this.endpoint.token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(sessionId ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL } : {}),
    };
  }

  async post(message: Record<string, unknown>, sessionId?: string, signal?: AbortSignal): Promise<Response> {
    return fetch(this.endpoint.url, { method: 'POST', headers: this.headers(sessionId), body: JSON.stringify({ jsonrpc: '2.0', ...message }), signal });
  }

  async reply(message: Record<string, unknown>, sessionId?: string): Promise<Reply> {
    const res = await this.post(message, sessionId);
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** Initializes a session and says initialized, as a client does; the reply carries the session id. */
  async initialize(): Promise<Reply & { sessionId: string | null }> {
    const reply = await this.reply({ id: this.nextId++, method: 'initialize', params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    const sessionId = reply.headers.get('mcp-session-id');
    if (reply.status === 200 && sessionId) {
      const initialized = await this.reply({ method: 'notifications/initialized' }, sessionId);
      assert.equal(initialized.status, 202, initialized.text);
    }
    return { ...reply, sessionId };
  }

  async session(): Promise<string> {
    const reply = await this.initialize();
    assert.equal(reply.status, 200, reply.text);
    assert.ok(reply.sessionId);
    return reply.sessionId;
  }

  listTools(sessionId: string): Promise<Reply> {
    return this.reply({ id: this.nextId++, method: 'tools/list', params: {} }, sessionId);
  }

  callTool(sessionId: string, name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
    return this.post({ id: this.nextId++, method: 'tools/call', params: { name, arguments: args } }, sessionId, signal);
  }

  /** Opens the session's GET event stream; resolves once the server has answered its headers. */
  openEventStream(sessionId: string, signal: AbortSignal): Promise<Response> {
    const headers = { authorization: `Bearer ${this.endpoint.token}`, accept: 'text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL };
    return fetch(this.endpoint.url, { method: 'GET', headers, signal });
  }
}

describe('the MCP HTTP server bounds its sessions', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  let endpoint: McpHttpEndpoint | undefined;
  const clients: Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await endpoint?.close();
    endpoint = undefined;
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  /** The clock idle time is measured on: it moves only when a test moves it. */
  let clock = 1_000_000;
  const start = async (options: McpHttpOptions = {}): Promise<{ endpoint: McpHttpEndpoint; raw: RawClient }> => {
    services = await startDemoServices(tmp.path);
    endpoint = await startMcpHttp(services, { sessionIdleMs: IDLE_MS, now: () => clock, ...options });
    return { endpoint, raw: new RawClient(endpoint) };
  };
  const sdkClient = async (ep: McpHttpEndpoint): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> => {
    const transport = new StreamableHTTPClientTransport(new URL(ep.url), { requestInit: { headers: { Authorization: `Bearer ${ep.token}` } } });
    const client = new Client({ name: 'limits-test', version: '1' });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  };

  it('refuses an initialize over maxSessions with 503, Retry-After and what to do; the open sessions keep working', async () => {
    const { endpoint: ep, raw } = await start({ maxSessions: 3 });
    const open = [await sdkClient(ep), await sdkClient(ep), await sdkClient(ep)];
    assert.equal(ep.sessions(), 3);

    const refused = await raw.initialize();
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.sessionId, null);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After is whole seconds: ${refused.headers.get('retry-after')}`);
    const error = errorOf(refused);
    assert.match(error.message, /at most 3 /);
    assert.match(error.message, /Close MCP clients you are not using/);
    assert.match(error.message, new RegExp(`retry in ${retryAfter} s`));
    assert.equal(error.id, 1, 'the refusal answers the initialize by its id');
    await assert.rejects(sdkClient(ep), /503|Too many MCP sessions/, 'the SDK client is refused too');

    for (const { client } of open) assert.ok((await client.listTools()).tools.length > 0);
    assert.equal(ep.sessions(), 3);

    // A client that ends its session gives its slot back at once.
    await open[0]!.transport.terminateSession();
    await waitFor(() => ep.sessions() === 2, { timeoutMs: 10_000, message: 'the ended session left the table' });
    assert.equal((await raw.initialize()).status, 200);
  });

  it('closes sessions idle for sessionIdleMs: their ids then get 404 and a new initialize succeeds', async () => {
    const { endpoint: ep, raw } = await start();
    const ids = [await raw.session(), await raw.session()];
    for (const id of ids) assert.equal((await raw.listTools(id)).status, 200);
    await waitFor(() => ep.openRequests() === 0, { timeoutMs: 10_000, message: 'every response closed' });

    clock += IDLE_MS - 1;
    assert.equal(ep.sweep(), 0, 'not idle long enough yet');
    assert.equal((await raw.listTools(ids[1]!)).status, 200, 'a request makes a session fresh again');
    await waitFor(() => ep.openRequests() === 0, { timeoutMs: 10_000, message: 'every response closed' });
    clock += 1;
    assert.equal(ep.sweep(), 1, 'only the session unused for the whole idle time');
    assert.equal(ep.sessions(), 1);
    clock += IDLE_MS;
    assert.equal(ep.sweep(), 1);
    assert.equal(ep.sessions(), 0);

    for (const id of ids) {
      const gone = await raw.listTools(id);
      assert.equal(gone.status, 404);
      assert.match(errorOf(gone).message, /Unknown or expired MCP session; initialize a new one\./);
    }
    const fresh = await raw.session();
    assert.equal((await raw.listTools(fresh)).status, 200);
  });

  it('frees a cap taken only by idle sessions on the next initialize, without waiting for the timer', async () => {
    const { endpoint: ep, raw } = await start({ maxSessions: 2 });
    const idle = [await raw.session(), await raw.session()];
    assert.equal((await raw.initialize()).status, 503, 'full while the sessions are fresh');
    await waitFor(() => ep.openRequests() === 0, { timeoutMs: 10_000, message: 'every response closed' });

    clock += IDLE_MS;
    const admitted = await raw.initialize();
    assert.equal(admitted.status, 200, admitted.text);
    assert.equal(ep.sessions(), 1);
    for (const id of idle) assert.equal((await raw.listTools(id)).status, 404);
  });

  it('never expires a session with a request open: a GET event stream, a tool call waiting on a job, a connected SDK client', async () => {
    const { endpoint: ep, raw } = await start();
    const streaming = await raw.session();
    const waiting = await raw.session();
    const idle = await raw.session();
    const { client } = await sdkClient(ep);

    const stream = new AbortController();
    const events = await raw.openEventStream(streaming, stream.signal);
    assert.equal(events.status, 200);
    assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);

    const invoked = firstEvent(await toReply(await raw.callTool(waiting, 'invoke_security', { task: 'Check [[demo:hang]]', context: 'File: a.ts (file, lines 1-1)\n1| const a = 1;' })));
    const jobId = (JSON.parse(invoked.result!.content![0]!.text) as { job_id: string }).job_id;
    const wait = await raw.callTool(waiting, 'check_persona_job', { job_id: jobId, wait_seconds: 50 });
    assert.equal(wait.status, 200);

    // Three requests open for good: the raw stream, the wait, the SDK client's own GET stream.
    await waitFor(() => ep.openRequests() === 3, { timeoutMs: 10_000, message: 'the stream, the wait and the SDK client stream open' });
    clock += IDLE_MS * 10;
    assert.equal(ep.sweep(), 1, 'only the session with nothing open');
    assert.equal(ep.sessions(), 3);
    assert.equal((await raw.listTools(idle)).status, 404);
    assert.equal((await raw.listTools(streaming)).status, 200);
    assert.ok((await client.listTools()).tools.length > 0, 'the SDK client carries on');

    // Once their requests end, the raw sessions are idle like any other.
    const cancelled = firstEvent(await toReply(await raw.callTool(streaming, 'cancel_persona_job', { job_id: jobId })));
    assert.equal(cancelled.error, undefined);
    assert.match(firstEvent(await toReply(wait)).result!.content![0]!.text, /"status": ?"cancelled"/);
    stream.abort();
    await waitFor(() => ep.openRequests() === 1, { timeoutMs: 10_000, message: 'only the SDK client stream still open' });
    clock += IDLE_MS;
    assert.equal(ep.sweep(), 2);
    assert.equal((await raw.listTools(streaming)).status, 404);
    assert.equal((await raw.listTools(waiting)).status, 404);
    assert.equal(ep.sessions(), 1);
  });

  it('holds at most maxSessions however many clients initialize at once (200 against a cap of 64)', async () => {
    const { endpoint: ep, raw } = await start({ maxSessions: 64 });
    const replies = await Promise.all(Array.from({ length: 200 }, () => raw.initialize()));
    const statuses = replies.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 64);
    assert.equal(statuses.filter((s) => s === 503).length, 136);
    assert.ok(ep.sessions() <= 64, `${ep.sessions()} sessions held`);
    assert.equal(ep.sessions(), 64);
  });

  it('refuses a request over maxOpenRequests with 503 and Retry-After; it is served again once one ends', async () => {
    const { endpoint: ep, raw } = await start({ maxOpenRequests: 2 });
    const a = await raw.session();
    const b = await raw.session();
    const streams = [new AbortController(), new AbortController()];
    assert.equal((await raw.openEventStream(a, streams[0]!.signal)).status, 200);
    assert.equal((await raw.openEventStream(b, streams[1]!.signal)).status, 200);
    await waitFor(() => ep.openRequests() === 2, { timeoutMs: 10_000, message: 'two streams open' });

    const refused = await raw.listTools(a);
    assert.equal(refused.status, 503);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.match(errorOf(refused).message, /Too many MCP requests open: this server serves at most 2 at once/);

    streams[0]!.abort();
    await waitFor(() => ep.openRequests() === 1, { timeoutMs: 10_000, message: 'the aborted stream closed' });
    assert.equal((await raw.listTools(a)).status, 200);
    streams[1]!.abort();
  });
});

async function toReply(res: Response): Promise<Reply> {
  return { status: res.status, headers: res.headers, text: await res.text() };
}
