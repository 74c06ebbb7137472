import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateFolder } from '../../src/core/privateFolder';
import { FindingsService } from '../../src/findings/findingsService';
import { JobStore } from '../../src/jobs/jobStore';
import { JournaledDatabase } from '../../src/jobs/journaledDatabase';
import { STORE_SCHEMA, type PersonaServices } from '../../src/services';
import { startDemoServices } from './demoServices';
import { settledJob } from './settledJob';
import { useTempDir } from './tempDir';

/** A file the demo model's security and engineer rules match at known lines. */
const APP = [
  "import { db } from './db';", // 1
  '', // 2
  'export function find(id: string) {', // 3
  '  const apiKey = "sk-live-123456";', // 4
  '  return db.query(`SELECT * FROM users WHERE id = ${id}`);', // 5
  '}', // 6
  '', // 7
  'export function swallow(x: any) {', // 8
  '  try { run(x); } catch (e) {}', // 9
  '}', // 10
  '',
].join('\n');

describe('findings rows: a completed review is stored as findings with its job', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  // Registered before the temp folder's, so the store closes before its folder goes.
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  function workspace(): void {
    mkdirSync(join(tmp.path, 'src'), { recursive: true });
    writeFileSync(join(tmp.path, 'src', 'app.ts'), APP);
  }

  it('a real review (demo model through the services) stores one row per finding at the cited lines, anchored and fingerprinted', async () => {
    workspace();
    services = await startDemoServices(tmp.path);
    const job = await services.jobs.ask({ persona: 'security', task: 'Review this file', context: { files: ['src/app.ts'] } });
    const done = await settledJob(services, job.id);
    assert.equal(done.status, 'completed');
    const rows = services.findings.forJob(job.id);
    const at = rows.map((r) => `${r.severity} ${r.file}:${r.startLine}-${r.endLine} ${r.title}`);
    assert.deepEqual(at, ['critical src/app.ts:4-4 Hard-coded credential', 'high src/app.ts:5-5 SQL built by string concatenation']);
    for (const r of rows) {
      assert.equal(r.anchored, true, r.title);
      assert.match(r.fingerprint, /^[0-9a-f]{32}$/);
      assert.equal(r.persona, 'security');
      assert.equal(r.rootJobId, job.id);
      assert.equal(r.scope, null, 'a file review has no diff to scope by');
      assert.ok(r.why && r.recommendation && r.evidence?.includes('`src/app.ts:'), 'the why, the recommendation and the evidence are kept');
    }
    assert.deepEqual(rows.map((r) => r.ordinal), [1, 2]);
    assert.deepEqual(services.findings.list({ file: 'src/app.ts' }).map((r) => r.fingerprint).sort(), rows.map((r) => r.fingerprint).sort());
  });

  it('a panel\'s rows are its personas\': each under its own job, with the panel as root; the parent has none of its own', async () => {
    workspace();
    services = await startDemoServices(tmp.path, { workerCount: 3 });
    const panel = await services.jobs.askPanel({ personas: ['security', 'engineer'], task: 'Review this file', context: { files: ['src/app.ts'] } });
    assert.equal((await settledJob(services, panel.parent.id, 60_000)).status, 'completed');
    const rows = services.findings.forJob(panel.parent.id);
    const children = new Map(panel.children.map((c) => [c.id, c.persona]));
    assert.ok(rows.length >= 4, `both personas found something (${rows.length} rows)`);
    assert.deepEqual(new Set(rows.map((r) => r.persona)), new Set(['security', 'engineer']));
    for (const r of rows) {
      assert.equal(r.rootJobId, panel.parent.id);
      assert.equal(children.get(r.jobId), r.persona, 'each row is under its persona\'s child job');
    }
    for (const child of panel.children) {
      assert.deepEqual(services.findings.forJob(child.id), rows.filter((r) => r.jobId === child.id), `${child.persona}'s job has its own rows`);
    }
    assert.equal(services.findings.list({ jobId: panel.parent.id }).length, rows.length, 'list by the panel\'s id finds them all');
    assert.deepEqual(rows.filter((r) => r.persona === 'engineer').map((r) => `${r.file}:${r.startLine} ${r.title}`), ['src/app.ts:9 Error swallowed', 'src/app.ts:8 `any` defeats the type checker']);
  });

  it('retention and reset delete a job\'s findings with it', async () => {
    workspace();
    services = await startDemoServices(tmp.path);
    const first = await services.jobs.ask({ persona: 'security', task: 'Review', context: { files: ['src/app.ts'] } });
    await settledJob(services, first.id);
    assert.equal(services.findings.list().length, 2);
    assert.equal(await services.store.cleanup({ completedDays: 0, failedDays: 0, cancelledDays: 0 }), 1);
    assert.deepEqual(services.findings.list({ includeSuppressed: true }), [], 'retention took them');
    const second = await services.jobs.ask({ persona: 'security', task: 'Review', context: { files: ['src/app.ts'] } });
    await settledJob(services, second.id);
    assert.equal(services.findings.list().length, 2);
    await services.store.reset(true);
    assert.deepEqual(services.findings.list({ includeSuppressed: true }), [], 'reset took them');
  });

  it('an answer outside the review template: the job completes with its answer kept, and no rows', async () => {
    workspace();
    services = await startDemoServices(tmp.path);
    const job = await services.jobs.ask({ persona: 'security', task: 'Review [[demo:not-template]]', context: { files: ['src/app.ts'] } });
    const done = await settledJob(services, job.id);
    assert.equal(done.status, 'completed');
    assert.match(done.result ?? '', /Looks fine to me/);
    assert.deepEqual(services.findings.forJob(job.id), []);
    const presented = services.findings.present(job.id, 'apart');
    assert.equal(presented.notInTemplate, true);
    assert.match(presented.markdown, /does not follow the review template[^]*Looks fine to me/, 'a note above the answer, which is kept as written');
  });

  it('a retried job\'s rows are those of its last answer: the statements of a completion replace the job\'s old rows', async () => {
    workspace();
    const dir = join(tmp.path, '.agent-os');
    ensurePrivateFolder(dir);
    const database = await JournaledDatabase.open({ dir, schema: STORE_SCHEMA, now: Date.now, log: () => undefined });
    try {
      const findings = new FindingsService({ database, workspaceRoot: tmp.path, log: () => undefined });
      const store = new JobStore(database, dir, { onComplete: findings.onComplete });
      const answer = (n: number): string => ['## Findings', '', ...Array.from({ length: n }, (_, i) => `### ${i + 1}. [HIGH] Problem ${i + 1}\n\n- **Evidence:** \`src/app.ts:${i + 4}\` — \`x\`\n`)].join('\n');
      const job = await store.create({ persona: 'security', task: 'Review', source: 'cli' });
      await store.start(job.id, 'demo');
      await store.fail(job.id, { code: 'MODEL_TIMEOUT', message: 'slow', hint: 'retry' });
      assert.deepEqual(findings.forJob(job.id), [], 'a failed job has none');
      await store.retry(job.id);
      await store.start(job.id, 'demo');
      await store.complete(job.id, { result: answer(3), tokensIn: 1, tokensOut: 1 });
      assert.deepEqual(findings.forJob(job.id).map((f) => f.title), ['Problem 1', 'Problem 2', 'Problem 3']);
      // A completion written again for the job (its rows are whatever its last answer holds).
      const again = await findings.onComplete(store.require(job.id), { result: answer(1), tokensIn: 1, tokensOut: 1 }, false);
      await database.writeAll(again);
      assert.deepEqual(findings.forJob(job.id).map((f) => `${f.ordinal} ${f.title} ${f.startLine}`), ['1 Problem 1 4']);
      await store.close();
    } finally {
      await database.close();
    }
  });
});
