// The memory bench's host (`npm run bench -- --memory`, bench/memory.ts): a child process that
// runs PersonaServices with three workers on a fresh workspace, as the extension host does, and
// prints its samples as JSON lines (run with --require out/test/unit/setup.js, for the .sql migrations). Started with --expose-gc, so every sample follows a full
// collection of the host's heap and of each worker's: steady figures, not the collector's phase.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaServices } from '../src/services';
import type { WorkerHeap } from '../src/jobs/workerProtocol';
import { waitFor } from '../test/harness/waitFor';

export interface MemorySample {
  label: 'idle' | 'busy' | 'warm';
  rssBytes: number;
  hostHeapBytes: number;
  workers: WorkerHeap[];
}

const REPO = join(__dirname, '..', '..');

async function sample(services: PersonaServices, label: MemorySample['label']): Promise<MemorySample> {
  const workers = await services.pool.workerHeaps();
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { label, rssBytes: usage.rss, hostHeapBytes: usage.heapUsed, workers };
}

async function main(workerScript: string): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'agent-os-bench-memory-'));
  const services = await PersonaServices.create({
    workspaceRoot: workspace,
    extensionRoot: REPO,
    ownerKind: 'bench',
    workerScript,
    workerCount: 3,
    modelSettings: () => ({ provider: 'demo', model: 'm', baseUrl: '', maxTokens: 2048, requestTimeoutSeconds: 60 }),
    apiKey: () => Promise.resolve(undefined),
    log: () => undefined,
  });
  const print = (s: MemorySample): void => void process.stdout.write(`${JSON.stringify(s)}\n`);
  try {
    await services.pool.ready();
    print(await sample(services, 'idle'));
    // Paced reviews (60 ms a chunk), so all three run at once while the sample is taken.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await services.store.create({ persona: 'security', task: `Review change ${i} [[demo:slow]]`, context: 'File: src/a.ts (file, lines 1-1)\n1| export const x = 1;' })).id);
    const generating = (id: string): boolean => services.store.get(id)?.status === 'running' && services.store.get(id)?.phase === 'generating';
    await waitFor(() => ids.every(generating), { timeoutMs: 60_000, intervalMs: 20, message: 'three jobs never ran at once' });
    print(await sample(services, 'busy'));
    const settled = (id: string): boolean => ['completed', 'failed', 'cancelled'].includes(services.store.get(id)?.status ?? '');
    await waitFor(() => ids.every(settled), { timeoutMs: 120_000, intervalMs: 50, message: 'the three jobs never ended' });
    print(await sample(services, 'warm'));
  } finally {
    await services.dispose(0);
    rmSync(workspace, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv[2] ?? join(REPO, 'dist', 'worker.js')).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
