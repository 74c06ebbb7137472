import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { JOURNAL_FILE, JobStore, SNAPSHOT_FILE } from '../../src/jobs/jobStore';
import { Journal } from '../../src/jobs/journal';
import { SEALED_JOURNAL_FILE } from '../../src/jobs/journaledDatabase';
import { MaintenanceScheduler, type Clock } from '../../src/jobs/maintenance';
import { StoreLock } from '../../src/jobs/storeLock';
import { releaseDroppedStore } from './droppedStore';
import { useTempDir } from './tempDir';

const DAY = 24 * 60 * 60 * 1000;

/** A clock the test moves by hand; timers fire only when the test advances past them. */
class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  constructor(public t: number) {}
  now = (): number => this.t;
  setTimer(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  get pending(): number {
    return this.timers.length;
  }
  /** Moves time forward, firing each timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = target;
  }
}

async function finishedJob(store: JobStore, status: 'completed' | 'failed' | 'cancelled', task: string): Promise<string> {
  const job = await store.create({ persona: 'qa', task });
  if (status === 'cancelled') {
    await store.cancel(job.id);
  } else {
    await store.start(job.id, null);
    if (status === 'completed') await store.complete(job.id, { result: 'r', tokensIn: 0, tokensOut: 0 });
    else await store.fail(job.id, { code: 'INTERNAL', message: 'm', hint: 'h' });
  }
  return job.id;
}

describe('store maintenance, lock, compaction and corruption', function () {
  this.timeout(30_000);
  const tmp = useTempDir();

  it('removes finished jobs past their retention, keeps the rest, and runs daily at 03:00 local (injected clock)', async () => {
    const start = new Date(2026, 10, 25, 10, 0, 0).getTime();
    const clock = new ManualClock(start);
    const store = await JobStore.open({ dir: tmp.path, now: clock.now });
    const oldCompleted = await finishedJob(store, 'completed', 'old completed');
    const oldCancelled = await finishedJob(store, 'cancelled', 'old cancelled');
    const queued = await store.create({ persona: 'qa', task: 'still queued' });
    clock.t += 8 * DAY;
    const recent = await finishedJob(store, 'completed', 'recent');
    const scheduler = new MaintenanceScheduler({ store, retention: () => ({ completedDays: 30, failedDays: 30, cancelledDays: 7 }), maxBytes: () => 100e6, clock });
    // Never cleaned before: a run is due at start.
    const first = await scheduler.start();
    assert.equal(first?.removed, 1, 'the 8-day-old cancelled job (7-day retention) is removed at start');
    assert.equal(store.get(oldCancelled), undefined);
    assert.ok(store.get(oldCompleted) && store.get(queued.id) && store.get(recent));
    assert.equal(clock.pending, 1, 'the next daily run is scheduled');
    const removedEvents: number[] = [];
    store.events.on('jobs:removed', (e) => removedEvents.push(e.count));
    // Day by day to the 03:00 run where the old completed job is past 30 days (day 31).
    let runs = 0;
    while (store.get(oldCompleted)) {
      const next = new Date(clock.t + DAY);
      next.setHours(3, 0, 0, 0);
      clock.advance(next.getTime() - clock.t);
      await waitForCleanup(store, clock);
      runs += 1;
      assert.ok(runs <= 23, 'the old job should be gone by day 31');
    }
    assert.equal(runs, 23, 'removed at the first 03:00 run after it turned 30 days old');
    assert.ok(store.get(queued.id), 'queued jobs are never removed');
    assert.ok(store.get(recent), 'a 23-day-old completed job is kept');
    assert.equal(new Date(store.lastCleanupAt()!).getHours(), 3, 'the daily run happened at 03:00 local');
    assert.equal(clock.pending, 1, 'the next run is scheduled');
    assert.deepEqual(removedEvents, [1]);
    scheduler.dispose();
    await store.close();
  });

  it('does not run at start when today\'s run already happened', async () => {
    const clock = new ManualClock(new Date(2026, 10, 25, 10, 0, 0).getTime());
    const store = await JobStore.open({ dir: tmp.path, now: clock.now });
    await store.cleanup({ completedDays: 30, failedDays: 30, cancelledDays: 7 });
    const scheduler = new MaintenanceScheduler({ store, retention: () => ({ completedDays: 30, failedDays: 30, cancelledDays: 7 }), maxBytes: () => 100e6, clock });
    assert.equal(await scheduler.start(), null);
    scheduler.dispose();
    await store.close();
  });

  it('size valve: tightens retention first, then refuses new jobs with STORE_FULL and a hint', async () => {
    const clock = new ManualClock(Date.now());
    const store = await JobStore.open({ dir: tmp.path, now: clock.now });
    for (let i = 0; i < 40; i++) await store.create({ persona: 'qa', task: `big ${i}`, context: 'x'.repeat(50_000) });
    const ids = store.list({ limit: 100 }).map((j) => j.id);
    for (const id of ids.slice(0, 30)) await store.cancel(id);
    clock.t += 2 * DAY;
    const size = store.stats().bytesOnDisk;
    // A limit that fits once the cancelled jobs are gone, but not with the default 7-day retention.
    const fits = new MaintenanceScheduler({ store, retention: () => ({ completedDays: 30, failedDays: 30, cancelledDays: 7 }), maxBytes: () => size * 0.6, clock });
    const tightened = await fits.runNow();
    assert.ok(tightened.tightenedTo, 'retention was tightened');
    assert.equal(tightened.full, false);
    assert.equal(store.list({ status: 'cancelled', limit: 100 }).length, 0);
    assert.ok(store.stats().bytesOnDisk <= size * 0.6, 'the store shrank under the limit');
    await store.create({ persona: 'qa', task: 'fits again' });
    // A limit nothing can meet: queued jobs are never deleted, so new ones are refused.
    const tiny = new MaintenanceScheduler({ store, retention: () => ({ completedDays: 30, failedDays: 30, cancelledDays: 7 }), maxBytes: () => 1000, clock });
    const full = await tiny.runNow();
    assert.equal(full.full, true);
    await assert.rejects(store.create({ persona: 'qa', task: 'one more' }), (err: unknown) => err instanceof PersonaError && err.code === 'STORE_FULL' && /maxStoreMegabytes/.test(err.hint));
    assert.equal(store.stats().acceptingJobs, false);
    // Freeing space lifts the refusal at the next run.
    await store.reset(true);
    const ok = await new MaintenanceScheduler({ store, retention: () => ({ completedDays: 30, failedDays: 30, cancelledDays: 7 }), maxBytes: () => 10e6, clock }).runNow();
    assert.equal(ok.full, false);
    await store.create({ persona: 'qa', task: 'accepted again' });
    await store.close();
  });

  it('reset needs confirm: true and keeps running jobs', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const running = await store.create({ persona: 'qa', task: 'r' });
    await store.start(running.id, null);
    await store.create({ persona: 'qa', task: 'q' });
    await assert.rejects(store.reset(false), (err: unknown) => err instanceof PersonaError && err.code === 'INVALID_INPUT');
    assert.equal(store.list().length, 2, 'a refused reset changes nothing');
    assert.equal(await store.reset(true), 1);
    assert.deepEqual(store.list().map((j) => j.id), [running.id]);
    const stats = store.stats();
    assert.equal(stats.counts.running, 1);
    assert.ok(stats.bytesOnDisk > 0);
    assert.ok(stats.oldestJobAt);
    await store.close();
  });

  it('reset and cleanup keep a panel whose child was retried: it runs again and needs every answer, and deleting it would delete the child', async () => {
    // Found by the MCP fuzz test: reset deleted a panel whose retried child was running, and the cascade took the child.
    const clock = new ManualClock(Date.now());
    const store = await JobStore.open({ dir: tmp.path, now: clock.now });
    const { parent, children } = await store.createWithChildren({ persona: 'panel', task: 't', message: '0 of 2 personas done' }, [{ persona: 'qa', task: 't' }, { persona: 'sre', task: 't' }]);
    const [retried, sibling] = children.map((c) => c.id) as [string, string];
    await store.cancel(retried);
    await store.start(sibling, null);
    await store.complete(sibling, { result: 'sre answer', tokensIn: 0, tokensOut: 0 });
    await store.cancel(parent.id);
    clock.t += 10 * DAY;
    await store.retry(retried);
    assert.equal(store.get(parent.id)?.status, 'running', 'retrying a child re-opens its panel');
    assert.equal(await store.cleanup({ completedDays: 1, failedDays: 1, cancelledDays: 1 }), 0, 'cleanup keeps the panel of a queued child');
    assert.equal(await store.reset(true), 0, 'reset keeps a running panel');
    assert.equal(store.get(retried)?.status, 'queued');
    assert.equal(store.get(sibling)?.result, 'sre answer', 'the answer the new report needs is kept');
    await store.start(retried, null);
    await store.complete(retried, { result: 'r', tokensIn: 0, tokensOut: 0 });
    await store.complete(parent.id, { result: 'merged', tokensIn: 0, tokensOut: 0 });
    assert.equal(await store.reset(true), 1, 'once it has ended, the panel goes with its children');
    assert.deepEqual(store.list(), []);
    await store.close();
  });

  it('retries a failed job as attempt 2; refuses to retry a completed one', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const failed = await finishedJob(store, 'failed', 'f');
    const retried = await store.retry(failed);
    assert.equal(retried.status, 'queued');
    assert.equal(retried.attempt, 2);
    assert.equal(retried.error, null);
    const done = await finishedJob(store, 'completed', 'c');
    await assert.rejects(store.retry(done), (err: unknown) => err instanceof PersonaError && err.code === 'INVALID_TRANSITION');
    await store.close();
  });

  it('lets one process own a store: a second is refused naming the owner; a dead owner\'s lock is taken over', async () => {
    const first = await StoreLock.acquire(tmp.path, 'VS Code', () => undefined);
    await assert.rejects(StoreLock.acquire(tmp.path, 'CLI', () => undefined), (err: unknown) => {
      assert.ok(err instanceof PersonaError);
      assert.equal(err.code, 'STORE_LOCKED');
      assert.match(err.message, new RegExp(`VS Code \\(process ${process.pid} on `));
      return true;
    });
    await first.dispose();
    const second = await StoreLock.acquire(tmp.path, 'CLI', () => undefined);
    await second.dispose();
    // A lock left by a process that no longer exists (kill -9): taken over at once.
    mkdirSync(join(tmp.path, 'jobs.lock'));
    writeFileSync(join(tmp.path, 'owner.json'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), kind: 'VS Code', since: Date.now() }));
    const taken = await StoreLock.acquire(tmp.path, 'CLI', () => undefined);
    assert.equal((JSON.parse(readFileSync(join(tmp.path, 'owner.json'), 'utf8')) as { kind: string }).kind, 'CLI');
    await taken.dispose();
  });

  it('compacts on a worker thread: the journal is folded into the snapshot and nothing is lost', async () => {
    const store = await JobStore.open({ dir: tmp.path, compactAtBytes: 32 * 1024 });
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await store.create({ persona: 'qa', task: `t${i}`, context: 'c'.repeat(200) })).id);
    // The first call may join a compaction the writes started; the second folds the rest.
    await store.compact();
    await store.compact();
    assert.equal(store.journalBytes, 0, 'every record is in the snapshot; the active journal is empty');
    assert.ok(!existsSync(join(tmp.path, 'jobs.journal.sealed')), 'the sealed segment is removed after compaction');
    // Reopen without close (a crash right after compaction): snapshot + journal hold everything.
    const reopened = await JobStore.open({ dir: tmp.path });
    assert.equal(reopened.list({ limit: 500 }).length, 300);
    assert.ok(ids.every((id) => reopened.get(id)));
    await reopened.close();
    await releaseDroppedStore(store);
  });

  it('opens with the journal cut at every byte offset of its last record', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const kept = await store.create({ persona: 'qa', task: 'kept' });
    const journalPath = join(tmp.path, JOURNAL_FILE);
    // The file runs on in zeros after its records (preallocation): only the records are cut.
    const goodSize = Journal.read(journalPath).recordBytes;
    await store.create({ persona: 'qa', task: 'torn' });
    const full = readFileSync(journalPath).subarray(0, Journal.read(journalPath).recordBytes);
    assert.ok(full.length > goodSize);
    const snapshot = readFileSync(join(tmp.path, SNAPSHOT_FILE));
    for (let cut = goodSize; cut < full.length; cut++) {
      writeFileSync(journalPath, full.subarray(0, cut));
      writeFileSync(join(tmp.path, SNAPSHOT_FILE), snapshot);
      const reopened = await JobStore.open({ dir: tmp.path });
      assert.deepEqual(reopened.list().map((j) => j.id), [kept.id], `cut at byte ${cut}`);
      assert.equal(reopened.notices.some((n) => /torn write/.test(n)), cut > goodSize, `cut at byte ${cut}: the dropped tail is reported`);
      await reopened.close();
    }
    await releaseDroppedStore(store);
  });

  it('after a crash with a journal past the compaction size, folds it into the snapshot on a worker before opening', async () => {
    const store = await JobStore.open({ dir: tmp.path, compactAtBytes: Number.MAX_SAFE_INTEGER });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await store.create({ persona: 'qa', task: `job ${i}`, context: 'x'.repeat(300) })).id);
    const done = await finishedJob(store, 'completed', 'done');
    // The crash: no close, and half a record at the end of the journal.
    const journalPath = join(tmp.path, JOURNAL_FILE);
    const records = Journal.read(journalPath).records.length;
    const size = statSync(journalPath).size;
    appendFileSync(journalPath, Buffer.from([0x40, 0, 0, 0, 0x12, 0x34]));
    const logs: string[] = [];
    const reopened = await JobStore.open({ dir: tmp.path, compactAtBytes: Math.floor(size / 2), log: (line) => logs.push(line) });
    assert.ok(logs.some((l) => l.includes(`${records} journal records folded into the snapshot on a worker`)), logs.join('\n'));
    assert.deepEqual(reopened.list({ limit: 500 }).map((j) => j.id).sort(), [...ids, done].sort(), 'every acknowledged job is there');
    assert.equal(reopened.get(done)?.status, 'completed');
    assert.ok(reopened.notices.some((n) => /torn write/.test(n)), 'the dropped tail is still reported');
    assert.equal(existsSync(join(tmp.path, SEALED_JOURNAL_FILE)), false, 'no sealed segment is left');
    assert.equal(statSync(journalPath).size, 0, 'the journal starts afresh');
    await reopened.close();
    const again = await JobStore.open({ dir: tmp.path });
    assert.equal(again.list({ limit: 500 }).length, ids.length + 1);
    await again.close();
    await releaseDroppedStore(store);
  });

  it('moves a corrupt snapshot aside (never deletes it), rebuilds from the journal and says so', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    await store.close();
    // After the last snapshot, two jobs live only in the journal.
    const again = await JobStore.open({ dir: tmp.path });
    const a = await again.create({ persona: 'qa', task: 'a' });
    const b = await again.create({ persona: 'qa', task: 'b' });
    writeFileSync(join(tmp.path, SNAPSHOT_FILE), 'this is not a database'.repeat(100));
    const rebuilt = await JobStore.open({ dir: tmp.path });
    assert.deepEqual(rebuilt.list().map((j) => j.id).sort(), [a.id, b.id].sort());
    assert.ok(rebuilt.notices.some((n) => /moved to .*corrupt/.test(n)), rebuilt.notices.join('\n'));
    const aside = readdirSync(tmp.path).filter((f) => f.startsWith(`${SNAPSHOT_FILE}.corrupt-`));
    assert.equal(aside.length, 1);
    assert.match(readFileSync(join(tmp.path, aside[0]!), 'utf8'), /not a database/);
    await rebuilt.close();
    assert.equal(Journal.read(join(tmp.path, JOURNAL_FILE)).records.length, 0);
    await releaseDroppedStore(again);
  });

  it('answers an unknown id and a terminal transition with codes and hints, unchanged', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    await assert.rejects(store.progress('nope', { phase: 'analyzing', percent: 1 }), (err: unknown) => err instanceof PersonaError && err.code === 'JOB_NOT_FOUND');
    const done = await finishedJob(store, 'completed', 'done');
    const before = JSON.stringify(store.get(done));
    await assert.rejects(store.fail(done, { code: 'INTERNAL', message: 'm', hint: 'h' }), (err: unknown) => err instanceof PersonaError && err.code === 'INVALID_TRANSITION' && err.hint.length > 0);
    assert.equal(JSON.stringify(store.get(done)), before);
    await store.close();
  });
});

/** The daily run is started by a timer and is async: wait for its bookkeeping, by deadline. */
async function waitForCleanup(store: JobStore, clock: ManualClock): Promise<void> {
  const deadline = Date.now() + 5000;
  // Done when the run at this time recorded itself and scheduled the next one.
  while ((store.lastCleanupAt() ?? 0) < clock.t || clock.pending !== 1) {
    if (Date.now() > deadline) throw new Error('the daily cleanup did not run (waited 5000 ms)');
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
