// An agent outside the editor (Claude Code, Cursor) runs `npx agent-os-personas mcp` in the
// folder VS Code has open: its jobs land in the editor's store and show in the tree.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SELECTORS, useUiSession, type UiSession } from '../harness/uiSession';
import { waitFor } from '../harness/waitFor';

const REPO_ROOT = join(__dirname, '..', '..', '..');

describe('An MCP client over stdio, with VS Code owning the store', function () {
  this.timeout(120_000);
  const current = useUiSession({ name: 'mcp-stdio', shareAs: 'demo-sample', settings: { 'agentOsPersonas.model.provider': 'demo' } });
  let client: Client | undefined;
  const stderr: string[] = [];

  after(async () => {
    await client?.close();
  });

  it('a job invoked over stdio appears in the Persona Jobs tree and completes there', async () => {
    const session = current();
    if (!session.workspaceFolder) throw new Error('the UI session has no folder open');
    const folder = session.workspaceFolder;
    // The extension publishes its endpoint once its store is open.
    await waitFor(() => existsSync(join(folder, '.agent-os', 'mcp-endpoint.json')), { timeoutMs: 60_000, message: 'the extension never published its MCP endpoint' });
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(REPO_ROOT, 'dist', 'cli.js'), 'mcp'], cwd: folder, stderr: 'pipe', env: { ...process.env, AGENT_OS_PROVIDER: 'demo' } });
    transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    client = new Client({ name: 'ui-test-agent', version: '1' });
    await client.connect(transport);
    const result = (await client.callTool({ name: 'invoke_security', arguments: { task: 'From an outside agent [[demo:slow]]', files: ['src/payments.ts'] } })) as CallToolResult;
    const invoked = JSON.parse((result.content[0] as { text: string }).text) as { job_id: string; status: string };
    assert.equal(invoked.status, 'queued');
    assert.match(stderr.join(''), /VS Code owns the job store; forwarding/);

    await session.runCommand('Personas: Focus on Persona Jobs View', 30_000);
    const row = (extra = ''): ReturnType<UiSession['page']['locator']> => session.page.locator(`${SELECTORS.treeRow}[aria-label*="security: From an outside agent"]${extra}`).first();
    await row().waitFor({ state: 'visible', timeout: 30_000 });
    await row('[aria-label*="completed"]').waitFor({ state: 'visible', timeout: 60_000 });
    await session.screenshot('stdio-job-in-tree');
  });
});
