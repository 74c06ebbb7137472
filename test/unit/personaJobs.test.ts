import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { JobStore } from '../../src/jobs/jobStore';
import type { JobChangeEvent } from '../../src/jobs/types';
import type { DemoClosedEvent } from '../../src/personas/demoModel/server';
import type { ModelSettings } from '../../src/personas/modelResolver';
import { PersonaServices } from '../../src/services';
import { deferred, withTimeout } from '../harness/waitFor';
import { settledJob } from './settledJob';
import { useTempDir } from './tempDir';
import { demoSettings, startDemoServices } from './demoServices';

const demo = (): ModelSettings => demoSettings(1024);

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof PersonaError, `expected a PersonaError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    assert.ok(err.hint.length > 0, 'every error carries a hint');
    return true;
  });
}

describe('PersonaJobs: the one way to ask, cancel and retry', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  const start = async (contextMaxChars?: number): Promise<PersonaServices> => {
    services = await startDemoServices(tmp.path, { modelSettings: demo, contextMaxChars: contextMaxChars === undefined ? undefined : () => contextMaxChars });
    return services;
  };

  it('refuses an unknown persona, an empty task and a path outside the workspace before writing anything', async () => {
    const s = await start();
    writeFileSync(join(tmp.path, '..', `outside-${process.pid}.txt`), 'secret');
    await rejectsWith(s.jobs.ask({ persona: 'nobody', task: 'Review' }), 'UNKNOWN_PERSONA');
    await rejectsWith(s.jobs.ask({ persona: 'engineer', task: '   ' }), 'INVALID_INPUT');
    await rejectsWith(s.jobs.ask({ persona: 'engineer', task: 'Review', context: { files: [`../outside-${process.pid}.txt`] } }), 'PATH_REFUSED');
    await rejectsWith(s.jobs.askPanel({ personas: ['architect', 'ghost'], task: 'Review' }), 'UNKNOWN_PERSONA');
    assert.equal(s.store.list({ limit: 500 }).length, 0, 'nothing was created');
  });

  it('reads named files through the path validator and cuts the whole context to the one limit, saying so', async () => {
    const s = await start(1_000);
    mkdirSync(join(tmp.path, 'src'));
    writeFileSync(join(tmp.path, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(tmp.path, 'src', 'big.ts'), Array.from({ length: 200 }, (_, i) => `export const v${i} = ${i};`).join('\n'));
    const small = await s.jobs.ask({ persona: 'engineer', task: 'Review', context: { files: ['src/a.ts'], text: 'and this note' } });
    const row = s.store.require(small.id);
    assert.match(row.context, /^File: src\/a\.ts \(file, lines 1-2\)\n1\| export const a = 1;/);
    assert.match(row.context, /and this note$/);
    assert.equal(row.contextNote, null);
    const big = await s.jobs.ask({ persona: 'engineer', task: 'Review', context: { files: ['src/big.ts'], text: 'x'.repeat(500) } });
    const cut = s.store.require(big.id);
    // The limit bounds the material; the header and the note saying where it was cut come on top.
    assert.ok(cut.context.length <= 1_000 + (cut.contextNote?.length ?? 0) + 60, `cut to the limit: ${cut.context.length} characters`);
    assert.ok(cut.context.length < 2_000, 'far less than the file and the text');
    assert.match(cut.contextNote ?? '', /agentOsPersonas\.context\.maxChars/);
    assert.match(cut.contextNote ?? '', /The given context was cut to 0 of 500 characters/);
  });

  it('takes the working tree\'s changes with git diff HEAD', async () => {
    const s = await start();
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: tmp.path, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    writeFileSync(join(tmp.path, '.gitignore'), '.agent-os/\n');
    writeFileSync(join(tmp.path, 'config.ts'), 'export const region = "eu";\n');
    git('add', '.');
    git('commit', '-qm', 'base');
    writeFileSync(join(tmp.path, 'config.ts'), 'export const region = "eu";\nexport const retries = 3;\n');
    const job = await s.jobs.ask({ persona: 'engineer', task: 'Review my change', context: { diff: true } });
    assert.match(s.store.require(job.id).context, /File: config\.ts \(git diff against HEAD[\s\S]*2\| \+ export const retries = 3;/);
  });

  it('a cancel written to the store stops the running worker at once: the store owns cancel, the pool follows it', async () => {
    const s = await start();
    await s.pool.ready();
    const job = await s.jobs.ask({ persona: 'engineer', task: 'Review slowly [[demo:slow]]', context: { text: 'File: a.ts (file, lines 1-1)\n1| const x = 1;' } });
    const generating = deferred<void>();
    s.store.events.on('job:progress', (j) => j.id === job.id && j.phase === 'generating' && generating.resolve());
    await withTimeout(generating.promise, 15_000, 'the job never started generating');
    const closed = deferred<DemoClosedEvent>();
    (await s.models.demoServer()).events.on('closed', (e) => closed.resolve(e));
    // Not PersonaJobs.cancel, not the pool: the store's own transition.
    await s.store.cancel(job.id, 'Cancelled straight in the store');
    assert.equal((await withTimeout(closed.promise, 2_000, 'the model request was not aborted')).aborted, true);
    const final = await settledJob(s, job.id);
    assert.equal(final.status, 'cancelled');
    assert.equal(final.message, 'Cancelled straight in the store');
    // The worker is free again: the next job runs on it.
    const next = await s.jobs.ask({ persona: 'engineer', task: 'Review', context: { text: '1| x' } });
    assert.equal((await settledJob(s, next.id)).status, 'completed');
  });
});

describe('JobStore events: created only for a new job, requeued for the rest', () => {
  const tmp = useTempDir();

  it('retry, a shutdown re-queue and crash recovery emit job:requeued, never job:created', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const events: [JobChangeEvent, string][] = [];
    for (const e of ['job:created', 'job:requeued'] as const) store.events.on(e, (j) => events.push([e, j.id]));
    const a = await store.create({ persona: 'engineer', task: 'a' });
    const b = await store.create({ persona: 'engineer', task: 'b' });
    await store.start(a.id, 'demo model');
    await store.fail(a.id, { code: 'MODEL_ERROR', message: 'boom', hint: 'retry' });
    await store.retry(a.id);
    await store.start(b.id, 'demo model');
    await store.requeue(b.id, 'the editor stopped');
    await store.start(b.id, 'demo model');
    // The process goes away with b running; the next owner recovers it.
    await store.close();
    const reopened = await JobStore.open({ dir: tmp.path });
    const afterCrash: [JobChangeEvent, string][] = [];
    for (const e of ['job:created', 'job:requeued'] as const) reopened.events.on(e, (j) => afterCrash.push([e, j.id]));
    const { requeued } = await reopened.recoverInterrupted();
    assert.deepEqual(requeued.map((j) => j.id), [b.id]);
    assert.deepEqual(events, [['job:created', a.id], ['job:created', b.id], ['job:requeued', a.id], ['job:requeued', b.id]]);
    assert.deepEqual(afterCrash, [['job:requeued', b.id]]);
    await reopened.close();
  });

  it('reads the row once for a progress tick, and its event carries neither context nor partial output', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const job = await store.create({ persona: 'engineer', task: 'a', context: 'x'.repeat(100_000) });
    await store.start(job.id, 'demo model');
    const database = (store as unknown as { database: { query: (...args: unknown[]) => unknown } }).database;
    const query = database.query.bind(database);
    let reads = 0;
    database.query = (...args: unknown[]) => {
      reads += 1;
      return query(...args);
    };
    let event: object | undefined;
    store.events.on('job:progress', (j) => (event = j));
    await store.progress(job.id, { phase: 'generating', percent: 40, partialOutput: 'y'.repeat(5_000) });
    database.query = query;
    assert.equal(reads, 1, 'one row read per progress tick');
    assert.ok(event && !('context' in event) && !('partialOutput' in event) && !('result' in event), 'the event is a summary');
    assert.equal(store.require(job.id).partialOutput?.length, 5_000);
    await store.close();
  });
});
