import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PersonaServices } from '../../src/services';
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
});
