import assert from 'node:assert/strict';
import { PersonaServices } from '../../src/services';
import type { ModelSettings } from '../../src/personas/modelResolver';
import type { Job } from '../../src/jobs/types';
import { settledJob } from './settledJob';
import { useTempDir } from './tempDir';
import { startDemoServices } from './demoServices';

const settings = (provider: ModelSettings['provider'] = 'demo'): ModelSettings => ({
  provider, model: 'claude-test', baseUrl: '', maxTokens: 1024, requestTimeoutSeconds: 30,
});

const finished = (services: PersonaServices, id: string): Promise<Job> => settledJob(services, id, 20_000);

describe('WorkerPool on real worker threads', function () {
  this.timeout(30_000);
  let services: PersonaServices | undefined;
  // Registered before the temp folder's hook so the store closes before its folder is removed.
  afterEach(async () => {
    await services?.dispose();
    services = undefined;
  });
  const tmp = useTempDir();

  const start = async (provider: ModelSettings['provider'] = 'demo', apiKey?: string): Promise<PersonaServices> => {
    services = await startDemoServices(tmp.path, { modelSettings: () => settings(provider), apiKey: () => Promise.resolve(apiKey) });
    return services;
  };

  it('runs a job on a worker through the demo model to completed, with progress in the store', async () => {
    const s = await start();
    const phases = new Set<string>();
    s.store.events.on('job:progress', (j) => phases.add(j.phase ?? ''));
    const job = await s.store.create({ persona: 'architect', task: 'Review the design', context: 'File: a.ts (file, lines 1-1)\n1| const db = new OrderRepository();' });
    const final = await finished(s, job.id);
    assert.equal(final.status, 'completed', final.error?.message);
    assert.equal(final.modelLabel, 'demo model');
    assert.match(final.result ?? '', /# Architect review/);
    assert.match(final.result ?? '', /Model: demo model/);
    assert.ok(final.tokensOut > 0);
    assert.ok(phases.has('generating'), `phases seen: ${[...phases].join(',')}`);
  });

  it('retries a 529 and completes; fails a 400 with its code and hint', async () => {
    const s = await start();
    const ok = await s.store.create({ persona: 'engineer', task: 'overloaded once [[demo:529x1]]' });
    const bad = await s.store.create({ persona: 'engineer', task: 'bad request [[demo:400]]' });
    assert.equal((await finished(s, ok.id)).status, 'completed');
    const failed = await finished(s, bad.id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'MODEL_BAD_REQUEST');
    assert.ok((failed.error?.hint ?? '').length > 10);
  });

  it('fails a job for an unknown persona with the list of known ids', async () => {
    const s = await start();
    const job = await s.store.create({ persona: 'nobody', task: 'x' });
    const failed = await finished(s, job.id);
    assert.equal(failed.error?.code, 'UNKNOWN_PERSONA');
    assert.match(failed.error?.hint ?? '', /architect/);
  });

  it('fails with NO_API_KEY and a hint saying how to set one when Anthropic is required and no key is set', async () => {
    const s = await start('anthropic');
    const job = await s.store.create({ persona: 'engineer', task: 'x' });
    const failed = await finished(s, job.id);
    assert.equal(failed.error?.code, 'NO_API_KEY');
    assert.match(failed.error?.hint ?? '', /Set Anthropic API Key|ANTHROPIC_API_KEY/);
  });

  it('cancels a queued job at once', async () => {
    const s = await start();
    // Two slow jobs occupy both workers; the third waits in the queue.
    await s.store.create({ persona: 'engineer', task: 'a [[demo:slow]]' });
    await s.store.create({ persona: 'engineer', task: 'b [[demo:slow]]' });
    const queued = await s.store.create({ persona: 'engineer', task: 'c' });
    assert.equal(s.store.get(queued.id)?.status, 'queued');
    const cancelled = await s.jobs.cancel(queued.id);
    assert.equal(cancelled.status, 'cancelled');
  });
});
