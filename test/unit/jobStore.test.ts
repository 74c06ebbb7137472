import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { JOURNAL_FILE, JobStore, SNAPSHOT_FILE } from '../../src/jobs/jobStore';
import { Journal } from '../../src/jobs/journal';
import { loadSqlJs } from '../../src/jobs/sqlite';
import type { JobSummary } from '../../src/jobs/types';
import { releaseDroppedStore } from './droppedStore';
import { useTempDir } from './tempDir';

async function rejectsWithCode(promise: Promise<unknown> | (() => unknown), code: string, message?: RegExp): Promise<void> {
  await assert.rejects(async () => (typeof promise === 'function' ? promise() : promise), (err: unknown) => {
    assert.ok(err instanceof PersonaError, `expected a PersonaError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    assert.ok(err.hint.length > 0, 'every error carries a hint');
    return true;
  });
}

describe('JobStore', () => {
  const tmp = useTempDir();

  it('round-trips create, get, start, progress and complete on real sql.js', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const events: string[] = [];
    for (const e of ['job:created', 'job:started', 'job:progress', 'job:completed'] as const) store.events.on(e, () => events.push(e));
    const created = await store.create({ persona: 'architect', task: 'Review the module', context: 'File: a.ts\n1| x' });
    assert.equal(created.status, 'queued');
    assert.deepEqual(created, store.summary(created.id), 'create returns exactly the row it wrote (as a summary)');
    assert.equal(store.require(created.id).context, 'File: a.ts\n1| x', 'the context is in the row, not in the summary');
    assert.ok(!('context' in created), 'the summary carries no context');
    await store.start(created.id, 'demo model');
    const progressed = await store.progress(created.id, { phase: 'generating', percent: 40, message: 'writing', partialOutput: '# Arch' });
    assert.equal(progressed.phase, 'generating');
    assert.equal(progressed.percent, 40);
    assert.equal(store.require(created.id).partialOutput, '# Arch');
    assert.ok(!('partialOutput' in progressed), 'the progress event carries no partial output');
    const done = await store.complete(created.id, { result: '# Architect review', tokensIn: 10, tokensOut: 20 });
    assert.equal(done.status, 'completed');
    assert.equal(done.percent, 100);
    assert.equal(store.require(created.id).result, '# Architect review');
    assert.equal(store.require(created.id).partialOutput, null);
    assert.deepEqual(events, ['job:created', 'job:started', 'job:progress', 'job:completed']);
    await store.close();
  });

  it('records failures with code, message and hint, and cancels queued and running jobs', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const a = await store.create({ persona: 'engineer', task: 'a' });
    const b = await store.create({ persona: 'engineer', task: 'b' });
    const c = await store.create({ persona: 'engineer', task: 'c' });
    await store.start(a.id, null);
    const failed = await store.fail(a.id, { code: 'MODEL_BAD_REQUEST', message: 'rejected', hint: 'check the model' });
    assert.deepEqual(failed.error, { code: 'MODEL_BAD_REQUEST', message: 'rejected', hint: 'check the model' });
    assert.equal((await store.cancel(b.id)).status, 'cancelled');
    await store.start(c.id, null);
    assert.equal((await store.cancel(c.id, 'user')).message, 'user');
    assert.deepEqual(store.countByStatus(), { queued: 0, running: 0, completed: 0, failed: 1, cancelled: 2 });
    await store.close();
  });

  it('refuses transitions out of a terminal state and leaves the job unchanged', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const job = await store.create({ persona: 'engineer', task: 't' });
    await store.cancel(job.id);
    await rejectsWithCode(store.start(job.id, null), 'INVALID_TRANSITION');
    await rejectsWithCode(store.complete(job.id, { result: 'x', tokensIn: 0, tokensOut: 0 }), 'INVALID_TRANSITION');
    assert.equal(store.get(job.id)?.status, 'cancelled');
    await rejectsWithCode(store.cancel('no-such-id'), 'JOB_NOT_FOUND');
    await store.close();
  });

  it('rejects an empty task, a missing persona and oversized context without writing', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    await rejectsWithCode(store.create({ persona: 'engineer', task: '   ' }), 'INVALID_INPUT');
    await rejectsWithCode(store.create({ persona: '', task: 'x' }), 'INVALID_INPUT');
    await rejectsWithCode(store.create({ persona: 'engineer', task: 'x', context: 'y'.repeat(400_001) }), 'INVALID_INPUT');
    assert.equal(store.list().length, 0);
    await store.close();
  });

  it('picks up by priority, then oldest first', async () => {
    let t = 1000;
    const store = await JobStore.open({ dir: tmp.path, now: () => t++ });
    const low = await store.create({ persona: 'p', task: 'low', priority: 0 });
    const high1 = await store.create({ persona: 'p', task: 'high1', priority: 5 });
    await store.create({ persona: 'p', task: 'high2', priority: 5 });
    assert.equal(store.nextQueued()?.id, high1.id);
    await store.start(high1.id, null);
    assert.equal(store.nextQueued()?.task, 'high2');
    assert.notEqual(store.nextQueued()?.id, low.id);
    await store.close();
  });

  it('keeps every acknowledged write across a reopen without close (journal replay)', async () => {
    const first = await JobStore.open({ dir: tmp.path });
    const jobs: JobSummary[] = [];
    for (let i = 0; i < 20; i++) jobs.push(await first.create({ persona: 'engineer', task: `task ${i}` }));
    await first.start(jobs[0]!.id, 'demo model');
    await first.complete(jobs[0]!.id, { result: 'done', tokensIn: 1, tokensOut: 2 });
    // Simulate a crash: no close(), no snapshot; only the journal holds these writes.
    assert.ok(statSync(join(tmp.path, JOURNAL_FILE)).size > 0);
    const second = await JobStore.open({ dir: tmp.path });
    assert.equal(second.list({ limit: 100 }).length, 20);
    assert.equal(second.get(jobs[0]!.id)?.result, 'done');
    await second.close();
    const third = await JobStore.open({ dir: tmp.path });
    assert.equal(third.list({ limit: 100 }).length, 20, 'a snapshot after replay holds the same rows');
    assert.equal(statSync(join(tmp.path, JOURNAL_FILE)).size, 0, 'close folds the journal into the snapshot');
    await third.close();
    await releaseDroppedStore(first);
  });

  it('refuses a store written by a newer schema, with a hint, and leaves it in place', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    await store.close();
    const snapshotPath = join(tmp.path, SNAPSHOT_FILE);
    const SQL = await loadSqlJs();
    const db = new SQL.Database(readFileSync(snapshotPath));
    db.run(`INSERT INTO schema_versions (module, version, name, applied_at) VALUES ('jobs', 999, '999_future', 0)`);
    const future = db.export();
    db.close();
    writeFileSync(snapshotPath, future);
    await rejectsWithCode(JobStore.open({ dir: tmp.path }), 'STORE_NEWER_VERSION');
    assert.deepEqual(readFileSync(snapshotPath), Buffer.from(future), 'the refused store is not modified');
  });

  it('lists with filters and paging, newest first', async () => {
    let t = 0;
    const store = await JobStore.open({ dir: tmp.path, now: () => ++t });
    for (let i = 0; i < 5; i++) await store.create({ persona: i % 2 ? 'qa' : 'sre', task: `t${i}` });
    assert.deepEqual(store.list({ persona: 'qa' }).map((j) => j.task), ['t3', 't1']);
    assert.deepEqual(store.list({ limit: 2, offset: 1 }).map((j) => j.task), ['t3', 't2']);
    assert.throws(() => store.list({ status: 'weird' as never }), PersonaError);
    await store.close();
  });
});

describe('JobStore parents and children', () => {
  const tmp = useTempDir();

  it('creates a running parent and its queued children in one journal record; no pickup, recovery or retry touches the parent', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const created: JobSummary[] = [];
    store.events.on('job:created', (j) => created.push(j));
    const before = Journal.read(join(tmp.path, JOURNAL_FILE)).records.length;
    const { parent, children } = await store.createWithChildren(
      { persona: 'panel', task: 'Review it', message: '0 of 2 personas done' },
      [{ persona: 'architect', task: 'Review it', context: 'File: a.ts\n1| x' }, { persona: 'security', task: 'Review it', context: 'File: a.ts\n1| x' }],
    );
    assert.equal(Journal.read(join(tmp.path, JOURNAL_FILE)).records.length, before + 1, 'one record: after a crash all of the panel exists or none');
    assert.deepEqual(created.map((j) => j.id), [parent.id, ...children.map((c) => c.id)]);
    assert.deepEqual(store.summary(parent.id), parent, 'the returned parent is the row');
    assert.deepEqual(children.map((c) => store.summary(c.id)), children);
    assert.equal(parent.status, 'running');
    assert.ok(store.hasChildren(parent.id));
    assert.deepEqual(store.parents('running').map((p) => p.id), [parent.id]);
    assert.deepEqual(store.list({ parentId: null }).map((j) => j.id), [parent.id], 'top level: the parent only');
    assert.equal(store.nextQueued()?.parentId, parent.id, 'pickup sees children, never the parent');
    await store.start(children[0]!.id, 'demo model');
    const { requeued, failed } = await store.recoverInterrupted();
    assert.deepEqual(requeued.map((j) => j.id), [children[0]!.id], 'the running child is re-queued; the running parent is left to its coordinator');
    assert.deepEqual(failed, []);
    assert.equal(store.get(parent.id)?.status, 'running');
    await rejectsWithCode(store.retry(parent.id), 'INVALID_TRANSITION', /still running; only an ended one can be retried/);
    await store.cancel(parent.id);
    await rejectsWithCode(store.retry(parent.id), 'INVALID_TRANSITION', /nothing to retry/);
    await store.close();
  });

  it('writes all of a panel or none of it: a bad child leaves nothing behind', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    await rejectsWithCode(store.createWithChildren({ persona: 'panel', task: 't', message: 'm' }, [{ persona: 'engineer', task: 't' }, { persona: 'qa', task: ' ' }]), 'INVALID_INPUT');
    await rejectsWithCode(store.createWithChildren({ persona: 'panel', task: 't', message: 'm' }, []), 'INVALID_INPUT');
    assert.equal(store.list().length, 0);
    await store.close();
  });
});
