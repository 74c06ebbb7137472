import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaServices } from '../../src/services';
import { JobStore } from '../../src/jobs/jobStore';
import { WorkerPool } from '../../src/jobs/workerPool';
import type { ChatModelBridge } from '../../src/personas/chatBridge';
import type { DemoClosedEvent } from '../../src/personas/demoModel/server';
import { JobWatch } from '../../src/jobs/jobWatch';
import { ChatChannelHost } from '../../src/personas/chatChannel';
import type { PersonaRunPayload } from '../../src/personas/personaRunPlan';
import { deferred, withTimeout } from '../harness/waitFor';
import { DemoChatBridge, type BridgeTurnRecord } from './fixtures/demoChatBridge';
import { settledJob } from './settledJob';
import { useTempDir } from './tempDir';
import { PERSONA_WORKER, startDemoServices } from './demoServices';

const FLAWED = ['import { db } from "./db";', '', 'export function find(name: string) {', '  return db.query(`SELECT * FROM users WHERE name = \'${name}\'`);', '}', ''].join('\n');

describe('vscode-lm jobs: the agent loop on a worker, its model turns served by the host\'s bridge', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  // Registered before useTempDir's, so the services stop before their folder is removed.
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  const start = async (root: string, chatBridge: (s: () => PersonaServices) => ChatModelBridge | undefined, selector = ''): Promise<PersonaServices> => {
    const self = (): PersonaServices => {
      assert.ok(services);
      return services;
    };
    services = await startDemoServices(root, { workerCount: 1, modelSettings: () => ({ provider: 'vscode-lm', vscodeLmSelector: selector, model: 'm', baseUrl: '', maxTokens: 2048, requestTimeoutSeconds: 30 }), chatBridge: chatBridge(self) });
    return services;
  };
  const demoBridge = (s: () => PersonaServices): DemoChatBridge => new DemoChatBridge(() => s().models.demoServer());

  it('reviews through the bridge, labelled with the chat model; tool calls and results go round the loop', async () => {
    const root = join(tmp.path, 'ws');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'users.ts'), FLAWED);
    let bridge: DemoChatBridge | undefined;
    const s = await start(root, (self) => (bridge = demoBridge(self)));
    assert.equal((await s.models.describe()).label, 'Demo Chat (VS Code)');
    const job = await s.store.create({ persona: 'security', task: 'Review the users query in `src/users.ts` [[demo:tools]]' });
    const done = await settledJob(s, job.id);
    assert.equal(done.status, 'completed', done.error?.message);
    assert.equal(done.modelLabel, 'Demo Chat (VS Code)');
    assert.match(done.result ?? '', /`src\/users\.ts:4`/, 'the review cites the file the model read through read_file');
    assert.match(done.result ?? '', /_Model: Demo Chat \(VS Code\)\._/);
    assert.ok(done.toolCalls >= 3, `${done.toolCalls} tool calls`);
    const turns = bridge?.turns ?? [];
    assert.ok(turns.length >= 3, `${turns.length} turns went through the bridge`);
    assert.equal(turns[0]?.request.jobId, job.id);
    assert.match(turns[0]?.request.system ?? '', /^Persona: security\n/);
    assert.deepEqual(turns[0]?.request.tools.map((t) => t.name), ['search_standards', 'read_file', 'list_files', 'grep', 'propose_standard']);
    // The read_file result went back to the model through the bridge.
    const sent = JSON.stringify(turns.at(-1)?.request.messages);
    assert.match(sent, /"type":"tool_result"/);
    assert.match(sent, /SELECT \* FROM users/);
  });

  it('cancel of a running job aborts the bridge request at once and the job ends cancelled', async () => {
    let bridge: DemoChatBridge | undefined;
    const s = await start(tmp.path, (self) => (bridge = demoBridge(self)));
    const firstTurn = deferred<BridgeTurnRecord>();
    bridge?.onTurn((t) => firstTurn.resolve(t));
    const closed = deferred<DemoClosedEvent>();
    const job = await s.store.create({ persona: 'engineer', task: 'Review slowly [[demo:slow]]', context: 'File: a.ts (file, lines 1-1)\n1| const x: any = 1;' });
    const generating = deferred<void>();
    s.store.events.on('job:progress', (j) => j.id === job.id && j.phase === 'generating' && generating.resolve());
    const record = await withTimeout(firstTurn.promise, 10_000, 'no turn reached the bridge');
    await withTimeout(generating.promise, 10_000, 'the job never started generating');
    (await s.models.demoServer()).events.on('closed', (e) => closed.resolve(e));
    const aborted = deferred<number>();
    record.signal.addEventListener('abort', () => aborted.resolve(performance.now()));
    const t0 = performance.now();
    const cancelled = await s.jobs.cancel(job.id);
    assert.equal(cancelled.status, 'cancelled');
    const abortedAt = await withTimeout(aborted.promise, 2_000, 'the bridge request was never aborted');
    assert.ok(abortedAt - t0 < 100, `aborted ${Math.round(abortedAt - t0)} ms after cancel`);
    assert.equal((await withTimeout(closed.promise, 2_000, 'the model connection never closed')).aborted, true);
    const final = await settledJob(s, job.id);
    assert.equal(final.status, 'cancelled');
    assert.equal(final.result, null);
  });

  it('fails with NO_CHAT_MODEL and a hint when no chat model matches the selector', async () => {
    const s = await start(tmp.path, demoBridge, 'nobody/none');
    assert.match((await s.models.describe()).label, /no chat model \(nobody\/none\)/);
    const job = await s.store.create({ persona: 'engineer', task: 'Review' });
    const done = await settledJob(s, job.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error?.code, 'NO_CHAT_MODEL');
    assert.match(done.error?.message ?? '', /nobody\/none/);
    assert.match(done.error?.hint ?? '', /vscodeLmSelector/);
  });

  it('without a bridge (the CLI) a vscode-lm job fails with MODEL_UNAVAILABLE and says what to use instead', async () => {
    const s = await start(tmp.path, () => undefined);
    const job = await s.store.create({ persona: 'engineer', task: 'Review' });
    const done = await settledJob(s, job.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error?.code, 'MODEL_UNAVAILABLE');
    assert.match(done.error?.hint ?? '', /vscode-lm works only inside VS Code; use anthropic or demo in the CLI/);
  });

  it('a pool without a bridge answers a worker\'s chat turn with MODEL_UNAVAILABLE', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const pool = new WorkerPool({
      store,
      workerScript: PERSONA_WORKER,
      size: 1,
      plan: async (job) => ({
        label: 'Some Chat (VS Code)',
        payload: {
          model: { kind: 'vscode-lm', label: 'Some Chat (VS Code)', model: 'some-chat', apiKey: '', chatModel: { vendor: 'v', id: 'some-chat' }, maxTokens: 1024, idleTimeoutMs: 10_000, maxRetries: 0 },
          input: { personaId: 'engineer', systemPrompt: 's', task: job.task, context: '', contextNote: null, personaModel: null, jobId: job.id },
        } satisfies PersonaRunPayload,
      }),
      // As the CLI's services plug it: the chat channel with no editor bridge behind it.
      channel: (post) => new ChatChannelHost(undefined, post),
    });
    const watch = new JobWatch(store);
    try {
      const job = await store.create({ persona: 'engineer', task: 'Review' });
      pool.pump();
      const done = await settledJob({ watch, store }, job.id);
      assert.equal(done.status, 'failed');
      assert.equal(done.error?.code, 'MODEL_UNAVAILABLE');
      assert.equal(done.modelLabel, 'Some Chat (VS Code)');
    } finally {
      await pool.dispose();
      watch.dispose();
      await store.close();
    }
  });
});
