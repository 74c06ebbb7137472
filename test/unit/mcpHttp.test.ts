import assert from 'node:assert/strict';
import { request } from 'node:http';
import { statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PersonaServices } from '../../src/services';
import { startMcpHttp, type McpHttpEndpoint } from '../../src/mcp/httpServer';
import { readEndpointFile, removeEndpointFile, writeEndpointFile } from '../../src/mcp/endpointFile';
import { useTempDir } from './tempDir';
import { ALL_TOOLS } from './mcpTools';
import { startDemoServices } from './demoServices';

const INIT = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

function raw(port: number, headers: Record<string, string>, host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(INIT);
  });
}

describe('the MCP server over loopback HTTP', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  let endpoint: McpHttpEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  beforeEach(async () => {
    services = await startDemoServices(tmp.path);
    endpoint = await startMcpHttp(services);
  });

  it('serves every tool to the SDK client with the bearer token; invoke → check with wait → completed', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(endpoint!.url), { requestInit: { headers: { Authorization: `Bearer ${endpoint!.token}` } } });
    const client = new Client({ name: 'http-test', version: '1' });
    await client.connect(transport);
    try {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name).sort(), ALL_TOOLS);
      const textOf = (r: unknown): string => ((r as CallToolResult).content[0] as { text: string }).text;
      const invoked = JSON.parse(textOf(await client.callTool({ name: 'invoke_security', arguments: { task: 'Check', context: 'File: a.ts (file, lines 1-1)\n1| const token = "abcdefgh123";' } }))) as { job_id: string };
      const jobId = invoked.job_id;
      const checked = (await client.callTool({ name: 'check_persona_job', arguments: { job_id: jobId, wait_seconds: 30 } })) as CallToolResult;
      const view = JSON.parse((checked.content[0] as { text: string }).text) as { status: string; result: string };
      assert.equal(view.status, 'completed');
      assert.match(view.result, /`a\.ts:1`/);
      assert.equal(endpoint!.sessions(), 1);
    } finally {
      await client.close();
    }
  });

  it('refuses no token and a wrong token (401), a foreign Host or Origin (403)', async () => {
    const { port, token } = endpoint!;
    const good = { authorization: `Bearer ${token}` };
    assert.equal((await raw(port, {})).status, 401);
    assert.equal((await raw(port, { authorization: `Bearer ${token.slice(0, -1)}x` })).status, 401);
    assert.equal((await raw(port, { authorization: 'Basic abc' })).status, 401);
    assert.equal((await raw(port, { ...good, host: `evil.example:${port}` })).status, 403);
    assert.equal((await raw(port, { ...good, host: `127.0.0.1:${port + 1}` })).status, 403);
    assert.equal((await raw(port, { ...good, origin: 'https://evil.example' })).status, 403);
    assert.equal((await raw(port, { ...good, origin: 'http://localhost:1' })).status, 403);
    const ok = await raw(port, { ...good, origin: `http://127.0.0.1:${port}` });
    assert.equal(ok.status, 200, ok.body);
    assert.equal((await raw(port, { ...good, host: `localhost:${port}` })).status, 200);
  });

  it('listens on 127.0.0.1 only: another interface of this machine is refused', async function () {
    const other = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!other) this.skip();
    await assert.rejects(raw(endpoint!.port, { authorization: `Bearer ${endpoint!.token}` }, other.address), /ECONNREFUSED/);
  });

  it('publishes the endpoint in a 0600 file that only its writer removes', () => {
    const dir = join(tmp.path, '.agent-os');
    writeEndpointFile(dir, { url: endpoint!.url, token: endpoint!.token, pid: process.pid, owner: 'unit test' });
    assert.equal(statSync(join(dir, 'mcp-endpoint.json')).mode & 0o777, 0o600);
    assert.equal(readEndpointFile(dir)?.token, endpoint!.token);
    removeEndpointFile(dir, 'someone-else');
    assert.ok(readEndpointFile(dir), 'a different token does not remove it');
    removeEndpointFile(dir, endpoint!.token);
    assert.equal(readEndpointFile(dir), undefined);
  });
});
