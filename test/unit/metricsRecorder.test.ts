import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Clock } from '../../src/jobs/maintenance';
import { createPersonaServer, type PersonaMcpServer } from '../../src/mcp/server';
import { MAX_TOOL_NAMES, MAX_ZERO_HIT_ROWS, OTHER_TOOL } from '../../src/metrics/recorder';
import type { PersonaServices } from '../../src/services';
import { approveProposal, rejectProposal } from '../../src/standards/approval';
import { startDemoServices } from './demoServices';
import { GATED_ID, GOOD_EVIDENCE, gatedWorkflowText, writeWorkflow } from './gatedWorkflow';
import { useTempDir } from './tempDir';

const STANDARD = `---
title: Error handling
domain: api
tags: [errors]
---
## Context
Services answer errors as JSON.

## Pattern
Return { "error": { "code", "message" } } with a 4xx or 5xx status.
`;

describe('metrics of searches, MCP calls, standards and workflow sessions', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  let server: PersonaMcpServer | undefined;
  let client: Client | undefined;
  let clock = Date.UTC(2026, 11, 1, 12);

  afterEach(async () => {
    await client?.close();
    await server?.close();
    await services?.dispose(0);
    services = undefined;
    server = undefined;
    client = undefined;
  });
  // After the hook above: mocha runs afterEach hooks in order, and the folder goes last.
  const tmp = useTempDir();

  const testClock = (): Clock => ({ now: () => clock, setTimer: (fn, ms) => setTimeout(fn, ms).unref(), clearTimer: (h) => clearTimeout(h as NodeJS.Timeout) });

  async function start(): Promise<PersonaServices> {
    mkdirSync(join(tmp.path, '.agent-os', 'standards', 'api'), { recursive: true });
    writeFileSync(join(tmp.path, '.agent-os', 'standards', 'api', 'errors.md'), STANDARD);
    clock = Date.UTC(2026, 11, 1, 12);
    services = await startDemoServices(tmp.path, { workerCount: 1, clock: testClock() });
    return services;
  }

  it('counts every search through the standards index; zero-hit queries are redacted, lower-cased, trimmed and capped, the most frequent first', async () => {
    const s = await start();
    await s.standards.search({ query: 'error json', limit: 5 });
    for (let i = 0; i < 3; i++) await s.standards.search({ query: '  Kafka RETENTION  ', limit: 5 });
    await s.standards.search({ query: 'token=sk-ant-abcdef0123456789 rotation', limit: 5 });
    await s.standards.search({ query: `zzz${'q'.repeat(400)}`, limit: 5 });
    const { search } = s.metrics.report({ range: '7d' });
    assert.equal(search.queries, 6);
    assert.equal(search.zeroHit, 5);
    assert.equal(search.latencyMs.count, 6);
    assert.ok(search.latencyMs.p50 !== null && search.latencyMs.p50 >= 1);
    assert.deepEqual(search.topZeroHit[0], { query: 'kafka retention', count: 3 });
    const texts = search.topZeroHit.map((z) => z.query);
    assert.ok(texts.every((t) => !t.includes('sk-ant-')), `no secret kept: ${texts.join(' | ')}`);
    assert.ok(texts.includes('token=[redacted] rotation'));
    assert.ok(texts.some((t) => t.length === 200 && t.startsWith('zzzq')), 'capped at 200 characters');
  });

  it(`keeps at most ${MAX_ZERO_HIT_ROWS} zero-hit rows, pruning the rarest`, async () => {
    const s = await start();
    for (let i = 0; i < 3; i++) await s.standards.search({ query: 'frequent miss', limit: 5 });
    for (let i = 0; i < MAX_ZERO_HIT_ROWS + 20; i++) await s.standards.search({ query: `rare miss ${i}`, limit: 5 });
    const report = s.metrics.report({ range: 'all' });
    assert.deepEqual(report.search.topZeroHit[0], { query: 'frequent miss', count: 3 });
    assert.equal(report.search.zeroHit, MAX_ZERO_HIT_ROWS + 23, 'the zero-hit counter counts every one');
    const kept = (s as unknown as { database: { query(sql: string): Record<string, unknown>[] } }).database.query('SELECT COUNT(*) AS n FROM metrics_zero_hits')[0]!['n'];
    assert.equal(kept, MAX_ZERO_HIT_ROWS);
  });

  it('counts MCP calls per tool with their errors and latency, through the real SDK client', async () => {
    const s = await start();
    server = createPersonaServer(s);
    const [a, b] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'test', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    await client.callTool({ name: 'current_date', arguments: {} });
    await client.callTool({ name: 'current_date', arguments: {} });
    await client.callTool({ name: 'check_persona_job', arguments: { job_id: '00000000-0000-4000-8000-000000000000' } });
    await client.callTool({ name: 'search_standards', arguments: { query: 'json errors' } });
    const { mcp, search } = s.metrics.report({ range: '7d' });
    const byTool = Object.fromEntries(mcp.map((m) => [m.tool, { calls: m.calls, errors: m.errors, samples: m.latencyMs.count }]));
    assert.deepEqual(byTool, {
      current_date: { calls: 2, errors: 0, samples: 2 },
      check_persona_job: { calls: 1, errors: 1, samples: 1 },
      search_standards: { calls: 1, errors: 0, samples: 1 },
    });
    assert.equal(mcp[0]!.tool, 'current_date', 'most called first');
    await client.callTool({ name: 'no such tool; DROP TABLE', arguments: {} });
    for (let i = 0; i < MAX_TOOL_NAMES; i++) await client.callTool({ name: `invented_${i}`, arguments: {} });
    const after = s.metrics.report({ range: '7d' }).mcp;
    assert.ok(after.length <= MAX_TOOL_NAMES + 1, `bounded: ${after.length} rows`);
    assert.equal(after.find((m) => m.tool === OTHER_TOOL)?.calls, 4, 'the name that is no tool name, and the three past the limit');
    assert.equal(after.find((m) => m.tool === OTHER_TOOL)?.errors, 4);
    assert.equal(search.queries, 1, 'the MCP search went through the index and was counted there too');
  });

  it('counts proposals and decisions, with the time to decision', async () => {
    const s = await start();
    const ctx = { proposals: s.proposals, workspaceRoot: tmp.path, now: () => clock };
    const body = '## Context\nWhy.\n\n## Pattern\nWhat.\n';
    const one = await s.proposals.create({ domain: 'api', topic: 'paging', title: 'Paging', body, createdBy: 'architect' });
    const two = await s.proposals.create({ domain: 'api', topic: 'retries', title: 'Retries', body, createdBy: 'sre' });
    await s.proposals.create({ domain: 'api', topic: 'naming', title: 'Naming', body, createdBy: 'engineer' });
    clock += 90_000;
    await approveProposal(ctx, one.id, { approvedBy: 'Ada' });
    clock += 3_600_000;
    await rejectProposal(ctx, two.id, 'Covered by errors.md', 'Ada');
    const { standards } = s.metrics.report({ range: '7d' });
    assert.equal(standards.proposed, 3);
    assert.equal(standards.approved, 1);
    assert.equal(standards.rejected, 1);
    assert.equal(standards.decisionMs.count, 2);
    // 90 s and 61.5 min: the p50 is the bound of 90 s's bucket (at most 19% above it).
    assert.ok(standards.decisionMs.p50! >= 90_000 && standards.decisionMs.p50! <= 90_000 * 1.19, String(standards.decisionMs.p50));
    assert.ok(standards.decisionMs.p90! >= 3_690_000 && standards.decisionMs.p90! <= 3_690_000 * 1.19, String(standards.decisionMs.p90));
  });

  it('counts workflow sessions started and completed, and refused evidence by phase', async () => {
    writeWorkflow(tmp.path, GATED_ID, gatedWorkflowText());
    const s = await start();
    const first = await s.sessions.start({ workflowId: GATED_ID, target: 'src' });
    await s.sessions.start({ workflowId: GATED_ID, target: 'lib' });
    assert.equal((await s.sessions.complete(first.id, 0, { files_reviewed: 0 })).accepted, false);
    assert.equal((await s.sessions.complete(first.id, 0, GOOD_EVIDENCE[0])).accepted, true);
    assert.equal((await s.sessions.complete(first.id, 1, {})).accepted, false);
    assert.equal((await s.sessions.complete(first.id, 1, { findings_count: -1 })).accepted, false);
    assert.equal((await s.sessions.complete(first.id, 1, GOOD_EVIDENCE[1])).accepted, true);
    assert.equal((await s.sessions.complete(first.id, 2, GOOD_EVIDENCE[2])).accepted, true);
    const { workflows } = s.metrics.report({ range: '7d' });
    assert.deepEqual(workflows, [{ workflow: GATED_ID, started: 2, completed: 1, refusalsByPhase: { '0': 1, '1': 2 } }]);
  });

  it('writes buffered counts at dispose, so a reopened store reports them', async () => {
    const s = await start();
    await s.standards.search({ query: 'nothing matches this', limit: 5 });
    await s.dispose(0);
    services = await startDemoServices(tmp.path, { workerCount: 1, clock: testClock() });
    const { search } = services.metrics.report({ range: '7d' });
    assert.equal(search.queries, 1);
    assert.deepEqual(search.topZeroHit, [{ query: 'nothing matches this', count: 1 }]);
  });
});
