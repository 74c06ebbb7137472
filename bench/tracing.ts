// Tracing's cost on the job path: durable job create p50 with tracing off and on (exporting to a
// loopback OTLP/HTTP receiver while the created jobs run on the demo model), in one run, creates
// alternating between the two so drift of the machine falls on both sides. Figures only; the goal is printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaServices } from '../src/services';
import { enableTracing } from '../src/telemetry/loadTracing';
import type { JobTracing } from '../src/telemetry/otelTracing';
import { OtlpReceiver } from '../test/unit/otlpReceiver';
import { fmtMs, percentile } from './stats';

const REPO = join(__dirname, '..', '..');
const TRIALS = 3;
const CREATES = 400;

async function demoServices(dir: string): Promise<PersonaServices> {
  return PersonaServices.create({
    workspaceRoot: dir,
    extensionRoot: REPO,
    ownerKind: 'bench',
    workerScript: join(REPO, 'dist', 'worker.js'),
    workerCount: 1,
    modelSettings: () => ({ provider: 'demo', model: 'm', baseUrl: '', maxTokens: 2048, requestTimeoutSeconds: 30 }),
    apiKey: () => Promise.resolve(undefined),
    log: () => undefined,
  });
}

const job = (i: number): { persona: string; task: string; context: string } => ({
  persona: 'security',
  task: `Review change ${i} [[demo:tool-use]]`,
  context: 'File: src/a.ts (file, lines 1-1)\n1| export const x = 1;',
});

export async function tracingBench(): Promise<void> {
  console.log('\nTracing (job create p50, tracing off vs on, one run; on = exporting to a loopback OTLP/HTTP receiver while the jobs run):');
  const receiver = await OtlpReceiver.start();
  const dirs = [mkdtempSync(join(tmpdir(), 'agent-os-bench-')), mkdtempSync(join(tmpdir(), 'agent-os-bench-'))];
  const off = await demoServices(dirs[0]!);
  const on = await demoServices(dirs[1]!);
  let tracing: JobTracing | null = null;
  try {
    tracing = enableTracing(on, { extensionRoot: REPO, settings: { otlpEndpoint: receiver.url }, env: {}, log: (line) => console.log(`  (${line})`), serviceVersion: 'bench', scheduledDelayMillis: 200 });
    if (!tracing) throw new Error('tracing did not start: is dist/telemetry.js built?');
    const latencies: Record<'off' | 'on', number[]> = { off: [], on: [] };
    const trialRatios: number[] = [];
    // Warm both stores and both workers.
    for (const s of [off, on]) for (let i = 0; i < 20; i++) await s.store.create(job(i));
    for (let trial = 0; trial < TRIALS; trial++) {
      const trialLatencies: Record<'off' | 'on', number[]> = { off: [], on: [] };
      for (let i = 0; i < CREATES; i++) {
        const order = i % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
        for (const side of order) {
          const s = side === 'on' ? on : off;
          const t = performance.now();
          await s.store.create(job(i));
          trialLatencies[side].push(performance.now() - t);
        }
      }
      trialRatios.push(percentile(trialLatencies.on, 50) / percentile(trialLatencies.off, 50));
      latencies.off.push(...trialLatencies.off);
      latencies.on.push(...trialLatencies.on);
    }
    const done = (x: PersonaServices): number => x.store.listSummaries({ status: 'completed', limit: 10000 }).length;
    console.log(`  jobs completed while measuring: off ${done(off)}, on ${done(on)}`);
    const p50 = { off: percentile(latencies.off, 50), on: percentile(latencies.on, 50) };
    const stats = tracing.stats();
    console.log(`  create p50 off ${fmtMs(p50.off)}, on ${fmtMs(p50.on)}; p99 off ${fmtMs(percentile(latencies.off, 99))}, on ${fmtMs(percentile(latencies.on, 99))} (${TRIALS * CREATES} creates each)`);
    console.log(`  ratio on : off ${(p50.on / p50.off).toFixed(2)}x (goal ≤ 1.1x; per trial ${trialRatios.map((r) => `${r.toFixed(2)}x`).join(', ')}); spans exported while measuring: ${stats.exported}, dropped: ${stats.dropped}, receiver saw ${receiver.spans.length}`);
  } finally {
    await off.dispose(0);
    await on.dispose(0);
    await receiver.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
