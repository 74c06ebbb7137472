// Job engine figures (issue: the job engine): durable create latency and throughput next to
// the raw fdatasync floor and better-sqlite3, polls, pickup, open/replay, event-loop stalls,
// ETA error. Figures only; goals are reported next to them, never asserted.
import { cpSync, mkdtempSync, openSync, rmSync, writeSync, fdatasyncSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { JobStore } from '../src/jobs/jobStore';
import { Journal } from '../src/jobs/journal';
import { PersonaServices } from '../src/services';
import { loadBetterSqlite, openBetterSqliteJobs } from './betterSqlite';
import { fmtMs, percentile, throughput, timeIt } from './stats';

const CALLERS = [1, 8, 64];
const REPO = join(__dirname, '..', '..');

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'agent-os-bench-'));
}

const sampleJob = (i: number): { persona: string; task: string; context: string } => ({
  persona: 'engineer',
  task: `Review change ${i}`,
  context: 'File: src/a.ts (file, lines 1-1)\n1| export const x = 1;',
});

async function storeFigures(): Promise<{ p50: number; perSecond: Record<number, number> }> {
  const dir = scratch();
  try {
    const store = await JobStore.open({ dir });
    for (let i = 0; i < 100; i++) await store.create(sampleJob(i));
    const latencies: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await store.create(sampleJob(i));
      latencies.push(performance.now() - t);
    }
    const perSecond: Record<number, number> = {};
    for (const c of CALLERS) perSecond[c] = await throughput(c, c === 1 ? 2000 : 6000, (i) => store.create(sampleJob(i)));
    await store.close();
    console.log(`  this store     create p50 ${fmtMs(percentile(latencies, 50))}, p99 ${fmtMs(percentile(latencies, 99))}; creates/s ${CALLERS.map((c) => `${c}: ${Math.round(perSecond[c]!)}`).join(', ')}`);
    return { p50: percentile(latencies, 50), perSecond };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function floorFigures(): { p50: number; perSecond: Record<number, number> } {
  const dir = scratch();
  try {
    const bytes = Journal.encode({ seq: 1, sql: `INSERT INTO jobs (id, persona, task, context, context_note, priority, status, percent, created_at, parent_id) VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)`, params: ['00000000-0000-0000-0000-000000000000', 'engineer', 'Review change 1', sampleJob(1).context, null, 0, Date.now(), null] });
    const fd = openSync(join(dir, 'floor'), 'a');
    const latencies: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      writeSync(fd, bytes);
      fdatasyncSync(fd);
      latencies.push(performance.now() - t);
    }
    closeSync(fd);
    // The same writes over zeros already on disk, as the journal writes (no new file size to commit).
    const over = openSync(join(dir, 'floor-preallocated'), 'w');
    writeSync(over, Buffer.alloc(2000 * bytes.length));
    fdatasyncSync(over);
    const overwrites: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      writeSync(over, bytes, 0, bytes.length, i * bytes.length);
      fdatasyncSync(over);
      overwrites.push(performance.now() - t);
    }
    closeSync(over);
    const rate = 2000 / (latencies.reduce((a, b) => a + b, 0) / 1000);
    // One append + fdatasync per write is the floor whatever the number of callers: the disk
    // serialises them. (Batching is what a store adds on top; the floor does not batch.)
    const perSecond = Object.fromEntries(CALLERS.map((c) => [c, rate])) as Record<number, number>;
    console.log(`  raw floor      append+fdatasync of the same ${bytes.length} bytes: p50 ${fmtMs(percentile(latencies, 50))}, p99 ${fmtMs(percentile(latencies, 99))}; ${Math.round(rate)}/s (any number of callers, no batching)`);
    console.log(`  raw floor      write over preallocated zeros+fdatasync of the same bytes: p50 ${fmtMs(percentile(overwrites, 50))}, p99 ${fmtMs(percentile(overwrites, 99))}`);
    return { p50: percentile(latencies, 50), perSecond };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function betterSqliteFigures(): Promise<{ p50: number; perSecond: Record<number, number> } | undefined> {
  const { ctor, why } = loadBetterSqlite();
  if (!ctor) {
    console.log(`  better-sqlite3 skipped: it could not be installed or built here (${why ?? 'unknown'})`);
    return undefined;
  }
  const dir = scratch();
  try {
    const db = openBetterSqliteJobs(ctor, join(dir, 'b.sqlite'));
    let n = 0;
    const create = (): Promise<void> => db.create(sampleJob(n++));
    const latencies: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await create();
      latencies.push(performance.now() - t);
    }
    const perSecond: Record<number, number> = {};
    for (const c of CALLERS) perSecond[c] = await throughput(c, c === 1 ? 2000 : 6000, create);
    db.close();
    console.log(`  better-sqlite3 12, WAL, synchronous=FULL: create p50 ${fmtMs(percentile(latencies, 50))}, p99 ${fmtMs(percentile(latencies, 99))}; creates/s ${CALLERS.map((c) => `${c}: ${Math.round(perSecond[c]!)}`).join(', ')}`);
    return { p50: percentile(latencies, 50), perSecond };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 100k jobs: event-loop delay while creating them, then poll, pickup, open/replay, compaction. */
async function scaleFigures(): Promise<void> {
  for (const size of [10_000, 100_000]) {
    const dir = scratch();
    try {
      // A huge compaction threshold keeps every record in the journal: the crash-recovery case.
      const store = await JobStore.open({ dir, compactAtBytes: Number.MAX_SAFE_INTEGER });
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const ids: string[] = [];
      const [, createMs] = await timeIt(() => throughput(64, size, async (i) => {
        const job = await store.create(sampleJob(i));
        ids.push(job.id);
        if (i % 10 === 0) {
          await store.start(job.id, 'bench');
          await store.complete(job.id, { result: 'ok', tokensIn: 1, tokensOut: 1 });
        }
      }));
      loop.disable();
      console.log(`  ${size} jobs created by 64 callers in ${(createMs / 1000).toFixed(1)} s; largest event-loop delay meanwhile ${fmtMs(loop.max / 1e6)}`);
      const polls: number[] = [];
      for (let i = 0; i < 10_000; i++) {
        const id = ids[Math.floor(Math.random() * ids.length)]!;
        const t = performance.now();
        store.get(id);
        polls.push(performance.now() - t);
      }
      const pickups: number[] = [];
      for (let i = 0; i < 1000; i++) {
        const t = performance.now();
        store.nextQueued();
        pickups.push(performance.now() - t);
      }
      console.log(`  at ${size} rows: poll (get by id) p50 ${fmtMs(percentile(polls, 50))}, p99 ${fmtMs(percentile(polls, 99))}; pickup p50 ${fmtMs(percentile(pickups, 50))}, p99 ${fmtMs(percentile(pickups, 99))}`);
      // Crash: reopen from snapshot + the whole journal, without close; first (on a copy) as the
      // store opens after a crash, folding a journal past the compaction size on a worker, then
      // replaying it all on this thread.
      const copy = scratch();
      cpSync(dir, copy, { recursive: true });
      const foldLoop = monitorEventLoopDelay({ resolution: 1 });
      foldLoop.enable();
      const [folded, foldMs] = await timeIt(() => JobStore.open({ dir: copy, compactAtBytes: 1024 * 1024 }));
      foldLoop.disable();
      await folded.close();
      rmSync(copy, { recursive: true, force: true });
      console.log(`  open after a crash at ${size} jobs, the journal folded into the snapshot on a worker first: ${fmtMs(foldMs)}, largest event-loop delay meanwhile ${fmtMs(foldLoop.max / 1e6)}`);
      const [replayed, replayMs] = await timeIt(() => JobStore.open({ dir, compactAtBytes: Number.MAX_SAFE_INTEGER }));
      const compactLoop = monitorEventLoopDelay({ resolution: 1 });
      compactLoop.enable();
      const [, compactMs] = await timeIt(() => replayed.compact());
      compactLoop.disable();
      await replayed.close();
      const [clean, openMs] = await timeIt(() => JobStore.open({ dir }));
      await clean.close();
      console.log(`  open at ${size} jobs: replay of the whole journal ${fmtMs(replayMs)}, from a snapshot ${fmtMs(openMs)}; background compaction ${fmtMs(compactMs)} with the largest event-loop delay ${fmtMs(compactLoop.max / 1e6)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Runs 50 paced demo-model jobs (2-3 s each) on the real pool; compares the ETA at about a third of the way with the time actually left. */
export async function etaFigures(): Promise<void> {
  const dir = scratch();
  const services = await PersonaServices.create({
    workspaceRoot: dir,
    extensionRoot: REPO,
    ownerKind: 'bench',
    workerScript: join(REPO, 'out', 'src', 'personas', 'personaWorker.js'),
    workerCount: 3,
    modelSettings: () => ({ provider: 'demo', model: 'm', baseUrl: '', maxTokens: 1024, requestTimeoutSeconds: 30 }),
    apiKey: () => Promise.resolve(undefined),
    log: () => undefined,
  });
  try {
    const seen = new Map<string, { eta: number; at: number }>();
    services.store.events.on('job:progress', (j) => {
      if (!seen.has(j.id) && j.percent >= 30 && j.etaMs !== null) seen.set(j.id, { eta: j.etaMs, at: Date.now() });
    });
    const errors: number[] = [];
    const personas = ['architect', 'engineer', 'security'];
    for (let batch = 0; batch < 10; batch++) {
      const jobs = await Promise.all(Array.from({ length: 5 }, (_, i) => services.jobs.ask({ persona: personas[(batch + i) % 3]!, task: `eta ${batch}.${i} [[demo:slow]]`, context: { text: 'File: src/a.ts (file, lines 1-2)\n1| const password = "hunter2hunter";\n2| catch (e) {}' } })));
      const finished = await Promise.all(jobs.map((j) => services.watch.whenSettled(j.id)));
      for (const f of finished) {
        const s = seen.get(f.id);
        if (!s || !f.finishedAt) continue;
        const actual = f.finishedAt - s.at;
        if (actual > 0) errors.push(Math.abs(s.eta - actual) / actual);
      }
    }
    console.log(`  ETA at ~30% progress vs time actually left, over ${errors.length} demo-model jobs (the first of each persona have no history): median error ${(percentile(errors, 50) * 100).toFixed(0)}%, p90 ${(percentile(errors, 90) * 100).toFixed(0)}%  (goal: median within 50%)`);
  } finally {
    await services.dispose(0);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function jobEngineBench(): Promise<void> {
  console.log('\nJob engine (durable create = acknowledged only once its journal write (O_DSYNC) returned):');
  const ours = await storeFigures();
  const floor = floorFigures();
  const bsq = await betterSqliteFigures();
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
  console.log(`  ratios, this store : floor — create p50 ${ratio(ours.p50, floor.p50)}; creates/s ${CALLERS.map((c) => `${c}: ${ratio(ours.perSecond[c]!, floor.perSecond[c]!)}`).join(', ')}`);
  if (bsq) {
    console.log(`  ratios, this store : better-sqlite3 FULL — create p50 ${ratio(ours.p50, bsq.p50)} (goal ≤ 1.2x); creates/s ${CALLERS.map((c) => `${c}: ${ratio(ours.perSecond[c]!, bsq.perSecond[c]!)}`).join(', ')} (goal ≥ 2x at 8 and 64)`);
  }
  await scaleFigures();
  await etaFigures();
}
