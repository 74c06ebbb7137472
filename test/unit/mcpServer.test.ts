import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema, TaskStatusNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PersonaServices } from '../../src/services';
import { createPersonaServer, type PersonaMcpServer } from '../../src/mcp/server';
import { toolCallOutcome } from '../../src/core/toolCalls';
import { deferred, withTimeout } from '../harness/waitFor';
import { useTempDir } from './tempDir';
import { ALL_TOOLS } from './mcpTools';
import { startDemoServices } from './demoServices';

const CONTEXT = 'File: src/pay.ts (file, lines 1-2)\n1| const apiKey = "sk-live-1234567890";\n2| export const x = 1;';


function data(result: unknown): Record<string, unknown> {
  const r = result as CallToolResult;
  const first = r.content[0];
  assert.ok(first && first.type === 'text', 'a text result');
  return JSON.parse(first.text) as Record<string, unknown>;
}

function text(result: unknown): string {
  const first = (result as CallToolResult).content[0];
  return first && first.type === 'text' ? first.text : '';
}

describe('the MCP server through the real SDK client (in-memory transport)', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  let server: PersonaMcpServer | undefined;
  let client: Client;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  beforeEach(async () => {
    services = await startDemoServices(tmp.path, { workerCount: 3 });
    server = createPersonaServer(services);
    const [a, b] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'test', version: '1' }, { capabilities: { tasks: { requests: {} } } });
    await Promise.all([server.connect(a), client.connect(b)]);
  });

  it('lists every tool, each with a description for a model and an input schema', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ALL_TOOLS);
    for (const t of tools) {
      assert.ok((t.description ?? '').length > 60, `${t.name} has a description`);
      assert.equal(t.inputSchema.type, 'object');
    }
    const invoke = tools.find((t) => t.name === 'invoke_security');
    assert.equal(invoke?.execution?.taskSupport, 'optional', 'invoke tools can run as MCP tasks');
    assert.ok(invoke?.inputSchema.required?.includes('task'));
  });

  it('runs every tools/call, plain and task, inside the services\' tool-call hooks, with the caller\'s trace context', async () => {
    const seen: { tool: string; traceparent: string | null; isError: boolean; code: string | null }[] = [];
    services!.toolCallHooks.push(async (info, run) => {
      const result = await run();
      const outcome = toolCallOutcome(result);
      seen.push({ tool: info.tool, traceparent: info.traceparent, isError: outcome.isError, code: outcome.errorCode });
      return result;
    });
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await client.callTool({ name: 'current_date', arguments: {}, _meta: { traceparent } });
    await client.callTool({ name: 'invoke_security', arguments: { task: 'Is this safe?', context: CONTEXT } });
    await client.callTool({ name: 'check_persona_job', arguments: { job_id: '00000000-0000-4000-8000-000000000000' } });
    assert.deepEqual(seen, [
      { tool: 'current_date', traceparent, isError: false, code: null },
      { tool: 'invoke_security', traceparent: null, isError: false, code: null },
      { tool: 'check_persona_job', traceparent: null, isError: true, code: 'JOB_NOT_FOUND' },
    ]);
  });

  it('invoke returns a job id at once; check with wait returns the review', async () => {
    const t0 = performance.now();
    const invoked = data(await client.callTool({ name: 'invoke_security', arguments: { task: 'Is this safe?', context: CONTEXT } }));
    assert.ok(performance.now() - t0 < 2000, 'the call does not wait for the review');
    assert.equal(invoked['status'], 'queued');
    assert.match(String(invoked['next']), /check_persona_job/);
    const jobId = String(invoked['job_id']);
    assert.equal(services!.store.summary(jobId)?.source, 'mcp', 'a job asked over MCP is counted as such');
    const checked = data(await client.callTool({ name: 'check_persona_job', arguments: { job_id: jobId, wait_seconds: 30 } }));
    assert.equal(checked['status'], 'completed');
    assert.match(String(checked['result']), /`src\/pay\.ts:1`/);
    const listed = data(await client.callTool({ name: 'list_persona_jobs', arguments: { persona: 'security' } }));
    assert.deepEqual((listed['jobs'] as { job_id: string }[]).map((j) => j.job_id), [jobId]);
    const stats = data(await client.callTool({ name: 'persona_database_stats', arguments: {} }));
    assert.equal((stats['counts'] as Record<string, number>)['completed'], 1);
    const personas = data(await client.callTool({ name: 'list_personas', arguments: {} }));
    assert.ok((personas['personas'] as { id: string }[]).some((p) => p.id === 'accessibility'));
    const date = data(await client.callTool({ name: 'current_date', arguments: {} }));
    assert.match(String(date['date']), /^\d{4}-\d{2}-\d{2}$/);
  });

  it('invalid arguments are isError results naming the field; reset without confirm is refused; an unknown persona lists the known ones', async () => {
    const before = services!.store.list().length;
    const noTask = await client.callTool({ name: 'invoke_security', arguments: { context: 'x' } });
    assert.equal(noTask.isError, true);
    assert.match(text(noTask), /task/);
    const badWait = await client.callTool({ name: 'check_persona_job', arguments: { job_id: 'x', wait_seconds: 500 } });
    assert.equal(badWait.isError, true);
    assert.match(text(badWait), /wait_seconds/);
    const reset = await client.callTool({ name: 'reset_persona_jobs', arguments: {} });
    assert.equal(reset.isError, true);
    assert.match(text(reset), /confirm/);
    const resetFalse = await client.callTool({ name: 'reset_persona_jobs', arguments: { confirm: false } });
    assert.equal(resetFalse.isError, true);
    const ghost = await client.callTool({ name: 'invoke_persona', arguments: { persona: 'ghost', task: 'x' } });
    assert.equal(ghost.isError, true);
    assert.match(text(ghost), /UNKNOWN_PERSONA[\s\S]*Known personas: .*security/);
    const outside = await client.callTool({ name: 'invoke_engineer', arguments: { task: 'x', files: ['../../etc/passwd'] } });
    assert.equal(outside.isError, true);
    assert.match(text(outside), /PATH_REFUSED/);
    // Found by the fuzz test: these were INTERNAL errors naming the absolute path, with the hint "Retry".
    mkdirSync(join(tmp.path, 'docs'), { recursive: true });
    for (const [file, code, why] of [
      ['missing.ts', 'INVALID_INPUT', /missing\.ts\\" does not exist/],
      ['docs', 'INVALID_INPUT', /docs\\" is a folder/],
      ['.agent-os', 'PATH_REFUSED', /\.agent-os\\" was refused: \.agent-os\/ is private/],
    ] as const) {
      const bad = await client.callTool({ name: 'invoke_engineer', arguments: { task: 'x', files: [file] } });
      assert.equal(bad.isError, true);
      assert.match(text(bad), new RegExp(code));
      assert.match(text(bad), why);
      assert.ok(!text(bad).includes(tmp.path), `the error does not say where the workspace is: ${text(bad)}`);
    }
    const missing = await client.callTool({ name: 'check_persona_job', arguments: { job_id: 'no-such-job' } });
    assert.equal(missing.isError, true);
    assert.match(text(missing), /JOB_NOT_FOUND/);
    assert.equal(services!.store.list().length, before, 'no job was created by bad input');
  });

  it('invoke_panel runs three personas as children of one parent, which completes with the merged report', async () => {
    const started = data(await client.callTool({ name: 'invoke_panel', arguments: { personas: ['architect', 'engineer', 'security'], task: 'Panel over MCP', context: CONTEXT } }));
    assert.equal((started['children'] as unknown[]).length, 3);
    const done = data(await client.callTool({ name: 'check_persona_job', arguments: { job_id: started['job_id'], wait_seconds: 40 } }));
    assert.equal(done['status'], 'completed');
    assert.match(String(done['result']), /security/);
    assert.match(String(done['result']), /`src\/pay\.ts:1`/);
    const one = await client.callTool({ name: 'invoke_panel', arguments: { personas: ['architect'], task: 'x' } });
    assert.equal(one.isError, true);
    assert.match(text(one), /personas/);
  });

  it('a proposal cannot be approved through MCP: a forged approved_by and status are dropped', async () => {
    const proposed = data(await client.callTool({ name: 'propose_standard', arguments: { domain: 'security', topic: 'no-hardcoded-keys', title: 'No keys in code', body: '## Context\nKeys leak through git history.', approved_by: 'mallory', status: 'approved' } }));
    assert.equal(proposed['status'], 'pending');
    const row = services!.proposals.get(String(proposed['proposal_id']));
    assert.equal(row?.status, 'pending');
    assert.equal(row?.decidedBy, null);
    assert.equal(row?.createdBy, 'agent');
    const { tools } = await client.listTools();
    assert.ok(!tools.some((t) => /approve/.test(t.name)), 'no tool approves');
  });

  it('sends progress notifications in increasing order while a check waits', async () => {
    const invoked = data(await client.callTool({ name: 'invoke_engineer', arguments: { task: 'Review slowly [[demo:slow]]', context: CONTEXT } }));
    const seen: { progress: number; message?: string }[] = [];
    const checked = data(
      await client.callTool({ name: 'check_persona_job', arguments: { job_id: invoked['job_id'], wait_seconds: 30 } }, CallToolResultSchema, {
        onprogress: (p) => seen.push({ progress: p.progress, message: p.message }),
      }),
    );
    assert.equal(checked['status'], 'completed');
    assert.ok(seen.length >= 3, `several progress notifications (${seen.length})`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.progress > seen[i - 1]!.progress, `progress increases: ${seen.map((s) => s.progress).join(', ')}`);
    assert.ok(seen.some((s) => /generating/.test(s.message ?? '')), 'the message names the phase');
  });

  it('cancelling the client request that waits on an invoke cancels the job', async () => {
    const aborter = new AbortController();
    const generating = deferred<void>();
    const call = client.callTool({ name: 'invoke_engineer', arguments: { task: 'Cancel me [[demo:crawl]]', context: CONTEXT, wait_seconds: 40 } }, CallToolResultSchema, {
      signal: aborter.signal,
      onprogress: (p) => {
        if (/generating/.test(p.message ?? '')) generating.resolve();
      },
    });
    await withTimeout(generating.promise, 20_000, 'the job never started generating');
    aborter.abort('the user pressed stop');
    await assert.rejects(call);
    const job = services!.store.list({ persona: 'engineer' })[0]!;
    const cancelled = deferred<void>();
    if (job.status === 'cancelled') cancelled.resolve();
    services!.store.events.on('job:cancelled', (j) => j.id === job.id && cancelled.resolve());
    await withTimeout(cancelled.promise, 5_000, 'the job was not cancelled');
  });

  it('runs an invoke as an MCP task: created, status notifications, result; and tasks/cancel cancels the job', async () => {
    const notified: string[] = [];
    client.setNotificationHandler(TaskStatusNotificationSchema, (n) => {
      notified.push(`${n.params.taskId}:${n.params.status}`);
    });
    const messages: string[] = [];
    let taskId = '';
    let result: CallToolResult | undefined;
    for await (const m of client.experimental.tasks.callToolStream({ name: 'invoke_security', arguments: { task: 'As a task', context: CONTEXT } }, CallToolResultSchema, { task: { ttl: 60_000 } })) {
      messages.push(m.type);
      if (m.type === 'taskCreated') taskId = m.task.taskId;
      if (m.type === 'result') result = m.result;
      if (m.type === 'error') throw m.error;
    }
    assert.equal(messages[0], 'taskCreated');
    assert.equal(messages.at(-1), 'result');
    assert.equal(services!.store.get(taskId)?.status, 'completed', 'the task id is the job id');
    assert.match(String(data(result)['result']), /Hard-coded credential/);
    assert.equal((await client.experimental.tasks.getTask(taskId)).status, 'completed');
    assert.ok(notified.includes(`${taskId}:working`), `status notifications while it ran (${notified.join(', ')})`);
    assert.ok(notified.includes(`${taskId}:completed`), 'a status notification when it completed');

    const stream = client.experimental.tasks.callToolStream({ name: 'invoke_engineer', arguments: { task: 'Long task [[demo:crawl]]', context: CONTEXT } }, CallToolResultSchema, { task: { ttl: 60_000 } });
    const first = await stream.next();
    assert.ok(!first.done && first.value.type === 'taskCreated');
    const longId = first.value.task.taskId;
    const cancelled = await client.experimental.tasks.cancelTask(longId);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(services!.store.get(longId)?.status, 'cancelled');
    assert.ok(notified.includes(`${longId}:cancelled`), 'a status notification when it was cancelled');
    await stream.return();
  });
});
