import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, ErrorCode, ListToolsResultSchema, McpError, TaskStatusNotificationSchema, type CallToolResult, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { PersonaServices } from '../../src/services';
import { startMcpHttp, type McpHttpEndpoint } from '../../src/mcp/httpServer';
import { removeEndpointFile, writeEndpointFile } from '../../src/mcp/endpointFile';
import { useTempDir } from './tempDir';
import { ALL_TOOLS } from './mcpTools';
import { startDemoServices } from './demoServices';
import { connectStdioCli } from './cliChild';
import { BoundedStdioTransport } from '../../src/mcp/stdioTransport';
import { waitFor } from '../harness/waitFor';
const CONTEXT = 'File: src/pay.ts (file, lines 1-1)\n1| const apiKey = "sk-live-1234567890";';

function view(result: unknown): Record<string, unknown> {
  return JSON.parse(((result as CallToolResult).content[0] as { text: string }).text) as Record<string, unknown>;
}

describe('the MCP server over stdio (npx agent-os-personas mcp, a child process)', function () {
  this.timeout(90_000);
  let client: Client | undefined;
  let owner: { services: PersonaServices; endpoint: McpHttpEndpoint } | undefined;
  const stderr: string[] = [];
  beforeEach(() => {
    stderr.length = 0;
  });
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
    client = await connectStdioCli(tmp.path, stderr);
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

  it('answers a 10 MB task with an INVALID_INPUT tool error and any other too-large message with a JSON-RPC error, and keeps serving', async () => {
    const c = await connect();
    const huge = await c.callTool({ name: 'invoke_security', arguments: { task: 'x'.repeat(10 * 1024 * 1024), context: CONTEXT } });
    assert.equal(huge.isError, true);
    assert.match((huge as CallToolResult).content.map((p) => (p as { text: string }).text).join(''), /INVALID_INPUT[\s\S]*bytes[\s\S]*20,000 characters/);
    await assert.rejects(c.request({ method: 'tools/list', params: { cursor: 'c'.repeat(5 * 1024 * 1024) } }, ListToolsResultSchema), (err: unknown) => {
      assert.ok(err instanceof McpError && err.code === (ErrorCode.InvalidRequest as number), String(err));
      assert.match(err.message, /Message too large/);
      return true;
    });
    // The same session, still serving.
    assert.match(String(view(await c.callTool({ name: 'current_date', arguments: {} }))['date']), /^\d{4}-\d{2}-\d{2}$/);
    const invoked = view(await c.callTool({ name: 'invoke_security', arguments: { task: 'after the refusals', context: CONTEXT, wait_seconds: 40 } }));
    assert.equal(invoked['status'], 'completed');
    assert.match(stderr.join(''), /refused a \d+-byte tools\/call on stdin/);
    assert.match(stderr.join(''), /refused a \d+-byte tools\/list on stdin/);
  });

  it('says on stderr why it stops when the client closes stdin', async () => {
    const c = await connect();
    await c.callTool({ name: 'current_date', arguments: {} });
    await c.close();
    client = undefined;
    await waitFor(() => /the client closed stdin; stopping/.test(stderr.join('')), { timeoutMs: 10_000, message: 'the reason to stop on stderr' });
  });
});

describe('the stdio transport: one line, one message, whatever comes in', function () {
  this.timeout(10_000);

  it('answers a line that is not JSON and an oversized message whose id comes first, last or not at all, then reads the next line as usual', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const said: string[] = [];
    const transport = new BoundedStdioTransport(input, output, (line) => said.push(line), 1024);
    const received: JSONRPCMessage[] = [];
    transport.onmessage = (m) => received.push(m);
    let closed = false;
    transport.onclose = () => {
      closed = true;
    };
    const answers: Record<string, unknown>[] = [];
    createInterface({ input: output }).on('line', (line) => answers.push(JSON.parse(line) as Record<string, unknown>));
    await transport.start();
    const pad = 'p'.repeat(3000);

    input.write('not json\n');
    // The Python SDK's key order (id first), fed in small pieces as a pipe may deliver it.
    const pythonOrder = `{"jsonrpc":"2.0","id":"call-1","method":"tools/call","params":{"name":"invoke_qa","arguments":{"task":"${pad}"}}}\n`;
    for (let i = 0; i < pythonOrder.length; i += 100) input.write(pythonOrder.slice(i, i + 100));
    // The TypeScript SDK's key order (id last).
    input.write(`{"method":"tools/list","params":{"cursor":"${pad}"},"jsonrpc":"2.0","id":7}\n`);
    // An id nested in the params is not the message's: no id can be read.
    input.write(`{"params":{"id":9,"x":"${pad}"}}\n`);
    // A message under the limit, in three pieces.
    input.write('{"jsonrpc":"2.0",');
    input.write('"id":8,"method":"pi');
    input.write('ng"}\r\n');
    await waitFor(() => answers.length === 4 && received.length === 1, { timeoutMs: 5_000, message: `four answers and one message (${answers.length}, ${received.length})` });

    assert.deepEqual(answers[0], { jsonrpc: '2.0', error: { code: ErrorCode.ParseError, message: 'Parse error: the line is not JSON.' } });
    assert.equal(answers[1]!['id'], 'call-1');
    const tool = answers[1]!['result'] as CallToolResult;
    assert.equal(tool.isError, true);
    assert.match((tool.content[0] as { text: string }).text, /"code": "INVALID_INPUT"[\s\S]*1,024 bytes/);
    assert.equal(answers[2]!['id'], 7);
    assert.equal((answers[2]!['error'] as { code: number }).code, ErrorCode.InvalidRequest);
    assert.equal('id' in answers[3]!, false, 'the nested id is not taken for the message\'s');
    assert.equal((answers[3]!['error'] as { code: number }).code, ErrorCode.InvalidRequest);
    assert.deepEqual(received, [{ jsonrpc: '2.0', id: 8, method: 'ping' }]);

    input.end();
    await waitFor(() => closed, { timeoutMs: 5_000, message: 'closed at the end of stdin' });
    assert.match(said.join('\n'), /refused a \d+-byte tools\/call[\s\S]*the client closed stdin; stopping/);
  });
});
