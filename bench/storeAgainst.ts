// `npm run bench -- --store-against=<checkout>[,<checkout>…]`: this build's JobStore and the ones
// built in other checkouts (their `npm run build` done), side by side in one process, each round
// starting with the next side, on the same workload. For a change to the store: machine drift between two
// separate bench runs is larger than the differences worth knowing. Figures only.
// better-sqlite3 (WAL, synchronous=FULL) runs the same rounds beside them, as the durable-write
// floor to compare with. `--store-rounds=<n>` (default 20) and `--store-big-rounds=<n>` (default
// 10; 0 skips the 100k rounds) size the run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { JobStore } from '../src/jobs/jobStore';
import { loadBetterSqlite, openBetterSqliteJobs, type BetterSqliteConstructor } from './betterSqlite';
import { fmtMs, percentile, throughput } from './stats';

/** What both builds' stores offer for this workload (the older one's create returns a whole row). */
interface ComparableStore {
  create(job: { persona: string; task: string; context: string }): Promise<{ id: string }>;
  get(id: string): unknown;
  close(): Promise<void>;
}
type OpenStore = (dir: string) => Promise<ComparableStore>;

const sample = (i: number): { persona: string; task: string; context: string } => ({
  persona: 'engineer',
  task: `Review change ${i}`,
  context: 'File: src/a.ts (file, lines 1-1)\n1| export const x = 1;',
});

interface RoundFigures {
  createP50: number;
  /** Creates per second by 1, 8 and 64 callers. */
  perSecond: [number, number, number];
  pollP50: number;
  maxDelay: number;
}

/**
 * One round: 2,000 sequential creates (latency, and 1 caller's rate), 2,000 by 8 callers, 8,000
 * more by 64 callers (rate, event-loop delay), 20,000 gets by id.
 */
async function round(open: OpenStore): Promise<RoundFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-os-bench-against-'));
  try {
    const store = await open(dir);
    for (let i = 0; i < 200; i++) await store.create(sample(i));
    const creates: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await store.create(sample(i));
      creates.push(performance.now() - t);
    }
    const one = 2000 / ((performance.now() - started) / 1000);
    const eight = await throughput(8, 2000, (i) => store.create(sample(i)));
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const ids: string[] = [];
    const sixtyFour = await throughput(64, 8000, async (i) => ids.push((await store.create(sample(i))).id));
    delay.disable();
    const polls: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const id = ids[(i * 7919) % ids.length]!;
      const t = performance.now();
      store.get(id);
      polls.push(performance.now() - t);
    }
    await store.close();
    return { createP50: percentile(creates, 50), perSecond: [one, eight, sixtyFour], pollP50: percentile(polls, 50), maxDelay: delay.max / 1e6 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** better-sqlite3 12, WAL, synchronous=FULL: the same creates (latency, 1/8/64 callers), each a durable insert. */
function betterSqliteRound(ctor: BetterSqliteConstructor): Promise<Pick<RoundFigures, 'createP50' | 'perSecond'>> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-os-bench-against-'));
  const db = openBetterSqliteJobs(ctor, join(dir, 'b.sqlite'));
  const run = async (): Promise<Pick<RoundFigures, 'createP50' | 'perSecond'>> => {
    let n = 0;
    const create = (): Promise<void> => db.create(sample(n++));
    for (let i = 0; i < 200; i++) await create();
    const creates: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await create();
      creates.push(performance.now() - t);
    }
    const one = 2000 / ((performance.now() - started) / 1000);
    const eight = await throughput(8, 2000, create);
    const sixtyFour = await throughput(64, 8000, create);
    return { createP50: percentile(creates, 50), perSecond: [one, eight, sixtyFour] };
  };
  return run().finally(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

/** 100,000 creates by 64 callers: the largest event-loop delay (compaction starts on the way). */
async function bigRound(open: OpenStore): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-os-bench-against-'));
  try {
    const store = await open(dir);
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    let next = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < 100_000) await store.create(sample(next++));
    }));
    delay.disable();
    await store.close();
    return delay.max / 1e6;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--store-rounds=<n>` and `--store-big-rounds=<n>` from the command line, or the defaults. */
export function storeAgainstOptionsFrom(argv: string[]): { rounds: number; bigRounds: number } {
  const num = (flag: string, fallback: number): number => {
    const v = argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback;
  };
  return { rounds: Math.max(1, num('--store-rounds', 20)), bigRounds: num('--store-big-rounds', 10) };
}

export async function storeAgainstBench(otherCheckouts: string[], rounds = 20, bigRounds = 10): Promise<void> {
  const bsq = loadBetterSqlite();
  if (!bsq.ctor) console.log(`better-sqlite3 skipped: it could not be installed or built here (${bsq.why ?? 'unknown'})`);
  const floor: Pick<RoundFigures, 'createP50' | 'perSecond'>[] = [];
  const sides: [string, OpenStore][] = [['this build', (dir) => JobStore.open({ dir })]];
  for (const checkout of otherCheckouts) {
    const otherModule = join(resolve(checkout), 'out', 'src', 'jobs', 'jobStore.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the other build is only known at run time
    const other = (require(otherModule) as { JobStore: { open(o: { dir: string }): Promise<ComparableStore> } }).JobStore;
    sides.push([checkout, (dir) => other.open({ dir })]);
  }
  const figures = new Map<string, RoundFigures[]>(sides.map(([name]) => [name, []]));
  // Each round starts one place further along the list, so no side always runs first or last.
  const rotated = <T>(xs: T[], by: number): T[] => xs.map((_, i) => xs[(i + by) % xs.length]!);
  for (let r = 0; r < rounds; r++) {
    for (const [name, open] of rotated(sides, r)) figures.get(name)!.push(await round(open));
    if (bsq.ctor) floor.push(await betterSqliteRound(bsq.ctor));
  }
  const big = new Map<string, number[]>(sides.map(([name]) => [name, []]));
  for (let r = 0; r < bigRounds; r++) {
    for (const [name, open] of rotated(sides, r)) big.get(name)!.push(await bigRound(open));
  }
  console.log(`\nJobStore side by side (${rounds} rounds in one process, each round starting with the next side; medians of the rounds' figures):`);
  const median = (xs: number[]): number => percentile(xs, 50);
  const mine = figures.get('this build')!;
  const others = otherCheckouts.map((c) => [c, figures.get(c)!] as const);
  for (const [label, of, format] of [
    ['create p50 (1 caller)', (f: RoundFigures) => f.createP50, fmtMs],
    ['poll (get by id) p50 at 10k rows', (f: RoundFigures) => f.pollP50, fmtMs],
    ['largest event-loop delay, 8k creates by 64 callers', (f: RoundFigures) => f.maxDelay, (ms: number) => `${ms.toFixed(1)} ms`],
  ] as const) {
    const a = median(mine.map(of));
    console.log(`  ${label}: this build ${format(a)}; ${others.map(([c, fs]) => `${c} ${format(median(fs.map(of)))} (ratio ${(a / median(fs.map(of))).toFixed(2)}x)`).join('; ')}`);
  }
  const callers = [1, 8, 64];
  const rate = (fs: Pick<RoundFigures, 'perSecond'>[], k: number): number => median(fs.map((f) => f.perSecond[k]!));
  const rates = (fs: Pick<RoundFigures, 'perSecond'>[]): string => callers.map((_, k) => Math.round(rate(fs, k))).join(', ');
  console.log(`  creates/s by ${callers.join(', ')} callers: this build ${rates(mine)}; ${others.map(([c, fs]) => `${c} ${rates(fs)} (this build ${callers.map((n, k) => `${n}: ${(rate(mine, k) / rate(fs, k)).toFixed(2)}x`).join(', ')})`).join('; ')}`);
  if (floor.length > 0) {
    const fp50 = median(floor.map((f) => f.createP50));
    console.log(`  better-sqlite3 12, WAL, synchronous=FULL (${floor.length} rounds): create p50 ${fmtMs(fp50)}; creates/s ${rates(floor)}`);
    for (const [name, fs] of [['this build', mine] as const, ...others]) {
      console.log(`  ratios, ${name} : better-sqlite3 FULL — create p50 ${(median(fs.map((f) => f.createP50)) / fp50).toFixed(2)}x (goal ≤ 1.2x); creates/s ${callers.map((c, k) => `${c}: ${(rate(fs, k) / rate(floor, k)).toFixed(2)}x`).join(', ')} (goal ≥ 1x at 1, ≥ 2x at 8 and 64)`);
    }
    // Each round's own ratio: the disk's speed drifts within a run, and a round's sides ran minutes apart at most.
    const perRound = mine.map((f, i) => f.createP50 / floor[i]!.createP50);
    console.log(`  this build : better-sqlite3 create p50, round by round: ${perRound.map((x) => x.toFixed(2)).join(', ')}`);
  }
  if (bigRounds === 0) return;
  // One worst pause per round (a major GC, a compaction starting): the rounds spread widely, so the range is printed too.
  const range = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} ms`;
  const a = median(big.get('this build')!);
  console.log(`  largest event-loop delay, 100k creates by 64 callers (${bigRounds} rounds): this build ${a.toFixed(1)} ms (range ${range(big.get('this build')!)}); ${otherCheckouts.map((c) => `${c} ${median(big.get(c)!).toFixed(1)} ms (range ${range(big.get(c)!)}; ratio ${(a / median(big.get(c)!)).toFixed(2)}x)`).join('; ')}`);
}
