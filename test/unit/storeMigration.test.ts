import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSqlJs } from '../../src/jobs/sqlite';
import { SNAPSHOT_FILE } from '../../src/jobs/jobStore';
import { settledJob } from './settledJob';
import { REPO_ROOT, useTempDir } from './tempDir';
import { openWholeStore } from './wholeStore';
import { demoSettings, startDemoServices } from './demoServices';

const FIXTURE = join(REPO_ROOT, 'test', 'unit', 'fixtures', 'store-before-persona-jobs');

interface FixtureRows {
  jobs: { id: string; status: string; persona: string; parentId: string | null; result: number; error: string | null }[];
  proposals: { id: string; status: string; title: string; jobId: string | null }[];
}

const expected = (): FixtureRows => JSON.parse(readFileSync(join(FIXTURE, 'rows.json'), 'utf8')) as FixtureRows;

/** The versions recorded in a snapshot: per module, and the legacy global one. */
async function versionsIn(dir: string): Promise<{ modules: Record<string, number>; legacyMax: number }> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(readFileSync(join(dir, SNAPSHOT_FILE)));
  try {
    const modules = Object.fromEntries((db.exec('SELECT module, MAX(version) FROM schema_versions GROUP BY module')[0]?.values ?? []).map(([m, v]) => [String(m), Number(v)]));
    const legacyMax = Number(db.exec('SELECT MAX(version) FROM schema_migrations')[0]?.values[0]?.[0] ?? 0);
    return { modules, legacyMax };
  } finally {
    db.close();
  }
}

describe('a store written before each module owned its migrations', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('opens with every job and proposal intact, records each module\'s version, and stays refusable by older builds', async () => {
    const dir = join(tmp.path, '.agent-os');
    cpSync(FIXTURE, dir, { recursive: true });
    const rows = expected();
    const whole = await openWholeStore(dir);
    try {
      assert.deepEqual(whole.store.notices, [], 'no repair was needed');
      const jobs = whole.store.list({ limit: 500 });
      assert.equal(jobs.length, rows.jobs.length);
      for (const want of rows.jobs) {
        const job = whole.store.require(want.id);
        assert.equal(job.status, want.status, `job ${want.id} (${want.persona})`);
        assert.equal(job.persona, want.persona);
        assert.equal(job.parentId, want.parentId);
        assert.equal(job.result?.length ?? 0, want.result, `the result of ${want.persona} is whole`);
        assert.equal(job.error?.code ?? null, want.error);
      }
      const proposals = whole.proposals.list();
      assert.equal(proposals.length, rows.proposals.length);
      for (const want of rows.proposals) {
        const proposal = whole.proposals.get(want.id);
        assert.equal(proposal?.status, want.status);
        assert.equal(proposal?.title, want.title);
        assert.equal(proposal?.jobId, want.jobId, 'the link to the job that proposed it is kept');
      }
    } finally {
      await whole.close();
    }
    const versions = await versionsIn(dir);
    assert.deepEqual(versions.modules, { jobs: 3, standards: 1, workflows: 1, metrics: 1, findings: 1 }, 'the legacy versions 1-3 became jobs 1-2 and standards 1; the jobs module\'s later migration and the workflows, metrics and findings modules, newer than the store, were migrated in');
    assert.ok(versions.legacyMax > 3, `a build from before the change reads schema ${versions.legacyMax} and refuses the store as newer`);

    // A second open changes nothing more and still finds everything.
    const again = await openWholeStore(dir);
    try {
      assert.equal(again.store.list({ limit: 500 }).length, rows.jobs.length);
      assert.equal(again.proposals.list().length, rows.proposals.length);
    } finally {
      await again.close();
    }
    assert.deepEqual(await versionsIn(dir), versions);
  });

  it('the services take it over: the job the crash left running runs again and completes', async () => {
    cpSync(FIXTURE, join(tmp.path, '.agent-os'), { recursive: true });
    const running = expected().jobs.find((j) => j.status === 'running');
    assert.ok(running, 'the fixture has a job a crash left running');
    const services = await startDemoServices(tmp.path, { workerCount: 1, modelSettings: () => demoSettings(1024) });
    try {
      assert.deepEqual(services.recovered.requeued.map((j) => j.id), [running.id]);
      const done = await settledJob(services, running.id);
      assert.equal(done.status, 'completed', done.error?.message);
      assert.equal(done.attempt, 2);
      assert.equal(services.proposals.list('pending').length, 2, 'the pending proposals wait for a person as before');
    } finally {
      await services.dispose(0);
    }
  });
});
