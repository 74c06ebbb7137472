import assert from 'node:assert/strict';
import { PersonaError } from '../../src/core/errors';
import { JobStore } from '../../src/jobs/jobStore';
import { JobWatch } from '../../src/jobs/jobWatch';
import type { JobSummary } from '../../src/jobs/types';
import { withTimeout } from '../harness/waitFor';
import { useTempDir } from './tempDir';

describe('JobWatch: following one job until it ends', () => {
  let store: JobStore;
  let watch: JobWatch;
  // Before useTempDir's hooks: the store closes before its folder is removed.
  afterEach(async () => {
    watch.dispose();
    await store.close();
  });
  const tmp = useTempDir();
  beforeEach(async () => {
    store = await JobStore.open({ dir: tmp.path });
    watch = new JobWatch(store);
  });

  it('watch() yields the job as it is, then each change, and ends with the terminal state', async () => {
    const job = await store.create({ persona: 'engineer', task: 'Review' });
    const seen: string[] = [];
    const consumed = (async () => {
      for await (const j of watch.watch(job.id)) seen.push(`${j.status}:${j.percent}`);
    })();
    await store.start(job.id, 'demo model');
    await store.progress(job.id, { phase: 'generating', percent: 50 });
    await store.complete(job.id, { result: 'done', tokensIn: 1, tokensOut: 1 });
    await withTimeout(consumed, 5_000, 'the watch did not end with the job');
    assert.equal(seen[0], 'queued:0');
    assert.equal(seen[seen.length - 1], 'completed:100');
    assert.ok(seen.includes('running:50') || seen.length >= 2, `changes seen: ${seen.join(', ')}`);
    assert.equal(watch.watchedJobs, 0, 'the ended watch let go of its subscription');
  });

  it('whenSettled resolves with the ended job, and calls onChange on the way', async () => {
    const job = await store.create({ persona: 'engineer', task: 'Review' });
    const changes: JobSummary[] = [];
    const settled = watch.whenSettled(job.id, { onChange: (j) => changes.push(j) });
    await store.start(job.id, 'demo model');
    await store.fail(job.id, { code: 'MODEL_ERROR', message: 'boom', hint: 'retry' });
    const final = await withTimeout(settled, 5_000, 'whenSettled did not resolve');
    assert.equal(final.status, 'failed');
    assert.equal(final.error?.code, 'MODEL_ERROR');
    assert.equal(changes[0]?.status, 'queued');
    assert.equal(changes[changes.length - 1]?.status, 'failed');
  });

  it('whenSettled gives up after timeoutMs, or when its signal aborts, with the job as it stands', async () => {
    const job = await store.create({ persona: 'engineer', task: 'Review' });
    await store.start(job.id, 'demo model');
    const timedOut = await watch.whenSettled(job.id, { timeoutMs: 30 });
    assert.equal(timedOut.status, 'running');
    const now = await watch.whenSettled(job.id, { timeoutMs: 0 });
    assert.equal(now.status, 'running', '0 answers at once');
    const abort = new AbortController();
    const waiting = watch.whenSettled(job.id, { signal: abort.signal });
    abort.abort();
    assert.equal((await withTimeout(waiting, 5_000, 'an aborted wait did not resolve')).status, 'running');
    assert.equal(watch.watchedJobs, 0);
  });

  it('a deleted job ends its watch; an unknown id is JOB_NOT_FOUND', async () => {
    const job = await store.create({ persona: 'engineer', task: 'Review' });
    const settled = watch.whenSettled(job.id);
    await store.reset(true);
    const last = await withTimeout(settled, 5_000, 'the watch of a deleted job did not end');
    assert.equal(last.id, job.id);
    await assert.rejects(watch.whenSettled('no-such-job'), (err: unknown) => err instanceof PersonaError && err.code === 'JOB_NOT_FOUND');
  });

  it('a thousand waiters on one job are served by one subscription per event, and all let go', async () => {
    const job = await store.create({ persona: 'engineer', task: 'Review' });
    const listenersBefore = store.events.listenerCount('job:completed');
    const waits = Array.from({ length: 1000 }, () => watch.whenSettled(job.id));
    await store.start(job.id, 'demo model');
    assert.equal(store.events.listenerCount('job:completed'), listenersBefore, 'waiters do not subscribe to the store one by one');
    await store.complete(job.id, { result: 'done', tokensIn: 1, tokensOut: 1 });
    const finals = await withTimeout(Promise.all(waits), 5_000, 'not every waiter resolved');
    assert.ok(finals.every((j) => j.status === 'completed'));
    assert.equal(watch.watchedJobs, 0);
  });
});
