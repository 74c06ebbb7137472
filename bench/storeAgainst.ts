// `npm run bench -- --store-against=<checkout>`: this build's JobStore and the one built in
// another checkout (its `npm run build` done), side by side in one process, rounds alternating
// which goes first, on the same workload. For a change to the store: machine drift between two
// separate bench runs is larger than the differences worth knowing. Figures only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { JobStore } from '../src/jobs/jobStore';
import { fmtMs, percentile } from './stats';

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
  pollP50: number;
  maxDelay: number;
}

/** One round: 2,000 sequential creates, 8,000 more by 64 callers (event-loop delay), 20,000 gets by id. */
async function round(open: OpenStore): Promise<RoundFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-os-bench-against-'));
  try {
    const store = await open(dir);
    for (let i = 0; i < 200; i++) await store.create(sample(i));
    const creates: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await store.create(sample(i));
      creates.push(performance.now() - t);
    }
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const ids: string[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < 8000) ids.push((await store.create(sample(next++))).id);
    }));
    delay.disable();
    const polls: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const id = ids[(i * 7919) % ids.length]!;
      const t = performance.now();
      store.get(id);
      polls.push(performance.now() - t);
    }
    await store.close();
    return { createP50: percentile(creates, 50), pollP50: percentile(polls, 50), maxDelay: delay.max / 1e6 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

export async function storeAgainstBench(otherCheckout: string, rounds = 20, bigRounds = 10): Promise<void> {
  const otherModule = join(resolve(otherCheckout), 'out', 'src', 'jobs', 'jobStore.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the other build is only known at run time
  const other = (require(otherModule) as { JobStore: { open(o: { dir: string }): Promise<ComparableStore> } }).JobStore;
  const sides: [string, OpenStore][] = [
    ['this build', (dir) => JobStore.open({ dir })],
    [otherCheckout, (dir) => other.open({ dir })],
  ];
  const figures = new Map<string, RoundFigures[]>(sides.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const [name, open] of order) figures.get(name)!.push(await round(open));
  }
  const big = new Map<string, number[]>(sides.map(([name]) => [name, []]));
  for (let r = 0; r < bigRounds; r++) {
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const [name, open] of order) big.get(name)!.push(await bigRound(open));
  }
  console.log(`\nJobStore side by side (${rounds} rounds in one process, alternating which goes first; medians of the rounds' figures):`);
  const median = (xs: number[]): number => percentile(xs, 50);
  const [mine, theirs] = sides.map(([name]) => figures.get(name)!);
  for (const [label, of, format] of [
    ['create p50 (1 caller)', (f: RoundFigures) => f.createP50, fmtMs],
    ['poll (get by id) p50 at 10k rows', (f: RoundFigures) => f.pollP50, fmtMs],
    ['largest event-loop delay, 8k creates by 64 callers', (f: RoundFigures) => f.maxDelay, (ms: number) => `${ms.toFixed(1)} ms`],
  ] as const) {
    const a = median(mine!.map(of));
    const b = median(theirs!.map(of));
    console.log(`  ${label}: this build ${format(a)}, ${otherCheckout} ${format(b)}; ratio ${(a / b).toFixed(2)}x`);
  }
  const [bigMine, bigTheirs] = sides.map(([name]) => big.get(name)!);
  const a = median(bigMine!);
  const b = median(bigTheirs!);
  // One worst pause per round (a major GC, a compaction starting): the rounds spread widely, so the range is printed too.
  const range = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} ms`;
  console.log(`  largest event-loop delay, 100k creates by 64 callers (${bigRounds} rounds): this build ${a.toFixed(1)} ms (range ${range(bigMine!)}), ${otherCheckout} ${b.toFixed(1)} ms (range ${range(bigTheirs!)}); ratio ${(a / b).toFixed(2)}x`);
}
