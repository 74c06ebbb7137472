// Standards search figures: the StandardsIndex (MiniSearch, BM25+ by section, Porter2 stems)
// over 50 and 5,000 generated standards — build from the files, heap, search p50/p99 — beside
// the two engines it was measured against on the same sections in the same run: sql.js FTS4
// with BM25 from matchinfo (the alternative not chosen) and better-sqlite3 FTS5 bm25() (the
// reference; goal: ours within 3x of it at p50), both with SQLite's porter tokenizer, so every
// engine stems. Then the cycle time: a standard written the way approval
// writes it (temp file + rename) → the watcher's event → found by search.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadSqlJs } from '../src/jobs/sqlite';
import { sectionsOf, snippetOf, StandardsIndex, type StandardsChange } from '../src/standards/standardsIndex';
import { parseStandard } from '../src/standards/template';
import { loadBetterSqlite } from './betterSqlite';
import { generateQueries, generateStandards, type BenchQuery } from './standardsCorpus';
import { fts4Engine, fts5Engine, type BenchEngine, type BenchSection } from './standardsEngines';
import { fmtMs, percentile } from './stats';

const SIZES = [50, 5000];
const QUERIES = 300;
const WARMUP = 30;
const LIMIT = 5;
const CYCLE_RUNS = 20;
const GOAL_RATIO = 3;
const GOAL_CYCLE_MS = 1000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = (): number => {
  gc();
  return process.memoryUsage().heapUsed;
};
const wasmAndBuffers = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.external + m.arrayBuffers;
};
const mb = (bytes: number): string => `${bytes >= 0 ? '+' : ''}${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface Timed {
  p50: number;
  p99: number;
  /** Per query: the top sections as `path#line`, to compare rankings across engines. */
  tops: string[][];
}

type Runner = (q: BenchQuery) => Promise<string[]> | string[];

/**
 * Times every engine on every query, interleaved: query i runs on each engine in turn (the
 * order rotating), so a neighbour's load on a shared machine falls on all engines alike and the
 * ratios hold even when the absolute figures move.
 */
async function timeQueries(queries: BenchQuery[], runners: Runner[]): Promise<Timed[]> {
  for (const q of queries.slice(0, WARMUP)) for (const run of runners) await run(q);
  const times = runners.map(() => [] as number[]);
  const tops = runners.map(() => [] as string[][]);
  for (const [i, q] of queries.entries()) {
    for (let k = 0; k < runners.length; k++) {
      const r = (i + k) % runners.length;
      const t = performance.now();
      tops[r]!.push(await runners[r]!(q));
      times[r]!.push(performance.now() - t);
    }
  }
  return runners.map((_, r) => ({ p50: percentile(times[r]!, 50), p99: percentile(times[r]!, 99), tops: tops[r]! }));
}

/** Mean share of FTS5's top results that the other engine also returns (order ignored). */
function agreement(a: string[][], b: string[][]): number {
  let shared = 0;
  let total = 0;
  a.forEach((top, i) => {
    const other = new Set(b[i]);
    shared += top.filter((k) => other.has(k)).length;
    total += Math.max(top.length, other.size);
  });
  return total === 0 ? 1 : shared / total;
}

/** Writes the corpus as files and returns its sections, and how long parsing them took. */
function writeCorpus(root: string, count: number): { sections: BenchSection[]; parseMs: number } {
  const sections: BenchSection[] = [];
  let parseMs = 0;
  for (const s of generateStandards(count)) {
    const rel = `.agent-os/standards/${s.domain}/${s.topic}.md`;
    const file = join(root, ...rel.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, s.text);
    const t = performance.now();
    const parsed = parseStandard(s.text, rel);
    parseMs += performance.now() - t;
    for (const sec of sectionsOf(parsed, rel)) {
      sections.push({ id: sections.length + 1, path: sec.path, heading: sec.heading, title: sec.title, text: sec.text, domain: sec.domain, tags: sec.tags, line: sec.line });
    }
  }
  return { sections, parseMs };
}

/** Runs an engine's query and presents its top rows the way the index does (lookup + snippet). */
function engineRunner(engine: BenchEngine, byId: Map<number, BenchSection>): (q: BenchQuery) => string[] {
  return (q) => {
    return engine.search(q.query, q, LIMIT).map((id) => {
      const s = byId.get(id)!;
      snippetOf(s.text, q.query);
      return `${s.path}#${s.line}`;
    });
  };
}

async function sizeBench(count: number, fts5: ReturnType<typeof loadBetterSqlite>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agent-os-bench-standards-'));
  try {
    const { sections, parseMs } = writeCorpus(root, count);
    const byId = new Map(sections.map((s) => [s.id, s]));
    const queries = generateQueries(QUERIES);
    console.log(`  ${count.toLocaleString('en')} standards (${sections.length.toLocaleString('en')} sections, ${QUERIES} queries, top ${LIMIT}, a fifth with a domain filter, a seventh with a tag):`);

    const heap0 = heapUsed();
    const t0 = performance.now();
    const index = new StandardsIndex({ workspaceRoot: root });
    await index.start();
    const buildMs = performance.now() - t0;
    const heap = heapUsed() - heap0;

    const wasm0 = wasmAndBuffers();
    const heap1 = heapUsed();
    const t1 = performance.now();
    const fts4 = await fts4Engine(sections);
    const fts4Build = performance.now() - t1;
    const fts4Mem = wasmAndBuffers() - wasm0 + (heapUsed() - heap1);

    const t2 = performance.now();
    const native = fts5.ctor ? fts5Engine(fts5.ctor, sections) : undefined;
    const fts5Build = performance.now() - t2;

    const runners: Runner[] = [async (q) => (await index.search({ query: q.query, domain: q.domain, tags: q.tags, limit: LIMIT })).map((h) => `${h.path}#${h.line}`), engineRunner(fts4, byId)];
    if (native) runners.push(engineRunner(native, byId));
    const [ours, alt, ref] = await timeQueries(queries, runners);
    fts4.close();
    native?.close();
    console.log(`    ours, StandardsIndex (MiniSearch BM25+, Porter2 stemming): build from the files ${fmtMs(buildMs)} (read, parse, index; parsing alone ${fmtMs(parseMs)}), heap ${mb(heap)}; search p50 ${fmtMs(ours!.p50)}, p99 ${fmtMs(ours!.p99)}`);
    console.log(`    ${fts4.name} (not chosen): build ${fmtMs(fts4Build)} (from parsed sections), memory ${mb(fts4Mem)} (wasm heap growth); search p50 ${fmtMs(alt!.p50)}, p99 ${fmtMs(alt!.p99)}`);
    if (ref && native) {
      const ratio = ours!.p50 / ref.p50;
      console.log(`    ${native.name} (reference): build ${fmtMs(fts5Build)} (from parsed sections; native memory not counted); search p50 ${fmtMs(ref.p50)}, p99 ${fmtMs(ref.p99)}`);
      console.log(`    ours / FTS5 at p50: ${ratio.toFixed(2)}x (goal ≤ ${GOAL_RATIO}x: ${ratio <= GOAL_RATIO ? 'met' : 'NOT met'}); FTS4 / FTS5: ${(alt!.p50 / ref.p50).toFixed(2)}x; ours / FTS4: ${(ours!.p50 / alt!.p50).toFixed(2)}x`);
      console.log(`    top-${LIMIT} shared with FTS5 (different BM25 variants; near-ties reorder): ours ${(agreement(ours!.tops, ref.tops) * 100).toFixed(0)}%, FTS4 ${(agreement(alt!.tops, ref.tops) * 100).toFixed(0)}%`);
    } else {
      console.log(`    better-sqlite3 FTS5: skipped, it could not be loaded (${fts5.why ?? 'unknown reason'}); no ratio`);
    }
    index.dispose();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Approval's write (temp + rename) → the watcher's event → search finds it, CYCLE_RUNS times. */
async function cycleBench(count: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'agent-os-bench-cycle-'));
  try {
    writeCorpus(root, count);
    const index = new StandardsIndex({ workspaceRoot: root });
    await index.start();
    // Persistent: nothing else keeps this process alive while it waits for the event.
    const watch = index.watch({ persistent: true });
    const times: number[] = [];
    for (let i = 0; i < CYCLE_RUNS; i++) {
      const rel = `.agent-os/standards/cycle/approved-${i}.md`;
      const file = join(root, ...rel.split('/'));
      const word = `cycleword${i}`;
      const seen = new Promise<StandardsChange>((resolve) => {
        const off = index.events.on('standards:changed', (c) => {
          if (c.path === rel) {
            off();
            resolve(c);
          }
        });
      });
      const t = performance.now();
      mkdirSync(dirname(file), { recursive: true });
      const temp = join(dirname(file), `.approved-${i}.tmp`);
      writeFileSync(temp, `---\ndomain: cycle\ntopic: approved-${i}\ntitle: Cycle ${i}\ntags: []\n---\n\n## Pattern\n\nFound by ${word}.\n`);
      renameSync(temp, file);
      await seen;
      const hits = await index.search({ query: word, limit: 1 });
      times.push(performance.now() - t);
      if (hits[0]?.path !== rel) throw new Error(`cycle run ${i}: the new standard was not found`);
    }
    watch.dispose();
    index.dispose();
    const p50 = percentile(times, 50);
    console.log(`  cycle time, ${count.toLocaleString('en')} standards indexed, approved file written (temp + rename) → watcher event → found by search, ${CYCLE_RUNS} runs: p50 ${fmtMs(p50)}, max ${fmtMs(Math.max(...times))} (goal < ${GOAL_CYCLE_MS} ms: ${p50 < GOAL_CYCLE_MS ? 'met' : 'NOT met'}; node:fs.watch as in the CLI, VS Code's own watcher adds its delivery delay)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function standardsBench(): Promise<void> {
  console.log(`standards search, Node ${process.version}; every engine stems (ours Porter2 with wink-porter2-stemmer, SQLite's porter tokenizer in FTS4 and FTS5):`);
  // sql.js's WebAssembly is loaded before any figure, so FTS4's memory is its growth only.
  const SQL = await loadSqlJs();
  new SQL.Database().close();
  const fts5 = loadBetterSqlite();
  for (const count of SIZES) await sizeBench(count, fts5);
  for (const count of SIZES) await cycleBench(count);
}
