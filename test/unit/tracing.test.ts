import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startMcpHttp, type McpHttpEndpoint } from '../../src/mcp/httpServer';
import type { ModelSettings } from '../../src/personas/modelResolver';
import { DEFAULT_ANTHROPIC_MODEL } from '../../src/personas/modelNames';
import type { PersonaServices } from '../../src/services';
import { enableTracing, type EnableTracingOptions } from '../../src/telemetry/loadTracing';
import type { JobTracing } from '../../src/telemetry/otelTracing';
import { waitFor } from '../harness/waitFor';
import { runCli } from './cliChild';
import { demoSettings, startDemoServices } from './demoServices';
import { OtlpReceiver, type ReceivedSpan } from './otlpReceiver';
import { settledJob } from './settledJob';
import { REPO_ROOT, useTempDir } from './tempDir';

/** Sent as the Anthropic key on every model request (the demo server ignores it): it must reach no span. */
const FAKE_KEY = 'sk-ant-api03-FAKE-tracing-test-key-0123456789';
/** A secret in the reviewed file. */
const FILE_SECRET = 'sk-live-4f9a8b7c6d5e4f3a2b1c0d9e';
/** The exporter's credentials (OTEL_EXPORTER_OTLP_HEADERS): a request header, never a span. */
const INGEST_KEY = 'hh-ingest-key-secret-42';
const CONTEXT = `File: config.ts (file, lines 1-1)\n1| export const paymentKey = '${FILE_SECRET}';`;
const SPAN_KIND = { internal: 1, server: 2, client: 3 };

describe('tracing: OpenTelemetry spans of jobs, model turns, tool calls and MCP calls', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  let receiver: OtlpReceiver | undefined;
  let endpoint: McpHttpEndpoint | undefined;
  let tracing: JobTracing | null = null;
  let logs: string[] = [];
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
    await services?.dispose(0);
    services = undefined;
    await receiver?.close();
    receiver = undefined;
    tracing = null;
    logs = [];
  });
  const tmp = useTempDir();

  /**
   * Demo services whose model path is the Anthropic one, pointed at the demo server: the fake key
   * really travels with each model request, from the worker that also times the spans.
   */
  const startTraced = async (url: string, overrides: Partial<EnableTracingOptions> = {}): Promise<PersonaServices> => {
    let model: ModelSettings = demoSettings();
    services = await startDemoServices(tmp.path, { workerCount: 1, modelSettings: () => model, apiKey: () => Promise.resolve(FAKE_KEY), log: (line) => logs.push(line) });
    const demo = await services.models.demoServer();
    model = { provider: 'anthropic', model: DEFAULT_ANTHROPIC_MODEL, baseUrl: demo.url, maxTokens: 2048, requestTimeoutSeconds: 30 };
    tracing = enableTracing(services, {
      extensionRoot: REPO_ROOT,
      settings: { otlpEndpoint: url },
      env: { OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${INGEST_KEY}` },
      log: (line) => logs.push(line),
      serviceVersion: 'test',
      scheduledDelayMillis: 50,
      ...overrides,
    });
    assert.ok(tracing, `tracing is on: ${logs.join(' | ')}`);
    return services;
  };

  const agentSpanOf = (jobId: string): Promise<ReceivedSpan> =>
    waitFor(() => receiver!.spans.find((s) => s.name.startsWith('invoke_agent ') && s.attributes['agent_os.job.id'] === jobId), { timeoutMs: 15_000, message: `the invoke_agent span of job ${jobId} reached the receiver` });

  const assertNoSecrets = (extra: string[] = []): void => {
    assert.ok(receiver!.bodies.length > 0, 'something was exported');
    for (const body of receiver!.bodies) {
      for (const secret of [FAKE_KEY, FILE_SECRET, INGEST_KEY, ...extra]) assert.ok(!body.includes(secret), `an exported span holds a secret (${secret.slice(0, 10)}…)`);
    }
  };

  it('exports one invoke_agent span per job with its chat spans and its execute_tool span as children, with the GenAI attributes and no secret', async () => {
    receiver = await OtlpReceiver.start();
    const s = await startTraced(receiver.url);
    const job = await s.store.create({ persona: 'security', task: 'Review the payment config [[demo:tool-use]]', context: CONTEXT, source: 'palette' });
    const done = await settledJob(s, job.id, 45_000);
    assert.equal(done.status, 'completed', done.error?.message);
    assert.equal(done.toolCalls, 1);

    const agent = await agentSpanOf(job.id);
    assert.equal(agent.name, 'invoke_agent security');
    assert.equal(agent.parentSpanId, '', 'a job created outside any trace starts its own');
    assert.equal(agent.serviceName, 'agent-os-personas');
    assert.deepEqual(
      pick(agent.attributes, ['gen_ai.operation.name', 'gen_ai.agent.name', 'gen_ai.provider.name', 'gen_ai.request.model', 'agent_os.job.id', 'agent_os.job.source', 'agent_os.job.status', 'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'agent_os.job.tool_calls']),
      { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'security', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': DEFAULT_ANTHROPIC_MODEL, 'agent_os.job.id': job.id, 'agent_os.job.source': 'palette', 'agent_os.job.status': 'completed', 'gen_ai.usage.input_tokens': done.tokensIn + done.cacheReadTokens + done.cacheWriteTokens, 'gen_ai.usage.output_tokens': done.tokensOut, 'agent_os.job.tool_calls': 1 },
    );
    assert.ok(done.cacheWriteTokens > 0, 'the first review wrote the persona\'s prefix to the prompt cache');
    assert.deepEqual([agent.attributes['gen_ai.usage.cache_creation.input_tokens'], agent.attributes['gen_ai.usage.cache_read.input_tokens']], [done.cacheWriteTokens, done.cacheReadTokens]);
    assert.equal(BigInt(done.startedAt!) * 1_000_000n, agent.startNs, 'the job span starts when the job started');

    const children = receiver.spans.filter((c) => c.parentSpanId === agent.spanId);
    assert.ok(children.every((c) => c.traceId === agent.traceId));
    const chats = children.filter((c) => c.name === `chat ${DEFAULT_ANTHROPIC_MODEL}`);
    const tools = children.filter((c) => c.name.startsWith('execute_tool '));
    assert.equal(chats.length, 2, `children: ${children.map((c) => c.name).join(', ')}`);
    assert.equal(tools.length, 1, `children: ${children.map((c) => c.name).join(', ')}`);
    assert.equal(children.length, 3);
    for (const chat of chats) {
      assert.equal(chat.kind, SPAN_KIND.client);
      assert.equal(chat.attributes['gen_ai.operation.name'], 'chat');
      assert.equal(chat.attributes['gen_ai.provider.name'], 'anthropic');
      assert.equal(chat.attributes['gen_ai.request.model'], DEFAULT_ANTHROPIC_MODEL);
      assert.ok((chat.attributes['gen_ai.usage.input_tokens'] as number) > 0);
      assert.ok((chat.attributes['gen_ai.usage.output_tokens'] as number) > 0);
      // The worker's clock and the host's agree to well under 2 ms (the job's times are whole ms).
      assert.ok(chat.startNs >= agent.startNs && chat.endNs <= agent.endNs + 2_000_000n, 'a turn lies inside its job');
    }
    const ordered = [...chats].sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    assert.deepEqual(ordered.map((c) => c.attributes['gen_ai.response.finish_reasons']), [['tool_use'], ['end_turn']]);
    const outputs = chats.reduce((n, c) => n + (c.attributes['gen_ai.usage.output_tokens'] as number), 0);
    assert.equal(outputs, done.tokensOut, "the turns' output tokens add up to the job's");
    const tool = tools[0]!;
    assert.equal(tool.attributes['gen_ai.operation.name'], 'execute_tool');
    assert.equal(tool.name, `execute_tool ${String(tool.attributes['gen_ai.tool.name'])}`);
    assert.match(String(tool.attributes['gen_ai.tool.call.id']), /^toolu_/);
    assert.ok(tool.startNs >= ordered[0]!.endNs && tool.endNs <= ordered[1]!.startNs, 'the tool ran between the two turns');

    // Credentials travel as the exporter's request header, never inside a span; no text without the opt-in.
    assert.equal(receiver.headers[0]?.['authorization'], `Bearer ${INGEST_KEY}`);
    assertNoSecrets();
    assert.ok(!receiver.spans.some((sp) => 'gen_ai.input.messages' in sp.attributes || 'gen_ai.tool.call.arguments' in sp.attributes));
    assert.deepEqual(tracing!.stats().dropped, 0);
  });

  it('puts prompt and tool text in spans only with captureContent, and the API key never', async () => {
    receiver = await OtlpReceiver.start();
    const s = await startTraced(receiver.url, { settings: { otlpEndpoint: receiver.url, captureContent: true } });
    const job = await s.store.create({ persona: 'security', task: 'Review the payment config [[demo:tool-use]]', context: CONTEXT });
    assert.equal((await settledJob(s, job.id, 45_000)).status, 'completed');
    const agent = await agentSpanOf(job.id);
    const chat = receiver.spans.find((c) => c.parentSpanId === agent.spanId && c.name.startsWith('chat '));
    assert.match(String(chat?.attributes['gen_ai.input.messages']), /paymentKey/);
    assert.match(String(chat?.attributes['gen_ai.system_instructions']), /Persona: security/);
    const tool = receiver.spans.find((c) => c.parentSpanId === agent.spanId && c.name.startsWith('execute_tool '));
    assert.ok(typeof tool?.attributes['gen_ai.tool.call.arguments'] === 'string');
    for (const body of receiver.bodies) assert.ok(!body.includes(FAKE_KEY) && !body.includes(INGEST_KEY));
  });

  it('an MCP tools/call with a traceparent gets a server span in that trace, and the job it starts joins it', async () => {
    receiver = await OtlpReceiver.start();
    const s = await startTraced(receiver.url);
    endpoint = await startMcpHttp(s);
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const transport = new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: { Authorization: `Bearer ${endpoint.token}`, traceparent: `00-${traceId}-${callerSpanId}-01` } } });
    const client = new Client({ name: 'traced-client', version: '1' });
    await client.connect(transport);
    let jobId: string;
    try {
      const invoked = (await client.callTool({ name: 'invoke_security', arguments: { task: 'Review the payment config [[demo:tool-use]]', context: CONTEXT } })) as CallToolResult;
      jobId = (JSON.parse((invoked.content[0] as { text: string }).text) as { job_id: string }).job_id;
      const checked = (await client.callTool({ name: 'check_persona_job', arguments: { job_id: jobId, wait_seconds: 30 } })) as CallToolResult;
      assert.equal((JSON.parse((checked.content[0] as { text: string }).text) as { status: string }).status, 'completed');
    } finally {
      await client.close();
    }
    const agent = await agentSpanOf(jobId);
    const call = await waitFor(() => receiver!.spans.find((sp) => sp.name === 'tools/call invoke_security'), { timeoutMs: 10_000, message: 'the tools/call span reached the receiver' });
    assert.equal(call.traceId, traceId, "the MCP span is in the caller's trace");
    assert.equal(call.parentSpanId, callerSpanId);
    assert.equal(call.kind, SPAN_KIND.server);
    assert.deepEqual(pick(call.attributes, ['mcp.method.name', 'gen_ai.tool.name']), { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'invoke_security' });
    assert.equal(agent.traceId, traceId, "the job joined the caller's trace");
    assert.equal(agent.parentSpanId, call.spanId, 'under the call that created it');
    assert.equal(agent.attributes['agent_os.job.source'], 'mcp');
    const turns = receiver.spans.filter((sp) => sp.parentSpanId === agent.spanId);
    assert.ok(turns.length >= 2 && turns.every((sp) => sp.traceId === traceId));
    const check = await waitFor(() => receiver!.spans.find((sp) => sp.name === 'tools/call check_persona_job'), { timeoutMs: 10_000, message: 'the check_persona_job span arrived' });
    assert.equal(check.traceId, traceId);
    assertNoSecrets([endpoint.token]);
  });

  it("a panel: its children's job spans hang under the panel's own span, in one trace", async () => {
    receiver = await OtlpReceiver.start();
    const s = await startTraced(receiver.url);
    const panel = await s.jobs.askPanel({ personas: ['security', 'engineer'], task: 'Review the payment config', context: { text: CONTEXT }, source: 'palette' });
    assert.equal((await settledJob(s, panel.parent.id, 45_000)).status, 'completed');
    const parent = await agentSpanOf(panel.parent.id);
    assert.equal(parent.name, `invoke_agent ${panel.parent.persona}`);
    for (const child of panel.children) {
      const span = await agentSpanOf(child.id);
      assert.equal(span.traceId, parent.traceId);
      assert.equal(span.parentSpanId, parent.spanId, `${child.persona} hangs under the panel`);
      assert.ok(span.startNs >= parent.startNs && span.endNs <= parent.endNs);
    }
    assertNoSecrets();
  });

  it('an unreachable endpoint: the job completes, one warning, the dropped spans counted and reported', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    // A short export timeout bounds the exporter's retries of the refused connection (10 s by default).
    const s = await startTraced(deadUrl, { exportTimeoutMillis: 1_500 });
    for (let i = 0; i < 2; i++) {
      const job = await s.store.create({ persona: 'security', task: `Review ${i} [[demo:tool-use]]`, context: CONTEXT });
      assert.equal((await settledJob(s, job.id, 45_000)).status, 'completed');
    }
    // Two jobs of four spans each, every export refused (the exporter retries a refused
    // connection with backoff until the export timeout, then gives the batch up).
    await waitFor(() => tracing!.stats().dropped >= 8, { timeoutMs: 35_000, message: 'the spans of both jobs were dropped and counted' });
    const warnings = logs.filter((l) => /could not be sent/.test(l));
    assert.equal(warnings.length, 1, logs.join('\n'));
    assert.match(warnings[0]!, /jobs are not affected/);
    assert.match(warnings[0]!, /\d+ spans? dropped so far/);
    assert.ok(!warnings[0]!.includes(INGEST_KEY));
    const dropped = tracing!.stats().dropped;
    await services!.dispose(0);
    services = undefined;
    const final = logs.find((l) => l.startsWith('Tracing stopped:'));
    assert.match(final ?? '', new RegExp(`0 spans exported, ${dropped} spans dropped`));
  });

  it('an endpoint that never answers: the queue stays bounded, the overflow is dropped and counted, jobs complete', async () => {
    // Accepts and never answers: exports hang until their timeout while spans keep coming.
    const hung = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    try {
      const s = await startTraced(`http://127.0.0.1:${(hung.address() as AddressInfo).port}`, { maxQueueSize: 2 });
      for (let i = 0; i < 2; i++) {
        const job = await s.store.create({ persona: 'security', task: `Review ${i} [[demo:tool-use]]`, context: CONTEXT });
        assert.equal((await settledJob(s, job.id, 45_000)).status, 'completed');
      }
      await waitFor(() => tracing!.stats().dropped > 0, { timeoutMs: 10_000, message: 'the overflow was counted' });
      assert.equal(logs.filter((l) => /could not be sent/.test(l)).length, 1, logs.join('\n'));
      assert.match(logs.find((l) => /could not be sent/.test(l))!, /the queue is full/);
      // The pool's shutdown does not wait out the hung export (bounded grace).
      const t = performance.now();
      await services!.dispose(0);
      services = undefined;
      assert.ok(performance.now() - t < 8000, 'closing did not wait for the hung endpoint');
    } finally {
      hung.closeAllConnections();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
    }
  });

  it('off: the CLI sends nothing and loads no OpenTelemetry module; on (OTEL_EXPORTER_OTLP_ENDPOINT): it loads dist/telemetry.js and exports the job', async () => {
    receiver = await OtlpReceiver.start();
    writeFileSync(join(tmp.path, 'config.ts'), `export const paymentKey = '${FILE_SECRET}';\n`);
    // Preloaded into the CLI: writes the module paths the process loaded, as it exits.
    const probe = join(tmp.path, 'probe.cjs');
    writeFileSync(probe, "process.on('exit', () => require('fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(Object.keys(require.cache))));\n");
    const run = async (name: string, env: Record<string, string | undefined>): Promise<string[]> => {
      const out = join(tmp.path, `${name}.json`);
      const result = await runCli(tmp.path, ['review', '--persona', 'security', 'config.ts'], { env: { NODE_OPTIONS: `--require ${probe}`, PROBE_OUT: out, OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined, ...env } });
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(readFileSync(out, 'utf8')) as string[];
    };
    const isTelemetry = (path: string): boolean => /opentelemetry|dist[\\/]telemetry\.js$/.test(path);

    // Nor is the SDK bundled into the entry points: it lives in dist/telemetry.js alone.
    for (const entry of ['cli.js', 'extension.js', 'worker.js']) {
      const text = readFileSync(join(REPO_ROOT, 'dist', entry), 'utf8');
      assert.ok(!/OTLPTraceExporter|BatchSpanProcessor/.test(text), `dist/${entry} carries the OpenTelemetry SDK`);
    }
    assert.match(readFileSync(join(REPO_ROOT, 'dist', 'telemetry.js'), 'utf8'), /OTLPTraceExporter/);
    const off = await run('off', {});
    assert.ok(off.some((p) => p.endsWith(join('dist', 'cli.js'))), 'the probe ran in the CLI');
    assert.deepEqual(off.filter(isTelemetry), []);
    assert.equal(receiver.bodies.length, 0, 'no request reached the receiver');

    const on = await run('on', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${INGEST_KEY}` });
    assert.ok(on.some((p) => p.endsWith(join('dist', 'telemetry.js'))), 'tracing on loads the telemetry bundle');
    // The CLI flushes as it stops, so the spans are in before it exits.
    const agent = receiver.spans.find((sp) => sp.name === 'invoke_agent security');
    assert.ok(agent, `received: ${receiver.spans.map((sp) => sp.name).join(', ')}`);
    assert.equal(agent.attributes['agent_os.job.status'], 'completed');
    assert.equal(agent.attributes['agent_os.job.source'], 'cli');
    assert.ok(receiver.spans.some((sp) => sp.parentSpanId === agent.spanId && sp.name.startsWith('chat ')));
    assertNoSecrets();
  });
});

function pick(attributes: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, attributes[k]]));
}
