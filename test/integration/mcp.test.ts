// The MCP server inside the real VS Code: the definition provider is registered from the
// manifest, its definition is read, and the real SDK client connects with it.
import * as assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PersonasApi } from '../../src/ui/personasExtension';

const EXTENSION_ID = 'agent-os.agent-os-personas';

async function api(): Promise<PersonasApi> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension);
  const personas = extension.isActive ? extension.exports : await extension.activate();
  await personas.ready;
  return personas;
}

async function definition(personas: PersonasApi): Promise<vscode.McpHttpServerDefinition> {
  let defs = personas.mcp.provideMcpServerDefinitions();
  if (defs.length === 0) {
    // The endpoint starts right after the store; wait for the provider's change event.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the MCP endpoint never started')), 15_000);
      const sub = personas.mcp.onDidChangeMcpServerDefinitions(() => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
    defs = personas.mcp.provideMcpServerDefinitions();
  }
  assert.equal(defs.length, 1);
  return defs[0]!;
}

describe('MCP inside VS Code', function () {
  this.timeout(60_000);

  it('declares the definition provider, registers it, and serves its definition to the SDK client: invoke → check (wait) → completed', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { mcpServerDefinitionProviders?: { id: string }[] } };
    assert.deepEqual(manifest.contributes.mcpServerDefinitionProviders?.map((p) => p.id), ['agentOsPersonas.mcpServers']);
    const personas = await api();
    const def = await definition(personas);
    assert.equal(def.label, 'Agent OS Personas');
    assert.equal(def.uri.authority.split(':')[0], '127.0.0.1');
    assert.match(def.headers['Authorization'] ?? '', /^Bearer [\w-]{40,}$/);
    assert.ok(def.version, 'a version that changes with port and token');

    // The endpoint file for the stdio CLI: same URL and token, readable by this user only.
    const file = join(personas.services!.workspaceRoot, '.agent-os', 'mcp-endpoint.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const published = JSON.parse(readFileSync(file, 'utf8')) as { url: string; token: string };
    assert.equal(`Bearer ${published.token}`, def.headers['Authorization']);

    const client = new Client({ name: 'integration', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(def.uri.toString()), { requestInit: { headers: def.headers } }));
    try {
      const textOf = (r: unknown): string => ((r as CallToolResult).content[0] as { text: string }).text;
      const invoked = JSON.parse(textOf(await client.callTool({ name: 'invoke_architect', arguments: { task: 'Review over MCP', files: ['src/orders.ts'] } }))) as { job_id: string; status: string };
      assert.equal(invoked.status, 'queued');
      const checked = JSON.parse(textOf(await client.callTool({ name: 'check_persona_job', arguments: { job_id: invoked.job_id, wait_seconds: 40 } }))) as { status: string; result: string };
      assert.equal(checked.status, 'completed');
      assert.match(checked.result, /src\/orders\.ts:\d+/);
      assert.equal(personas.services!.store.get(invoked.job_id)?.status, 'completed', 'the job is in this window\'s store');
    } finally {
      await client.close();
    }
  });

  it('Copy MCP Configuration is registered', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('agentOsPersonas.copyMcpConfiguration'));
  });
});
