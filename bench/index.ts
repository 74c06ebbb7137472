// `npm run bench`: prints figures (not pass/fail). Run after `npm run build`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobStore } from '../src/jobs/jobStore';
import { runIntegrationSuite } from '../test/harness/runIntegration';
import { freshWorkspaceCopy, repoRoot } from '../test/harness/codeServer';
import { jobEngineBench } from './jobEngine';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const fmt = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

async function createLatency(count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-os-bench-'));
  try {
    const store = await JobStore.open({ dir });
    for (let i = 0; i < 50; i++) await store.create({ persona: 'engineer', task: `warm ${i}` });
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      await store.create({ persona: 'engineer', task: `bench ${i}`, context: 'File: a.ts (file, lines 1-1)\n1| x' });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`job create (durable: on disk in the journal before it resolves), 1 caller, ${count} jobs: p50 ${fmt(percentile(times, 50))}, p99 ${fmt(percentile(times, 99))}`);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
  await createLatency(2000);
  if (!process.argv.includes('--no-vscode')) await activation();
  if (!process.argv.includes('--no-engine')) await jobEngineBench();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
