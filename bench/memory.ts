// `npm run bench -- --memory`: the memory of a host like the extension host (PersonaServices,
// three workers, the demo model), in a child process of its own per run so each starts cold:
// the host's RSS with the pool idle, with three jobs running at once, and after they end; each
// worker's V8 heap at the same three points (idle = the worker bundle loaded, warm = after a
// review). Medians of RUNS runs. `--worker-script=<path>` runs the workers from another bundle
// (to compare a build before and after a change to what a worker loads); the default is
// dist/worker.js, the bundle that ships. Figures only.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { MemorySample } from './memoryHost';

const REPO = join(__dirname, '..', '..');
const RUNS = 5;
const MB = 1024 * 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function hostRun(workerScript: string): Promise<MemorySample[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--require', join(REPO, 'out', 'test', 'unit', 'setup.js'), join(__dirname, 'memoryHost.js'), workerScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the memory host exited with ${code}`));
      resolve(out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as MemorySample));
    });
  });
}

export async function memoryBench(argv: string[]): Promise<void> {
  const workerScript = argv.find((a) => a.startsWith('--worker-script='))?.slice('--worker-script='.length) ?? join(REPO, 'dist', 'worker.js');
  console.log(`\nMemory (a PersonaServices host in its own process, 3 workers from ${workerScript.startsWith(REPO) ? workerScript.slice(REPO.length + 1) : workerScript} (${(statSync(workerScript).size / 1024).toFixed(0)} KB), demo model; medians of ${RUNS} runs, each after a full collection):`);
  const runs: MemorySample[][] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await hostRun(workerScript));
  for (const label of ['idle', 'busy', 'warm'] as const) {
    const samples = runs.map((r) => r.find((s) => s.label === label)).filter((s): s is MemorySample => s !== undefined);
    const rss = median(samples.map((s) => s.rssBytes)) / MB;
    const hostHeap = median(samples.map((s) => s.hostHeapBytes)) / MB;
    const workerHeaps = samples.flatMap((s) => s.workers.map((w) => w.usedBytes));
    const what = { idle: 'pool idle (workers loaded)', busy: 'during 3 jobs', warm: 'after the 3 jobs (warm)' }[label];
    console.log(`  ${what.padEnd(27)} host RSS ${rss.toFixed(1)} MB, host heap ${hostHeap.toFixed(1)} MB; a worker's heap median ${(median(workerHeaps) / MB).toFixed(2)} MB (min ${(Math.min(...workerHeaps) / MB).toFixed(2)}, max ${(Math.max(...workerHeaps) / MB).toFixed(2)})`);
  }
}
