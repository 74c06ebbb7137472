import assert from 'node:assert/strict';
import { join } from 'node:path';
import { JobStore } from '../../src/jobs/jobStore';
import { PersonaServices } from '../../src/services';
import type { ModelSettings } from '../../src/personas/modelResolver';
import { deferred, withTimeout } from '../harness/waitFor';
import type { JobSummary } from '../../src/jobs/types';
import { settledJob } from './settledJob';
import { REPO_ROOT, useTempDir } from './tempDir';
import { demoSettings, PERSONA_WORKER, startDemoServices } from './demoServices';
import { releaseDroppedStore } from './droppedStore';

const demo = (): ModelSettings => demoSettings(1024);

describe('the job engine: pool, crash and recovery', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  const start = async (overrides: { workerCount?: number; workerMemoryMb?: number; workerScript?: string } = {}): Promise<PersonaServices> => {
    services = await startDemoServices(tmp.path, { workerScript: overrides.workerScript ?? PERSONA_WORKER, workerCount: overrides.workerCount ?? 3, workerMemoryMb: overrides.workerMemoryMb, modelSettings: demo });
    return services;
  };

  it('runs 10 jobs on a pool of 3: all complete, never more than 3 at once, priority then FIFO', async () => {
    const s = await start();
    let running = 0;
    let peak = 0;
    const startOrder: string[] = [];
    s.store.events.on('job:started', (j) => {
      running += 1;
      peak = Math.max(peak, running);
      startOrder.push(j.task);
    });
    for (const e of ['job:completed', 'job:failed', 'job:cancelled'] as const) s.store.events.on(e, () => (running -= 1));
    // Three slow jobs take every worker; the seven after them wait in the queue.
    const allBusy = deferred<void>();
    s.store.events.on('job:started', () => {
      if (running === 3) allBusy.resolve();
    });
    const blockers = await Promise.all([1, 2, 3].map((i) => s.store.create({ persona: 'engineer', task: `blocker ${i} [[demo:slow]]` })));
    await withTimeout(allBusy.promise, 15_000, 'the three blockers never ran together');
    const waiting = [
      { task: 'p0 first', priority: 0 },
      { task: 'p5 first', priority: 5 },
      { task: 'p1', priority: 1 },
      { task: 'p5 second', priority: 5 },
      { task: 'p0 second', priority: 0 },
      { task: 'p9', priority: 9 },
      { task: 'p1 second', priority: 1 },
    ];
    const queued: JobSummary[] = [];
    for (const w of waiting) queued.push(await s.store.create({ persona: 'engineer', ...w }));
    const all = await Promise.all([...blockers, ...queued].map((j) => settledJob(s, j.id, 50_000)));
    assert.deepEqual(all.map((j) => j.status), Array(10).fill('completed'));
    assert.ok(peak <= 3, `at most 3 ran at once (peak ${peak})`);
    assert.equal(peak, 3, 'the pool used all 3 workers');
    assert.deepEqual(startOrder.slice(3), ['p9', 'p5 first', 'p5 second', 'p1', 'p1 second', 'p0 first', 'p0 second']);
  });

  it('stops a runaway answer before it exhausts the worker, and keeps going', async () => {
    const s = await start();
    const flood = await s.store.create({ persona: 'engineer', task: 'runaway answer [[demo:flood]]' });
    const failed = await settledJob(s, flood.id, 30_000);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'MODEL_ERROR');
    assert.match(failed.error?.message ?? '', /kept writing past \d+ characters/);
    assert.equal(s.pool.size, 3);
    const after = await s.store.create({ persona: 'engineer', task: 'still working?' });
    assert.equal((await settledJob(s, after.id)).status, 'completed');
  });

  it('fails a job whose worker dies mid-stream with WORKER_CRASHED, and replaces the worker', async () => {
    // The worker thread exits on its first streamed text while the demo model is still writing
    // ([[demo:slow]]), so the crash happens mid-job with a live model connection.
    const s = await start({ workerScript: join(REPO_ROOT, 'out', 'test', 'unit', 'fixtures', 'faultyWorker.js') });
    await s.pool.ready();
    const demoServer = await s.models.demoServer();
    const closed = deferred<void>();
    demoServer.events.on('closed', () => closed.resolve());
    const replaced = deferred<string>();
    s.pool.events.on('worker:replaced', (e) => replaced.resolve(e.reason));
    const doomed = await s.store.create({ persona: 'engineer', task: 'review this [[demo:slow]] [[test:exit-worker]]' });
    const failed = await settledJob(s, doomed.id, 30_000);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'WORKER_CRASHED');
    assert.match(failed.error?.message ?? '', /stopped unexpectedly \(worker exited with code 70\)/);
    assert.match(failed.error?.hint ?? '', /Retry the job/);
    assert.match(await withTimeout(replaced.promise, 5_000, 'the worker was never replaced'), /code 70/);
    await withTimeout(closed.promise, 5_000, 'the dead worker\'s model connection never closed');
    assert.equal(s.pool.size, 3, 'the pool is back to 3 workers');
    // The replacement works: three jobs at once complete, one per worker.
    const after = await Promise.all([1, 2, 3].map((i) => s.store.create({ persona: 'engineer', task: `after the crash ${i}` })));
    const done = await Promise.all(after.map((j) => settledJob(s, j.id)));
    assert.deepEqual(done.map((j) => j.status), ['completed', 'completed', 'completed']);
  });

  it('does not start a job retried at once while its cancelled run is still stopping on a worker', async () => {
    // The worker says "cancelled" 500 ms late ([[test:slow-cancel]]). A second worker is free the
    // whole time; if the retried job started there, the late reply would cancel the new attempt.
    const s = await start({ workerCount: 2, workerScript: join(REPO_ROOT, 'out', 'test', 'unit', 'fixtures', 'faultyWorker.js') });
    await s.pool.ready();
    const generating = deferred<void>();
    s.store.events.on('job:progress', (j) => {
      if (j.phase === 'generating') generating.resolve();
    });
    const job = await s.store.create({ persona: 'engineer', task: 'review this [[demo:slow]] [[test:slow-cancel]]' });
    await withTimeout(generating.promise, 15_000, 'never started generating');
    const starts: number[] = [];
    s.store.events.on('job:started', (j) => j.id === job.id && starts.push(j.attempt));
    assert.equal((await s.jobs.cancel(job.id)).status, 'cancelled');
    assert.equal((await s.store.retry(job.id)).status, 'queued');
    const done = await settledJob(s, job.id, 30_000);
    assert.equal(done.status, 'completed', `the second attempt ended ${done.status}: ${done.error?.message ?? done.message ?? ''}`);
    assert.equal(done.attempt, 2);
    assert.deepEqual(starts, [2], 'the second attempt started once');
  });

  it('re-queues a job left running by a crashed process and completes it; fails one past its attempts', async () => {
    // A process that "crashed": it marked two jobs running and never closed the store.
    const crashed = await JobStore.open({ dir: join(tmp.path, '.agent-os') });
    const orphan = await crashed.create({ persona: 'engineer', task: 'orphaned mid-run' });
    await crashed.start(orphan.id, 'demo model');
    const tired = await crashed.create({ persona: 'engineer', task: 'interrupted too often' });
    await crashed.start(tired.id, 'demo model');
    for (let i = 1; i < 3; i++) {
      // Simulate two earlier interrupted runs of the same job.
      await crashed.fail(tired.id, { code: 'INTERNAL', message: 'x', hint: 'y' });
      await crashed.retry(tired.id);
      await crashed.start(tired.id, 'demo model');
    }
    const s = await start();
    assert.deepEqual(s.recovered.requeued.map((j) => j.id), [orphan.id]);
    assert.deepEqual(s.recovered.failed.map((j) => j.id), [tired.id]);
    assert.equal(s.store.get(tired.id)?.error?.code, 'JOB_INTERRUPTED');
    const done = await settledJob(s, orphan.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.attempt, 2);
    await releaseDroppedStore(crashed);
  });

  it('on a graceful stop, re-queues the running job with its latest partial output', async () => {
    const s = await start({ workerCount: 1 });
    const generating = deferred<void>();
    s.store.events.on('job:progress', (j) => {
      if (j.phase === 'generating') generating.resolve();
    });
    const job = await s.store.create({ persona: 'engineer', task: 'long review [[demo:slow]]' });
    await withTimeout(generating.promise, 15_000, 'never started generating');
    await s.dispose(2000);
    services = undefined;
    const reopened = await JobStore.open({ dir: join(tmp.path, '.agent-os') });
    try {
      const row = reopened.require(job.id);
      assert.equal(row.status, 'queued');
      assert.equal(row.attempt, 1, 'a graceful stop does not count as an attempt');
      assert.ok((row.partialOutput ?? '').length > 0, 'the checkpointed partial output is kept');
    } finally {
      await reopened.close();
    }
  });

  it('closes the model connection within 100 ms of cancelling a running job', async () => {
    const s = await start({ workerCount: 1 });
    const demoServer = await s.models.demoServer();
    const closedAt = deferred<number>();
    demoServer.events.on('closed', (e) => closedAt.resolve(e.at));
    const generating = deferred<void>();
    s.store.events.on('job:progress', (j) => {
      if (j.phase === 'generating') generating.resolve();
    });
    const job = await s.store.create({ persona: 'engineer', task: 'cancel me [[demo:slow]]' });
    await withTimeout(generating.promise, 15_000, 'never started generating');
    const t0 = performance.now();
    await s.jobs.cancel(job.id);
    const delay = (await withTimeout(closedAt.promise, 2_000, 'the connection never closed')) - t0;
    assert.ok(delay < 100, `connection closed ${delay.toFixed(1)} ms after cancel`);
    const final = await settledJob(s, job.id);
    assert.equal(final.status, 'cancelled');
    assert.equal(final.result, null, 'a cancelled job has no result');
  });
});
