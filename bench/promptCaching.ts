// Prompt caching: what two consecutive reviews by one persona pay for their input, with and
// without cache_control. The reviews run for real (the pool, the worker, the demo model, the
// sample workspace); their requests are then sent again, in order, to fresh demo model servers:
// once as the runner sent them (the system block and the last tool marked), once with every
// marker removed. The figures are the demo server's usage (its tokens are characters / 4).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { DemoModelServer } from '../src/personas/demoModel/server';
import { PersonaServices } from '../src/services';

const REPO = join(__dirname, '..', '..');
const PERSONA = 'security';
const TASKS = ['Is the order total safe? Check `src/orders.ts`', 'Are the payments handled safely? Check `src/payments.ts`'];
/** What the Messages API bills a cached token at, relative to an input token (5-minute cache). */
const WRITE_RATE = 1.25;
const READ_RATE = 0.1;

interface Totals {
  requests: number;
  input: number;
  cacheWrite: number;
  cacheRead: number;
}

export async function promptCachingBench(): Promise<void> {
  const { bodies, rows } = await twoReviews();
  const cached = await replay(bodies, false);
  const plain = await replay(bodies, true);
  const equivalent = (t: Totals): number => t.input + WRITE_RATE * t.cacheWrite + READ_RATE * t.cacheRead;
  console.log(`prompt caching, two consecutive reviews by ${PERSONA} (demo model, ${cached.requests} model turns):`);
  console.log(`  without cache_control: ${plain.input} input tokens at the full rate`);
  console.log(`  with cache_control:    ${cached.input} input tokens at the full rate, ${cached.cacheWrite} written to the cache (×${WRITE_RATE}), ${cached.cacheRead} read from it (×${READ_RATE})`);
  console.log(`  billed as input tokens: ${Math.round(equivalent(plain))} without vs ${Math.round(equivalent(cached))} with (${(equivalent(cached) / equivalent(plain)).toFixed(2)}x)`);
  console.log(`  (the live run's job rows: tokensIn ${rows.input}, cache write ${rows.cacheWrite}, cache read ${rows.cacheRead})`);
}

/** Runs the two reviews one after the other through the real pool; returns every request body the model received, in order, and the rows' usage. */
async function twoReviews(): Promise<{ bodies: string[]; rows: Totals }> {
  const dir = mkdtempSync(join(tmpdir(), 'aop-bench-cache-'));
  cpSync(join(REPO, 'sample-workspace'), dir, { recursive: true });
  const services = await PersonaServices.create({
    workspaceRoot: dir,
    extensionRoot: REPO,
    ownerKind: 'bench',
    workerScript: join(REPO, 'out', 'src', 'personas', 'personaWorker.js'),
    workerCount: 1,
    modelSettings: () => ({ provider: 'demo', model: 'm', baseUrl: '', maxTokens: 2048, requestTimeoutSeconds: 30 }),
    apiKey: () => Promise.resolve(undefined),
    log: () => undefined,
  });
  try {
    const bodies: string[] = [];
    const rows: Totals = { requests: 0, input: 0, cacheWrite: 0, cacheRead: 0 };
    (await services.models.demoServer()).events.on('request', (e) => bodies.push(e.body));
    for (const task of TASKS) {
      const job = await services.store.create({ persona: PERSONA, task });
      const done = await services.watch.whenSettled(job.id, { timeoutMs: 60_000 });
      if (done.status !== 'completed') throw new Error(`the bench review ended ${done.status}: ${done.error?.message ?? ''}`);
      rows.input += done.tokensIn;
      rows.cacheWrite += done.cacheWriteTokens;
      rows.cacheRead += done.cacheReadTokens;
    }
    return { bodies, rows };
  } finally {
    await services.dispose(0);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sends the bodies again, in order, to a fresh demo server (JSON answers), and sums its usage. */
async function replay(bodies: string[], stripMarkers: boolean): Promise<Totals> {
  const server = await DemoModelServer.start({ chunkDelayMs: 0 });
  const client = new Anthropic({ apiKey: 'demo', baseURL: server.url, maxRetries: 0 });
  const totals: Totals = { requests: 0, input: 0, cacheWrite: 0, cacheRead: 0 };
  try {
    for (const raw of bodies) {
      const text = stripMarkers ? JSON.stringify(JSON.parse(raw), (key, value: unknown) => (key === 'cache_control' ? undefined : value)) : raw;
      const body = { ...(JSON.parse(text) as Anthropic.Messages.MessageCreateParamsNonStreaming), stream: false as const };
      const { usage } = await client.messages.create(body);
      totals.requests += 1;
      totals.input += usage.input_tokens;
      totals.cacheWrite += usage.cache_creation_input_tokens ?? 0;
      totals.cacheRead += usage.cache_read_input_tokens ?? 0;
    }
    return totals;
  } finally {
    await server.dispose();
  }
}
