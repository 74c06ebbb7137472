import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { JournaledDatabase } from '../../src/jobs/journaledDatabase';
import { JOB_SOURCES, TERMINAL_STATUSES, type JobSummary } from '../../src/jobs/types';
import { jobMeterStatements } from '../../src/metrics/jobMeter';
import { METRICS_SCHEMA } from '../../src/metrics/migrations';
import { costOf, PriceTable } from '../../src/metrics/prices';
import { buildReport } from '../../src/metrics/report';
import { MetricsService } from '../../src/metrics/metricsService';
import { createPersonaServer } from '../../src/mcp/server';
import { JOBS_SCHEMA } from '../../src/jobs/migrations';
import { STORE_SCHEMA, type PersonaServices } from '../../src/services';
import { startDemoServices } from './demoServices';
import { assertSameCounts, fromReport, runJobMix } from './metricsMix';
import { settledJob } from './settledJob';
import { REPO_ROOT, useTempDir } from './tempDir';

describe('job metrics: metered in the terminal write, kept when the jobs go', function () {
  this.timeout(120_000);
  let services: PersonaServices | undefined;
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  it('after a mix of completed, failed and cancelled jobs the counters equal the rows: by persona, status, error code, source, tokens, tool calls', async () => {
    services = await startDemoServices(tmp.path);
    await runJobMix(services);
    const report = services.metrics.report({ range: '7d' });
    assertSameCounts(report, services);
    const rows = services.store.listSummaries({ limit: 500 }).filter((j) => TERMINAL_STATUSES.has(j.status));
    for (const p of report.personas) {
      const mine = rows.filter((j) => j.persona === p.persona);
      const bySource = Object.fromEntries(JOB_SOURCES.map((s) => [s, mine.filter((j) => j.source === s).length]));
      assert.deepEqual(p.bySource, bySource, `${p.persona} by source`);
      assert.equal(p.tokens.cacheRead, mine.reduce((n, j) => n + j.cacheReadTokens, 0), `${p.persona} cache read`);
      assert.equal(p.tokens.cacheWrite, mine.reduce((n, j) => n + j.cacheWriteTokens, 0), `${p.persona} cache write`);
      const started = mine.filter((j) => j.startedAt !== null).length;
      assert.equal(p.durationMs.count, started, `${p.persona}: a duration for each run that started`);
      assert.equal(p.queueWaitMs.count, started);
    }
    assert.deepEqual(report.personas.find((p) => p.persona === 'data')?.failedByCode, { MODEL_NOT_FOUND: 1 });
    assert.deepEqual(report.personas.find((p) => p.persona === 'sre')?.failedByCode, { BAD_API_KEY: 1 });
    assert.equal(report.totals.invocations, rows.length);
    // Priced by the model id each row names (the demo model's: free, and said so).
    const priced = costOf(rows.map((j) => [j.modelId ?? '', { input: j.tokensIn, output: j.tokensOut, cacheRead: j.cacheReadTokens, cacheWrite: j.cacheWriteTokens }] as const), PriceTable.builtIn());
    assert.deepEqual(report.totals.cost, priced);
    assert.ok(priced.demoTokens + priced.unpricedTokens > 0, 'the demo runs used tokens');
    assert.equal(report.days.length, report.personas.length, 'one day, one row per persona');
  });

  it('after reset_persona_jobs and a retention cleanup the report is unchanged', async () => {
    services = await startDemoServices(tmp.path);
    await runJobMix(services);
    const before = services.metrics.report({ range: 'all' });
    assert.ok(before.totals.invocations >= 7);
    await services.store.cleanup({ completedDays: 0, failedDays: 0, cancelledDays: 0 });
    const server = createPersonaServer(services);
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    await client.callTool({ name: 'reset_persona_jobs', arguments: { confirm: true } });
    await client.close();
    await server.close();
    assert.equal(services.store.stats().total, 0, 'the jobs are gone');
    const after = services.metrics.report({ range: 'all', now: Date.parse(before.generatedAt) });
    assert.deepEqual({ ...after, mcp: [] }, { ...before, mcp: [] }, 'every figure but the MCP calls just made');
  });

  it('a panel counts once as `panel` with no tokens of its own; its children carry them', async () => {
    services = await startDemoServices(tmp.path, { workerCount: 3 });
    const panel = await services.jobs.askPanel({ personas: ['security', 'qa'], task: 'Review this', context: { text: 'export const x = 1;\n' } });
    await settledJob(services, panel.parent.id, 60_000);
    const report = services.metrics.report({ range: '7d' });
    const byPersona = fromReport(report);
    assert.equal(byPersona['panel']?.invocations, 1);
    assert.equal(byPersona['panel']?.tokensIn, 0);
    assert.equal(byPersona['panel']?.toolCalls, 0);
    const children = services.store.listSummaries({ parentId: panel.parent.id });
    assert.equal(children.length, 2);
    const childTokens = children.reduce((n, j) => n + j.tokensIn, 0);
    assert.ok(childTokens > 0);
    assert.equal(report.totals.tokens.input, childTokens, 'the total is the children\'s, counted once');
  });

  it('a retried job that ends again counts again', async () => {
    services = await startDemoServices(tmp.path, { workerCount: 1 });
    const job = await services.jobs.ask({ persona: 'data', task: 'Review [[demo:404]]', context: { text: 'x\n' } });
    await settledJob(services, job.id);
    await services.jobs.retry(job.id);
    await settledJob(services, job.id);
    const data = services.metrics.report({ range: '7d' }).personas.find((p) => p.persona === 'data');
    assert.equal(data?.invocations, 2);
    assert.deepEqual(data?.failedByCode, { MODEL_NOT_FOUND: 2 });
  });

  it('costs are computed when read: history is re-priced by a price override; jobCost prices one job', async () => {
    const database = await JournaledDatabase.open({ dir: tmp.path, schema: [JOBS_SCHEMA, METRICS_SCHEMA], now: Date.now });
    try {
      const now = Date.UTC(2026, 11, 1, 12);
      const job = (persona: string, modelId: string, tokensIn: number, tokensOut: number): JobSummary =>
        ({ id: persona, persona, status: 'completed', source: 'cli', error: null, tokensIn, tokensOut, cacheReadTokens: 0, cacheWriteTokens: 0, modelId, toolCalls: 0, createdAt: now - 5000, startedAt: now - 4000, finishedAt: now }) as unknown as JobSummary;
      await database.writeAll([...jobMeterStatements(job('security', 'claude-sonnet-4-5-20250929', 1_000_000, 100_000), false, now), ...jobMeterStatements(job('qa', 'vscode-lm:copilot/gpt-4o', 500, 50), false, now)]);
      const builtIn = buildReport(database, PriceTable.builtIn(), { range: '7d', now });
      // 1,000,000 × $3 + 100,000 × $15 per million = $4.50.
      assert.equal(builtIn.personas.find((p) => p.persona === 'security')?.cost.usd, 4.5);
      assert.deepEqual(builtIn.personas.find((p) => p.persona === 'qa')?.cost, { usd: null, demoTokens: 0, unpricedTokens: 550 }, 'an editor model: unknown, not 0');
      assert.deepEqual(builtIn.totals.cost, { usd: 4.5, demoTokens: 0, unpricedTokens: 550 });
      const { table } = PriceTable.fromSetting({ 'claude-sonnet-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 } });
      const repriced = buildReport(database, table, { range: '7d', now });
      assert.equal(repriced.personas.find((p) => p.persona === 'security')?.cost.usd, 1.5, 'the same tokens at the new price');
      assert.equal(repriced.prices.source, 'settings');
      const metrics = new MetricsService({ database, log: () => undefined });
      // 2,000 × $1 + 1,000 × $5 + 10,000 × $0.10 + 4,000 × $1.25 per million = $0.013.
      assert.deepEqual(metrics.jobCost({ tokensIn: 2000, tokensOut: 1000, cacheReadTokens: 10_000, cacheWriteTokens: 4000, modelId: 'claude-haiku-4-5' }), { usd: 0.013, demoTokens: 0, unpricedTokens: 0 });
      await metrics.dispose();
    } finally {
      await database.close();
    }
  });

  it('a kill -9 reopen keeps exactly the job counts the store kept (6 trials)', async () => {
    for (let trial = 0; trial < 6; trial++) {
      const dir = join(tmp.path, `trial-${trial}`);
      const acked = await runAndKill(dir, 1 + Math.floor(Math.random() * 120));
      const database = await JournaledDatabase.open({ dir, schema: STORE_SCHEMA, now: Date.now });
      try {
        const rows = database.query(`SELECT status, COUNT(*) AS n FROM jobs WHERE status IN ('completed', 'failed', 'cancelled') GROUP BY status`);
        const fromRows = Object.fromEntries(rows.map((r) => [String(r['status']), Number(r['n'])]));
        const metrics = new MetricsService({ database, log: () => undefined });
        const totals = metrics.report({ range: 'all' }).totals;
        await metrics.dispose();
        assert.deepEqual({ completed: totals.completed, failed: totals.failed, cancelled: totals.cancelled }, { completed: fromRows['completed'] ?? 0, failed: fromRows['failed'] ?? 0, cancelled: fromRows['cancelled'] ?? 0 }, `trial ${trial}: the counts are the rows'`);
        for (const status of ['completed', 'failed', 'cancelled'] as const) assert.ok((fromRows[status] ?? 0) >= acked[status], `trial ${trial}: every acknowledged ${status} end is kept`);
        assert.equal(totals.tokens.cacheRead, 7 * totals.completed, 'the cache tokens of each completed job, once');
      } finally {
        await database.close();
      }
    }
  });
});

/** Runs the metered writer until it has acknowledged `killAfter` ends, then SIGKILLs it. */
function runAndKill(dir: string, killAfter: number): Promise<Record<'completed' | 'failed' | 'cancelled', number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', join(REPO_ROOT, 'out/test/unit/setup.js'), join(REPO_ROOT, 'out/test/unit/fixtures/metricsCrashWriter.js'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = { completed: 0, failed: 0, cancelled: 0 };
    let count = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [kind, status] = line.split(' ');
      if (kind !== 'ACK') return;
      acked[status as keyof typeof acked] += 1;
      if (++count === killAfter) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code ?? signal} before the kill: ${stderr}`));
    });
  });
}
