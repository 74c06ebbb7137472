import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runLoad } from '../../bench/loadFaults';
import { describeLoad } from '../../bench/load';
import type { PersonaServices } from '../../src/services';
import type { JobSummary } from '../../src/jobs/types';
import { waitFor } from '../harness/waitFor';
import { startDemoServices } from './demoServices';
import { REPO_ROOT, useTempDir } from './tempDir';

// The CI-sized `npm run bench -- --load`: the same run, smaller, with the same checks.
describe('load with model faults (20 jobs from 2 stdio proxies and 2 HTTP clients, the demo model failing at random)', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('ends every acknowledged job completed or failed with a code and hint, none lost or left running, the pool at 3 workers throughout', async () => {
    // Seed 3 draws every fault kind for these 20 jobs (the draws repeat: a seed, a job and an attempt fix each one).
    const report = await runLoad(tmp.path, { jobs: 20, stdioClients: 2, httpClients: 2, seed: 3, workers: 3, jobTimeoutMs: 3000, requestTimeoutSeconds: 60, drainTimeoutMs: 90_000 });
    const figures = describeLoad(report).join('\n');
    if (process.env['LOAD_FIGURES']) console.log(figures);
    assert.deepEqual(report.stdioModes, ['proxy', 'proxy'], `both stdio children forward to the owner\n${figures}`);
    assert.deepEqual(report.refused, [], figures);
    assert.equal(report.jobs.length, 20, figures);
    assert.deepEqual(report.lost, [], `every acknowledged job is found, in the store and through its client\n${figures}`);
    assert.deepEqual(report.open, [], `no job is left queued or running\n${figures}`);
    assert.deepEqual(report.withoutHint, [], `every failed job has a code and a hint\n${figures}`);
    assert.deepEqual(report.late, [], `every job ended within its limit\n${figures}`);
    assert.deepEqual(report.misread, [], figures);
    assert.deepEqual([...report.poolSizes], [3], figures);
    assert.deepEqual([...report.liveWorkers], [3], `a timed-out worker is replaced at once\n${figures}`);
    for (const job of report.jobs) assert.ok(['completed', 'failed'].includes(job.row?.status ?? ''), `${job.id}: ${job.row?.status}`);
    // The run met what it is about: faults of every kind, and jobs that survived them.
    for (const draw of ['review', '429', '529', '500', 'cut', 'hang']) assert.ok((report.served.get(draw) ?? 0) > 0, `the model drew ${draw} at least once\n${figures}`);
    const codes = new Set(report.jobs.map((j) => (j.row?.status === 'failed' ? j.row.error?.code : j.row?.status)));
    assert.ok(codes.has('completed') && codes.has('JOB_TIMEOUT'), `some jobs completed and a hung one timed out\n${figures}`);
    assert.ok(report.replacedWorkers > 0, figures);
  });
});

describe('a job whose worker never finishes loading', function () {
  this.timeout(30_000);
  let services: PersonaServices | undefined;
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  it('fails JOB_TIMEOUT once its wait for the worker outlasts the start bound, and the pool goes on to the next job', async () => {
    const workerScript = join(REPO_ROOT, 'out', 'test', 'unit', 'fixtures', 'neverReadyWorker.js');
    // The job's own limit is long: only the bound on the worker's start can end this wait.
    const s = await startDemoServices(tmp.path, { workerScript, workerCount: 1, jobTimeoutMs: () => 600_000, workerStartTimeoutMs: 300 });
    services = s;
    const first = await s.store.create({ persona: 'engineer', task: 'waits on a worker that never loads' });
    const second = await s.store.create({ persona: 'engineer', task: 'queued behind it' });
    for (const job of [first, second]) {
      const ended = await waitFor(() => (s.store.summary(job.id)?.status === 'failed' ? s.store.summary(job.id) : undefined), { timeoutMs: 10_000, message: `job "${job.task}" to fail` });
      assert.equal(ended.error?.code, 'JOB_TIMEOUT');
      assert.match(ended.error?.message ?? '', /waited 300 ms for its worker to start/);
      assert.match(ended.error?.hint ?? '', /workerCount/);
    }
    assert.equal(s.pool.size, 1);
  });

  it('keeps the other workers busy while one is still loading (no job waits behind it)', async () => {
    const mark = join(tmp.path, 'stuck-worker');
    process.env['AGENT_OS_STUCK_WORKER_MARK'] = mark;
    try {
      const workerScript = join(REPO_ROOT, 'out', 'test', 'unit', 'fixtures', 'oneStuckWorker.js');
      // The start bound outlasts the wait below: only a pool that goes past the loading worker passes.
      const s = await startDemoServices(tmp.path, { workerScript, workerCount: 2, workerStartTimeoutMs: 120_000 });
      services = s;
      const jobs: JobSummary[] = [];
      for (let i = 0; i < 4; i++) jobs.push(await s.store.create({ persona: 'engineer', task: `job ${i}` }));
      const completed = await waitFor(() => {
        const done = jobs.filter((j) => s.store.summary(j.id)?.status === 'completed');
        return done.length === 3 ? done : undefined;
      }, { timeoutMs: 30_000, message: 'three of the four jobs to complete on the worker that loaded' });
      assert.equal(completed.length, 3);
      const waiting = jobs.filter((j) => !completed.includes(j));
      assert.equal(s.store.summary(waiting[0]!.id)?.status, 'running', 'the fourth still waits for the stuck worker, within its bound');
    } finally {
      delete process.env['AGENT_OS_STUCK_WORKER_MARK'];
    }
  });
});
