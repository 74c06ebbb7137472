import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import Ajv2020 from 'ajv/dist/2020';
import { writeEndpointFile } from '../../src/mcp/endpointFile';
import { startMcpHttp, type McpHttpEndpoint } from '../../src/mcp/httpServer';
import { createPersonaServer } from '../../src/mcp/server';
import type { MetricsReport } from '../../src/metrics/reportTypes';
import type { PersonaServices } from '../../src/services';
import { runCli } from './cliChild';
import { startDemoServices } from './demoServices';
import { assertSameCounts, runJobMix } from './metricsMix';
import { REPO_ROOT, useTempDir } from './tempDir';

/** docs/metrics.schema.json, compiled strictly (an unknown keyword in the schema is an error too). */
function schemaValidator(): (value: unknown) => string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  const validate = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'metrics.schema.json'), 'utf8')) as object);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

describe('the metrics report: the CLI and persona_metrics, checked against docs/metrics.schema.json', function () {
  this.timeout(120_000);
  const validate = schemaValidator();
  let owner: { services: PersonaServices; endpoint?: McpHttpEndpoint } | undefined;
  afterEach(async () => {
    await owner?.endpoint?.close();
    await owner?.services.dispose(0);
    owner = undefined;
  });
  const tmp = useTempDir();

  /** A workspace with history: a mix of job ends, searches with and without hits, MCP calls. */
  async function withHistory(): Promise<PersonaServices> {
    const services = await startDemoServices(tmp.path, { ownerKind: 'VS Code (test)' });
    owner = { services };
    await runJobMix(services);
    await services.standards.search({ query: 'no standard covers this', limit: 5 });
    return services;
  }

  it('the schema rejects what the report must not be (so a pass below means something)', () => {
    assert.notDeepEqual(validate({ schemaVersion: 2 }), []);
    assert.notDeepEqual(validate({}), []);
  });

  it('`metrics` reads the store here when no process owns it: JSON by default, valid, with the counts of the job rows', async () => {
    const services = await withHistory();
    const expected = services.metrics.report({ range: '7d' });
    await services.dispose(0);
    owner = undefined;
    const run = await runCli(tmp.path, ['metrics']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as MetricsReport;
    assert.deepEqual(validate(report), []);
    assert.equal(run.stdout, `${JSON.stringify(report, null, 2)}\n`, 'exactly the report, 2-space indented');
    assert.deepEqual(report.personas, expected.personas);
    assert.deepEqual(report.totals, expected.totals);
    assert.ok(report.personas.length >= 5, 'the history is in it');
    assert.deepEqual(report.search, expected.search);
    assert.ok(report.search.topZeroHit.some((z) => z.query === 'no standard covers this'));
    const security = await runCli(tmp.path, ['metrics', '--since', 'all', '--persona', 'security']);
    const filtered = JSON.parse(security.stdout) as MetricsReport;
    assert.deepEqual(validate(filtered), []);
    assert.deepEqual(filtered.personas.map((p) => p.persona), ['security']);
    assert.equal(filtered.range.since, null);
  });

  it('`metrics` answers while another process owns the store, through its MCP endpoint, with the owner\'s counts', async () => {
    const services = await withHistory();
    const endpoint = await startMcpHttp(services);
    owner!.endpoint = endpoint;
    writeEndpointFile(join(tmp.path, '.agent-os'), { url: endpoint.url, token: endpoint.token, pid: process.pid, owner: 'VS Code (test)' });
    const run = await runCli(tmp.path, ['metrics', '--since', '30d']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as MetricsReport;
    assert.deepEqual(validate(report), []);
    assert.equal(report.range.label, '30d');
    assertSameCounts(report, services, 'the owner\'s job rows');
    assert.equal(services.metrics.report({ range: '7d' }).mcp.find((m) => m.tool === 'persona_metrics')?.calls, 1, 'the owner answered it');
    const table = await runCli(tmp.path, ['metrics', '--format', 'table']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^persona\s+runs\s+ok\s+failed/m);
    assert.match(table.stdout, /^security\s+2\s+2\s+0\s/m);
    assert.match(table.stdout, /^Failures: data MODEL_NOT_FOUND ×1, sre BAD_API_KEY ×1$/m);
    assert.match(table.stdout, /^persona_metrics\s+1\s+0\s/m, 'the first call through the owner is in the second');
  });

  it('persona_metrics over the real SDK client returns the same shape, valid against the schema; a bad range is refused', async () => {
    const services = await withHistory();
    const server = createPersonaServer(services);
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    try {
      const result = (await client.callTool({ name: 'persona_metrics', arguments: { since: 'all' } })) as CallToolResult;
      assert.equal(result.isError, undefined);
      const report = JSON.parse((result.content[0] as { text: string }).text) as MetricsReport;
      assert.deepEqual(validate(report), []);
      assertSameCounts(report, services);
      const qa = JSON.parse(((await client.callTool({ name: 'persona_metrics', arguments: { persona: 'qa' } })) as CallToolResult).content.map((c) => (c as { text: string }).text).join('')) as MetricsReport;
      assert.deepEqual(validate(qa), []);
      assert.equal(qa.persona, 'qa');
      assert.ok(qa.personas[0]!.toolCalls > 0, 'the qa review called tools');
      const bad = (await client.callTool({ name: 'persona_metrics', arguments: { since: '2d' } })) as CallToolResult;
      assert.equal(bad.isError, true);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('bad arguments exit 3 and say what to write', async () => {
    for (const [args, said] of [
      [['metrics', '--since', '2d'], /The range "2d" is not one of 7d, 30d, all/],
      [['metrics', '--format', 'xml'], /--format "xml" is not json or table/],
      [['metrics', '--persona'], /--persona needs a value/],
      [['metrics', '--bogus'], /metrics has no option "--bogus"/],
    ] as const) {
      const run = await runCli(tmp.path, [...args]);
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, said);
      assert.equal(run.stdout, '');
    }
  });
});
