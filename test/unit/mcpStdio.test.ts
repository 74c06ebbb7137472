import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, TaskStatusNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PersonaServices } from '../../src/services';
import { startMcpHttp, type McpHttpEndpoint } from '../../src/mcp/httpServer';
import { removeEndpointFile, writeEndpointFile } from '../../src/mcp/endpointFile';
import { REPO_ROOT, useTempDir } from './tempDir';
import { ALL_TOOLS } from './mcpTools';
import { startDemoServices } from './demoServices';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const CONTEXT = 'File: src/pay.ts (file, lines 1-1)\n1| const apiKey = "sk-live-1234567890";';

function view(result: unknown): Record<string, unknown> {
  return JSON.parse(((result as CallToolResult).content[0] as { text: string }).text) as Record<string, unknown>;
}

describe('the MCP server over stdio (npx agent-os-personas mcp, a child process)', function () {
  this.timeout(90_000);
  let client: Client | undefined;
  let owner: { services: PersonaServices; endpoint: McpHttpEndpoint } | undefined;
  const stderr: string[] = [];
  afterEach(async () => {
    await client?.close();
    client = undefined;
    if (owner) {
      await owner.endpoint.close();
      await owner.services.dispose(0);
      owner = undefined;
    }
  });
  const tmp = useTempDir();

  const connect = async (): Promise<Client> => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], cwd: tmp.path, env: { ...process.env, AGENT_OS_PROVIDER: 'demo', ANTHROPIC_API_KEY: '' }, stderr: 'pipe' });
    transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    client = new Client({ name: 'stdio-test', version: '1' }, { capabilities: { tasks: { requests: {} } } });
    await client.connect(transport);
    return client;
  };

  const startOwner = async (): Promise<{ services: PersonaServices; endpoint: McpHttpEndpoint }> => {
    const services = await startDemoServices(tmp.path, { ownerKind: 'VS Code (test)' });
    const endpoint = await startMcpHttp(services);
    writeEndpointFile(join(tmp.path, '.agent-os'), { url: endpoint.url, token: endpoint.token, pid: process.pid, owner: 'VS Code (test)' });
    owner = { services, endpoint };
    return owner;
  };

  it('owns the store when no one else does: every tool, invoke → check → completed', async () => {
    const c = await connect();
    assert.deepEqual((await c.listTools()).tools.map((t) => t.name).sort(), ALL_TOOLS);
    const invoked = view(await c.callTool({ name: 'invoke_security', arguments: { task: 'stdio review', context: CONTEXT } }));
    const done = view(await c.callTool({ name: 'check_persona_job', arguments: { job_id: invoked['job_id'], wait_seconds: 40 } }));
    assert.equal(done['status'], 'completed');
    assert.match(String(done['result']), /`src\/pay\.ts:1`/);
    assert.match(stderr.join(''), /this process owns the job store/);
  });

  it('proxies to the owner\'s endpoint (same store, progress forwarded), and takes the store over when the owner goes away', async () => {
    const { services } = await startOwner();
    const c = await connect();
    assert.deepEqual((await c.listTools()).tools.map((t) => t.name).sort(), ALL_TOOLS);
    const invoked = view(await c.callTool({ name: 'invoke_engineer', arguments: { task: 'through the proxy [[demo:slow]]', context: CONTEXT } }));
    const jobId = String(invoked['job_id']);
    assert.ok(services.store.get(jobId), 'the job was created in the owner\'s store');
    const progress: number[] = [];
    const done = view(
      await c.callTool({ name: 'check_persona_job', arguments: { job_id: jobId, wait_seconds: 40 } }, CallToolResultSchema, { onprogress: (p) => progress.push(p.progress) }),
    );
    assert.equal(done['status'], 'completed');
    assert.ok(progress.length >= 2, `progress came through the proxy (${progress.join(', ')})`);
    assert.match(stderr.join(''), /VS Code owns the job store; forwarding to http:\/\/127\.0\.0\.1:\d+\/mcp/);

    // The owner goes away mid-session (its window closes): the proxy takes the store over.
    removeEndpointFile(join(tmp.path, '.agent-os'), owner!.endpoint.token);
    await owner!.endpoint.close();
    await owner!.services.dispose(0);
    owner = undefined;
    const listed = view(await c.callTool({ name: 'list_persona_jobs', arguments: {} }));
    assert.deepEqual((listed['jobs'] as { job_id: string }[]).map((j) => j.job_id), [jobId], 'the same durable store, now owned by the stdio server');
    const again = view(await c.callTool({ name: 'invoke_qa', arguments: { task: 'after the takeover', context: CONTEXT, wait_seconds: 40 } }));
    assert.equal(again['status'], 'completed');
    assert.match(stderr.join(''), /taking over/);
  });
  it('proxies MCP tasks to the owner: created there, status notifications and the result come through, tasks/cancel cancels the job', async () => {
    const { services } = await startOwner();
    const c = await connect();
    const notified: string[] = [];
    c.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
      notified.push(`${n.params.taskId}:${n.params.status}`);
    });
    const messages: string[] = [];
    let taskId = '';
    let result: CallToolResult | undefined;
    for await (const m of c.experimental.tasks.callToolStream({ name: 'invoke_security', arguments: { task: 'A task through the proxy', context: CONTEXT } }, CallToolResultSchema, { task: { ttl: 60_000 } })) {
      messages.push(m.type);
      if (m.type === 'taskCreated') taskId = m.task.taskId;
      if (m.type === 'result') result = m.result;
      if (m.type === 'error') throw m.error;
    }
    assert.equal(messages[0], 'taskCreated');
    assert.equal(messages.at(-1), 'result');
    assert.equal(services.store.get(taskId)?.status, 'completed', 'the task is a job in the owner\'s store');
    assert.match(String(view(result)['result']), /`src\/pay\.ts:1`/);
    assert.equal((await c.experimental.tasks.getTask(taskId)).status, 'completed');
    assert.ok(notified.includes(`${taskId}:completed`), `the owner's status notifications came through (${notified.join(', ')})`);
    assert.ok((await c.experimental.tasks.listTasks()).tasks.some((t) => t.taskId === taskId), 'tasks/list is the owner\'s');

    const stream = c.experimental.tasks.callToolStream({ name: 'invoke_engineer', arguments: { task: 'Long task [[demo:crawl]]', context: CONTEXT } }, CallToolResultSchema, { task: { ttl: 60_000 } });
    const first = await stream.next();
    assert.ok(!first.done && first.value.type === 'taskCreated');
    const longId = first.value.task.taskId;
    assert.equal((await c.experimental.tasks.cancelTask(longId)).status, 'cancelled');
    assert.equal(services.store.get(longId)?.status, 'cancelled', 'tasks/cancel reached the owner\'s job');
    await stream.return(undefined);
  });
});
