// `npm run bench`: prints figures (not pass/fail). Activation in the real VS Code, the standards
// search (bench/standards.ts), the job engine (create latency and throughput, polls, replay,
// stalls, ETA: bench/jobEngine.ts), MCP tool calls over HTTP and stdio (bench/mcp.ts), then
// complete_phase on a 50-field evidence object (bench/workflows.ts), the input tokens two reviews
// by one persona pay with and without prompt caching (bench/promptCaching.ts), then job create with
// tracing off vs on (bench/tracing.ts), then a job's completion with and without storing its
// findings, and reading them (bench/findings.ts). Skip parts with --no-vscode, --no-standards,
// --no-engine, --no-mcp, --no-workflows, --no-caching, --no-tracing, --no-findings;
// --only-standards, --only-mcp, --only-workflows, --only-caching, --only-tracing and
// --only-findings run one part alone. --store-against=<checkout>[,<checkout>…] compares this build's job store
// with other checkouts' builds and better-sqlite3 in one process (bench/storeAgainst.ts; sized
// by --store-rounds=<n> and --store-big-rounds=<n>) and runs nothing else;
// --reads-against=<checkout> does the same for reading a file named by input (bench/readsAgainst.ts),
// and --only-reads gives this build's read figures alone.
// --memory (alone): a host's RSS and each worker's heap, idle, during 3 jobs and after them
// (bench/memory.ts); --worker-script=<path> with it runs the workers from another bundle.
// --load: 100 jobs from 10 MCP clients (5 stdio proxies, 5 HTTP) while the demo model answers
// with random faults (bench/load.ts; --load-jobs=N --load-seed=N --load-timeout=S); runs alone.
// --soak <duration> (30m, 90s, 1h): mixed traffic with short retention, memory, fds and store
// size sampled, slopes printed (bench/soak.ts); runs alone.
// --crash[=<trials>] runs the crash matrix alone (bench/crash.ts; 200 SIGKILL trials per scenario).
import { join } from 'node:path';
import { runIntegrationSuite } from '../test/harness/runIntegration';
import { freshWorkspaceCopy, repoRoot } from '../test/harness/codeServer';
import { jobEngineBench } from './jobEngine';
import { loadBench, loadOptionsFrom } from './load';
import { soakBench, soakDurationFrom } from './soak';
import { mcpBench, mcpOptionsFrom } from './mcp';
import { findingsBench } from './findings';
import { promptCachingBench } from './promptCaching';
import { standardsBench } from './standards';
import { tracingBench } from './tracing';
import { crashBench, crashTrialsFrom } from './crash';
import { readsAgainstBench } from './readsAgainst';
import { storeAgainstBench, storeAgainstOptionsFrom } from './storeAgainst';
import { workflowOptionsFrom, workflowsBench } from './workflows';
import { memoryBench } from './memory';

async function activation(): Promise<void> {
  let figure = 'not measured';
  let ready = 'not measured';
  const started = performance.now();
  const result = await runIntegrationSuite({
    extensionPath: repoRoot,
    testsEntry: join(repoRoot, 'out', 'bench', 'activation', 'index.js'),
    workspaceFolder: freshWorkspaceCopy('bench-activation-workspace'),
    runName: 'bench-activation',
    timeoutMs: 120_000,
    log: (line) => {
      const m = /BENCH activationMs=([\d.]+) readyMs=([\d.]+)/.exec(line);
      if (m) {
        figure = `${m[1]} ms`;
        ready = `${m[2]} ms`;
      }
    },
  });
  console.log(`extension activate() in the real VS Code 1.139.1: ${figure}; job store open and tree following it: ${ready} after activation began (fresh workspace)`);
  console.log(`  (cold code-server + Chromium + workbench + activation, whole run: ${((performance.now() - started) / 1000).toFixed(1)} s; harness result ${result.passed} passed, ${result.failed} failed)`);
}

async function main(): Promise<void> {
  console.log(`Agent OS Personas bench — ${new Date().toISOString()}, Node ${process.version}`);
  const argv = process.argv.slice(2);
  const has = (flag: string): boolean => argv.includes(flag);
  const against = argv.find((a) => a.startsWith('--store-against='))?.slice('--store-against='.length);
  if (against) {
    const { rounds, bigRounds } = storeAgainstOptionsFrom(argv);
    await storeAgainstBench(against.split(','), rounds, bigRounds);
    return;
  }
  // --memory, --load and --soak (bench/memory.ts, bench/load.ts, bench/soak.ts) run alone: they load the machine.
  if (has('--memory')) {
    await memoryBench(argv);
    return;
  }
  // --load and --soak (bench/load.ts, bench/soak.ts) run alone: they load the machine.
  if (has('--load')) {
    await loadBench(loadOptionsFrom(argv));
    return;
  }
  if (has('--soak') || argv.some((a) => a.startsWith('--soak='))) {
    await soakBench(soakDurationFrom(argv));
    return;
  }
  const readsAgainst = argv.find((a) => a.startsWith('--reads-against='))?.slice('--reads-against='.length);
  if (readsAgainst || has('--only-reads')) {
    await readsAgainstBench(readsAgainst);
    return;
  }
  // --crash: the crash matrix alone.
  const crashTrials = crashTrialsFrom(argv);
  if (crashTrials !== undefined) {
    await crashBench(crashTrials);
    return;
  }
  const onlyMcp = has('--only-mcp');
  const onlyStandards = has('--only-standards');
  const onlyWorkflows = has('--only-workflows');
  const onlyCaching = has('--only-caching');
  const onlyTracing = has('--only-tracing');
  const onlyFindings = has('--only-findings');
  const only = onlyMcp || onlyStandards || onlyWorkflows || onlyCaching || onlyTracing || onlyFindings;
  if (!only && !has('--no-vscode')) await activation();
  // Before the job engine: its sql.js use would hide the FTS4 comparison's memory growth.
  if ((!only || onlyStandards) && !has('--no-standards')) await standardsBench();
  if (!only && !has('--no-engine')) await jobEngineBench();
  if ((!only || onlyMcp) && !has('--no-mcp')) await mcpBench(mcpOptionsFrom(argv));
  if ((!only || onlyWorkflows) && !has('--no-workflows')) await workflowsBench(workflowOptionsFrom(argv));
  if ((!only || onlyCaching) && !has('--no-caching')) await promptCachingBench();
  if ((!only || onlyTracing) && !has('--no-tracing')) await tracingBench();
  if ((!only || onlyFindings) && !has('--no-findings')) await findingsBench();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
