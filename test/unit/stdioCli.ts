import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { REPO_ROOT } from './tempDir';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

/**
 * `npx agent-os-personas mcp` in `cwd` as a child process, with the real SDK client over its
 * stdio (the demo model, no key); its stderr is appended to `stderr`. Rejects when the server
 * exits instead of answering initialize.
 */
export async function connectStdioCli(cwd: string, stderr: string[]): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd, env: { ...process.env, AGENT_OS_PROVIDER: 'demo', ANTHROPIC_API_KEY: '' }, stderr: 'pipe' });
  transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
  const client = new Client({ name: 'stdio-test', version: '1' }, { capabilities: { tasks: { requests: {} } } });
  await client.connect(transport);
  return client;
}
