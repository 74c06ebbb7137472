// `npm run bench -- --load`: 100 persona jobs at once from 10 MCP clients (5 `agent-os-personas
// mcp` stdio children proxying to this process, the store's owner, and 5 HTTP clients) on a pool
// of 3 workers, while the demo model answers at random (seeded) with reviews and faults. Prints
// how the jobs ended, queue wait p50/p99 (created → started, from the job rows), the time to
// drain, the pool size sampled throughout, and anything lost, stuck or failed without a hint.
// --load-jobs=N, --load-seed=N and --load-timeout=S (a job's limit, seconds) change the run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIX_WEIGHTS } from '../src/personas/demoModel/faults';
import { examples, outcomes, runLoad, type LoadOptions, type LoadReport } from './loadFaults';
import { percentile } from './stats';

export function loadOptionsFrom(argv: string[]): LoadOptions {
  const num = (flag: string, fallback: number): number => {
    const raw = argv.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);
    const n = raw === undefined ? NaN : Number(raw);
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const jobTimeoutMs = num('load-timeout', 20) * 1000;
  return {
    jobs: num('load-jobs', 100),
    stdioClients: 5,
    httpClients: 5,
    seed: num('load-seed', 17),
    workers: 3,
    jobTimeoutMs,
    // Longer than the job's limit: a hung request is ended by the job timeout (its worker replaced).
    requestTimeoutSeconds: 60,
    drainTimeoutMs: 15 * 60_000,
  };
}

/** The figures and every check, as lines (the unit test prints them when it fails). */
export function describeLoad(report: LoadReport): string[] {
  const o = report.options;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const ids = (list: string[]): string => (list.length === 0 ? '0' : `${list.length} (${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''})`);
  const served = [...report.served].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `  ${report.jobs.length} jobs acknowledged of ${o.jobs} asked; refused ${ids(report.refused)}; stdio children: ${report.stdioModes.join(', ')}`,
    `  ended: ${[...outcomes(report)].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `  model requests served, by draw: ${served}`,
    `  queue wait (created → started) p50 ${seconds(percentile(report.queueWaitMs, 50))}, p99 ${seconds(percentile(report.queueWaitMs, 99))}, max ${seconds(Math.max(...report.queueWaitMs))}; time to drain ${seconds(report.drainMs)} (setup before it: ${seconds(report.setupMs)})`,
    `  pool size seen: {${[...report.poolSizes].join(', ')}}, live worker threads seen: {${[...report.liveWorkers].join(', ')}} (goal: only ${o.workers}); workers replaced (hung jobs timed out): ${report.replacedWorkers}`,
    ...[...examples(report)].map(([code, text]) => `    e.g. ${code}: ${text}`),
    `  lost ${ids(report.lost)}; still queued/running ${ids(report.open)}; failed without code+hint ${ids(report.withoutHint)}; ended past 2×limit+3 s (worker warm-up, then the run) ${ids(report.late)}; read back with another status ${ids(report.misread)}`,
  ];
}

export async function loadBench(options: LoadOptions): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'agent-os-bench-load-'));
  const mix = MIX_WEIGHTS.map(([name, w]) => `${name} ${w}%`).join(', ');
  console.log(`\nLoad with faults: ${options.jobs} persona jobs at once from ${options.stdioClients} stdio proxies (\`node dist/cli.js mcp\` forwarding to this process, the owner) and ${options.httpClients} HTTP clients; ${options.workers} workers; job limit ${options.jobTimeoutMs / 1000} s; the demo model draws per request (seed ${options.seed}): ${mix}; the SDK retries 429/529/500 (maxRetries 3):`);
  try {
    const report = await runLoad(workspace, options);
    for (const line of describeLoad(report)) console.log(line);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  console.log(`  Reproduce: npm run bench -- --load  (--load-jobs=N --load-seed=N --load-timeout=S)`);
}
