// `npm run bench -- --soak 30m` (or 90s, 2m, 1h): mixed traffic for that long against one
// workspace's services and their MCP HTTP endpoint — reviews through the demo model, reviews
// cancelled mid-run, job reads and lists, standards searches, findings — with retention set
// short and the MaintenanceScheduler's cleanup timer firing every minute or so instead of daily.
// Samples RSS, heap used (after a full GC), open file descriptors and the store's bytes on disk
// each minute (each tenth of the run when shorter than 10 minutes), prints the series and each
// one's least-squares slope per minute after the first cleanup, and calls it flat or growing.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startMcpHttp } from '../src/mcp/httpServer';
import type { Clock } from '../src/jobs/maintenance';
import { startDemoServices } from '../test/unit/demoServices';
import { connectHttp, textOf, type BenchClient } from './mcpClients';

const DAY_MS = 24 * 60 * 60 * 1000;
const CONTEXT = 'File: src/pay.ts (file, lines 1-3)\n1| const apiKey = "sk-live-1234567890";\n2| export function pay(amount: number) {\n3|   return fetch(`http://pay/${amount}`); }';
const PERSONAS = ['engineer', 'security', 'qa', 'sre'] as const;

/** `30m`, `90s`, `1h`, `2` (minutes): the soak's length in ms, or undefined when unreadable. */
export function parseSoakDuration(text: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text ?? '');
  if (!m) return undefined;
  const unit = m[2] === 's' ? 1000 : m[2] === 'h' ? 3_600_000 : 60_000;
  const ms = Number(m[1]) * unit;
  return ms >= 10_000 ? ms : undefined;
}

/** The duration after `--soak` (`--soak 30m` or `--soak=30m`); 30 minutes when absent. */
export function soakDurationFrom(argv: string[]): number {
  const i = argv.indexOf('--soak');
  const text = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--soak='))?.slice('--soak='.length);
  const ms = text === undefined || text.startsWith('--') ? 30 * 60_000 : parseSoakDuration(text);
  if (ms === undefined) throw new Error(`--soak ${text}: give a duration of at least 10 s, e.g. 30m, 90s or 1h`);
  return ms;
}

interface Sample {
  atMs: number;
  rssMb: number;
  heapMb: number;
  fds: number;
  storeKb: number;
  jobs: number;
}

/** A full collection before each heap sample, so the series shows what is kept, not what awaits collection. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    try {
      total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
    } catch {
      // A temp file renamed or removed between the listing and the stat.
    }
  }
  return total;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

/** Mulberry32: the traffic's choices repeat from run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function soakBench(durationMs: number): Promise<void> {
  const gc = collector();
  const workspace = mkdtempSync(join(tmpdir(), 'agent-os-bench-soak-'));
  const minutes = durationMs / 60_000;
  // Each minute; a run shorter than 10 minutes is sampled 10 times.
  const sampleEveryMs = Math.min(60_000, durationMs / 10);
  const cleanupEveryMs = Math.max(10_000, Math.min(60_000, durationMs / 6));
  // Jobs finished longer ago than half a cleanup interval are removed: each cleanup finds work.
  const keepMs = cleanupEveryMs / 2;
  const retention = { completedDays: keepMs / DAY_MS, failedDays: keepMs / DAY_MS, cancelledDays: keepMs / DAY_MS };
  // The scheduler asks for a timer to its next daily run; this clock fires it every cleanupEveryMs instead.
  const clock: Clock = { now: () => Date.now(), setTimer: (fn) => setTimeout(fn, cleanupEveryMs).unref(), clearTimer: (h) => clearTimeout(h as NodeJS.Timeout) };
  const cleanups: { atMs: number; line: string }[] = [];
  const t0 = Date.now();
  const services = await startDemoServices(workspace, {
    ownerKind: 'soak bench',
    workerCount: 3,
    retention: () => retention,
    clock,
    log: (line) => {
      if (line.startsWith('maintenance')) cleanups.push({ atMs: Date.now() - t0, line });
    },
  });
  console.log(`\nSoak: ${minutes.toFixed(1)} min of mixed MCP traffic over HTTP (4 agents: reviews by the demo model 40%, a slow review cancelled 10%, check_persona_job 20%, list_persona_jobs 10%, search_standards 10%, list_findings 10%); 3 workers; retention ${(keepMs / 1000).toFixed(0)} s for every status, the maintenance timer every ${(cleanupEveryMs / 1000).toFixed(0)} s; a sample every ${(sampleEveryMs / 1000).toFixed(0)} s:`);
  const agents: BenchClient[] = [];
  const counts = new Map<string, number>();
  const errors: string[] = [];
  const samples: Sample[] = [];
  let stop = false;
  let sampler: NodeJS.Timeout | undefined;
  const endpoint = await startMcpHttp(services);
  try {
    await services.pool.ready();
    for (let i = 0; i < 4; i++) agents.push(await connectHttp(endpoint, `soak-${i}`));
    const dataDir = join(workspace, '.agent-os');
    const sample = (): void => {
      gc();
      const mem = process.memoryUsage();
      samples.push({
        atMs: Date.now() - t0,
        rssMb: mem.rss / 1e6,
        heapMb: mem.heapUsed / 1e6,
        fds: readdirSync('/proc/self/fd').length,
        storeKb: folderBytes(dataDir) / 1e3,
        jobs: Object.values(services.store.stats().counts).reduce((a, b) => a + b, 0),
      });
    };
    sample();
    sampler = setInterval(sample, sampleEveryMs);
    const recent: string[] = [];
    const call = async (agent: BenchClient, name: string, args: Record<string, unknown>): Promise<Record<string, unknown> | undefined> => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      const result = (await agent.client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
      if (result.isError) {
        // A job removed by retention between the pick and the read is what a short retention does.
        if (!/JOB_NOT_FOUND/.test(textOf(result))) errors.push(`${name}: ${textOf(result).slice(0, 300)}`);
        return undefined;
      }
      return JSON.parse(textOf(result)) as Record<string, unknown>;
    };
    const traffic = async (agent: BenchClient, seed: number): Promise<void> => {
      const random = seeded(seed);
      let n = 0;
      while (!stop) {
        const r = random();
        const persona = PERSONAS[n++ % PERSONAS.length]!;
        try {
          if (r < 0.4) {
            const done = await call(agent, `invoke_${persona}`, { task: `Soak review ${n}`, context: CONTEXT, wait_seconds: 40 });
            if (typeof done?.['job_id'] === 'string') recent.push(done['job_id']);
          } else if (r < 0.5) {
            const asked = await call(agent, `invoke_${persona}`, { task: `Soak review to cancel ${n} [[demo:slow]]`, context: CONTEXT });
            if (asked?.['job_id']) await call(agent, 'cancel_persona_job', { job_id: asked['job_id'] });
          } else if (r < 0.7) {
            const id = recent[Math.floor(random() * recent.length)];
            if (id) await call(agent, 'check_persona_job', { job_id: id });
          } else if (r < 0.8) {
            await call(agent, 'list_persona_jobs', {});
          } else if (r < 0.9) {
            await call(agent, 'search_standards', { query: ['secrets in code', 'error handling', 'logging', 'tests'][n % 4] });
          } else {
            await call(agent, 'list_findings', {});
          }
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
        }
        if (recent.length > 200) recent.splice(0, 100);
      }
    };
    const running = agents.map((a, i) => traffic(a, 1000 + i));
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    stop = true;
    await Promise.all(running);
    clearInterval(sampler);
    sample();
  } finally {
    stop = true;
    clearInterval(sampler);
    await Promise.all(agents.map((a) => a.close().catch(() => undefined)));
    await endpoint.close();
    await services.dispose(0);
    rmSync(workspace, { recursive: true, force: true });
  }
  report(samples, cleanups, counts, errors);
}

function report(samples: Sample[], cleanups: { atMs: number; line: string }[], counts: Map<string, number>, errors: string[]): void {
  console.log(`  calls: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}; unexpected errors ${errors.length}${errors.length > 0 ? ` (first: ${errors[0]})` : ''}`);
  console.log(`  cleanups that removed jobs: ${cleanups.length}${cleanups.length > 0 ? ` (first at ${(cleanups[0]!.atMs / 1000).toFixed(0)} s: ${cleanups[0]!.line})` : ''}`);
  console.log('       t   RSS MB  heap MB  fds  store KB  jobs kept');
  for (const s of samples) {
    console.log(`  ${(s.atMs / 1000).toFixed(0).padStart(5)} s ${s.rssMb.toFixed(1).padStart(7)} ${s.heapMb.toFixed(1).padStart(8)} ${String(s.fds).padStart(4)} ${s.storeKb.toFixed(0).padStart(9)} ${String(s.jobs).padStart(10)}`);
  }
  const first = cleanups[0]?.atMs;
  const after = first === undefined ? [] : samples.filter((s) => s.atMs >= first);
  if (after.length < 3) {
    console.log(`  too few samples after the first cleanup (${after.length}) for a slope: run longer`);
    return;
  }
  const series: [string, (s: Sample) => number, string, number][] = [
    // Flat: the fitted change over an hour stays under ~10% of the series' mean (fds: under 1 per 2 min).
    ['RSS', (s) => s.rssMb, 'MB', 0],
    ['heap used', (s) => s.heapMb, 'MB', 0],
    ['open fds', (s) => s.fds, '', 0.5],
    // The journal grows to its compaction threshold and is then folded into the snapshot: a
    // sawtooth, so a run shorter than a few teeth shows a slope either way.
    ['store on disk', (s) => s.storeKb, 'KB', 0],
    ['jobs kept', (s) => s.jobs, '', 1],
  ];
  const slopes = (window: Sample[]): string =>
    series
      .map(([name, get, unit, floor]) => {
        const perMin = slope(window.map((s) => [s.atMs / 60_000, get(s)]));
        const mean = window.reduce((sum, s) => sum + get(s), 0) / window.length;
        const limit = Math.max(floor, (0.1 * mean) / 60);
        const verdict = Math.abs(perMin) <= limit ? 'flat' : perMin > 0 ? 'GROWING' : 'shrinking';
        return `${name} ${perMin >= 0 ? '+' : ''}${perMin.toFixed(unit === '' ? 2 : 3)}${unit ? ` ${unit}` : ''}/min (${verdict})`;
      })
      .join('; ');
  console.log(`  slope per minute after the first cleanup (${after.length} samples; flat = under 10% of the mean per hour): ${slopes(after)}`);
  // Memory that only climbs to a high-water mark (sql.js's WebAssembly memory never shrinks, code
  // caches warm up) slopes over the whole run and levels later: the second half tells the two apart.
  const secondHalf = after.slice(Math.floor(after.length / 2));
  if (secondHalf.length >= 3) console.log(`  slope per minute over the second half (${secondHalf.length} samples): ${slopes(secondHalf)}`);
}
