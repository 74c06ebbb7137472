import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { REPO_ROOT } from './tempDir';

/** The built CLI, run as a child process the way `npx agent-os-personas` runs it. */
export const CLI = join(REPO_ROOT, 'dist', 'cli.js');

/** The demo model and no key, unless a test says otherwise. */
const DEMO_ENV = { AGENT_OS_PROVIDER: 'demo', ANTHROPIC_API_KEY: '' };

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `agent-os-personas <args>` in `cwd` to its end. `env` is laid over this process's
 * environment and the demo defaults (a key of undefined removes it); `onStderr` sees the stderr
 * so far at each chunk, with the child (to signal it mid-run).
 */
export function runCli(cwd: string, args: string[], options: { env?: Record<string, string | undefined>; onStderr?: (stderr: string, child: ChildProcess) => void } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...DEMO_ENV, ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * `npx agent-os-personas mcp` in `cwd` as a child process, with the real SDK client over its
 * stdio (the demo model, no key); its stderr is appended to `stderr`. Rejects when the server
 * exits instead of answering initialize.
 */
export async function connectStdioCli(cwd: string, stderr: string[]): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd, env: { ...process.env, ...DEMO_ENV }, stderr: 'pipe' });
  transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const client = new Client({ name: 'stdio-test', version: '1' }, { capabilities: { tasks: { requests: {} } } });
  await client.connect(transport);
  return client;
}

export interface RawStdioCli {
  /** Sends one JSON-RPC request, written as given (`text` with `"id": id`), and resolves with the answer carrying that id. */
  request(id: number, text: string): Promise<Record<string, unknown>>;
  /** Ends stdin and resolves once the child has exited. */
  close(): Promise<void>;
}

/**
 * `npx agent-os-personas mcp` spoken to line by line, without the SDK client: for messages the
 * SDK cannot build (its JSON.stringify overflows the stack on deeply nested arguments), as a
 * client in another language could send them. Initialized before it resolves.
 */
export async function rawStdioCli(cwd: string, stderr: string[]): Promise<RawStdioCli> {
  const child = spawn(process.execPath, [CLI, 'mcp'], { cwd, env: { ...process.env, ...DEMO_ENV } });
  child.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
  const waiting = new Map<number, (answer: Record<string, unknown>) => void>();
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const answer = JSON.parse(line) as Record<string, unknown>;
      if (typeof answer['id'] === 'number') waiting.get(answer['id'])?.(answer);
    }
  });
  const request = (id: number, text: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      waiting.set(id, resolve);
      void exited.then(() => reject(new Error(`the mcp child exited before answering request ${id}`)));
      child.stdin.write(`${text}\n`);
    });
  await request(0, JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }));
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  return {
    request,
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
