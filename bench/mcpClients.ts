// The MCP bench's clients: the real SDK Client over Streamable HTTP (bearer token) and over
// stdio (a `node dist/cli.js mcp` child owning its own store), and timed tool calls on them.
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

/** One connected agent: its SDK client, and how to let go of it. */
export interface BenchClient {
  readonly client: Client;
  close(): Promise<void>;
}

/**
 * The SDK's HTTP client hands one long-lived AbortSignal to every fetch of a session; Node 20's
 * fetch adds an abort listener to it per request and drops it only when that request is
 * garbage collected, warning once past 1,500 (bounded by GC, so not a leak). Thousands of
 * calls on one session are the point here: the bench lifts that limit rather than print a
 * warning per call.
 */
const manyCallsFetch: FetchLike = (url, init) => {
  if (init?.signal) setMaxListeners(0, init.signal);
  return fetch(url, init);
};

export async function connectHttp(endpoint: { url: string; token: string }, name: string): Promise<BenchClient> {
  const transport = new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: { Authorization: `Bearer ${endpoint.token}` } }, fetch: manyCallsFetch });
  const client = new Client({ name, version: '1' });
  await client.connect(transport);
  return {
    client,
    close: async () => {
      // DELETE ends the session on the server too, so idle sessions do not linger between phases.
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

/** Spawns `node dist/cli.js mcp` in `workspace`; with no editor there, the child owns that store. */
export async function connectStdio(workspace: string, stderr: string[]): Promise<BenchClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp'],
    cwd: workspace,
    env: { ...process.env, AGENT_OS_PROVIDER: 'demo', ANTHROPIC_API_KEY: '' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const client = new Client({ name: 'bench-stdio', version: '1' });
  await client.connect(transport);
  return { client, close: () => client.close() };
}

export type ToolArgs = Record<string, unknown>;

/** Calls a tool; a result with isError is an error here (a bench call must succeed). */
export async function callTool(client: Client, name: string, args: ToolArgs = {}): Promise<CallToolResult> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} answered isError: ${textOf(result)}`);
  return result;
}

export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

/** The JSON a persona tool answers with (every tool answers one text block of JSON). */
export async function callJson<T>(client: Client, name: string, args: ToolArgs = {}): Promise<T> {
  return JSON.parse(textOf(await callTool(client, name, args))) as T;
}

/** Milliseconds one call took. */
export async function timedCall(client: Client, name: string, args: ToolArgs): Promise<number> {
  const t = performance.now();
  await callTool(client, name, args);
  return performance.now() - t;
}

/**
 * `warmup` untimed rounds, then `n` timed rounds; each round calls every tool once, in turn,
 * so slow drift (GC, another process on the cores) lands on all of them alike.
 */
export async function interleaved(client: Client, calls: { name: string; args: ToolArgs }[], n: number, warmup: number): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const c of calls) await callTool(client, c.name, c.args);
  const latencies = calls.map((): number[] => []);
  for (let i = 0; i < n; i++) {
    for (const [k, c] of calls.entries()) latencies[k]!.push(await timedCall(client, c.name, c.args));
  }
  return latencies;
}
