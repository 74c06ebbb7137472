import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { JobStore } from '../../src/jobs/jobStore';
import type { Job, JobSummary } from '../../src/jobs/types';
import { PANEL_PERSONA, PanelCoordinator } from '../../src/personas/panelCoordinator';
import { writeReview } from '../../src/personas/demoModel/reviews';
import type { ModelSettings } from '../../src/personas/modelResolver';
import { PersonaServices } from '../../src/services';
import { deferred, withTimeout } from '../harness/waitFor';
import { settledJob } from './settledJob';
import { useTempDir } from './tempDir';
import { demoSettings, startDemoServices } from './demoServices';

const demo = (): ModelSettings => demoSettings(1024);
const PERSONAS = ['architect', 'engineer', 'security'];
// Line 1 trips a rule of each persona: the merged report must show it once, attributed to all three.
const CONTEXT = [
  'File: src/run.ts (file, lines 1-3)',
  '1| export function run(input: any) { eval(input); }',
  '2| const token = "abcdef123456";',
  '3| try { go(); } catch (e) {}',
].join('\n');

async function rejectsWith(promise: Promise<unknown>, code: string, hint?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof PersonaError, `expected a PersonaError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (hint) assert.match(err.hint, hint);
    return true;
  });
}

describe('Panels: several personas, one merged report', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  const start = async (): Promise<PersonaServices> => {
    services = await startDemoServices(tmp.path, { workerCount: 3, modelSettings: demo });
    return services;
  };

  it('runs 3 personas at once on a pool of 3 and completes the parent with one merged, attributed report', async () => {
    const s = await start();
    await s.pool.ready();
    const log: string[] = [];
    const parentMessages: string[] = [];
    s.store.events.on('job:started', (j) => j.parentId && log.push(`start ${j.persona}`));
    s.store.events.on('job:completed', (j) => j.parentId && log.push(`end ${j.persona}`));
    s.store.events.on('job:progress', (j) => {
      if (j.persona === PANEL_PERSONA && parentMessages.at(-1) !== j.message) parentMessages.push(j.message ?? '');
    });
    const { parent, children } = await s.panels.startPanel({ personas: PERSONAS, task: 'Review the runner [[demo:slow]]', context: CONTEXT });
    assert.equal(parent.status, 'running', 'the parent shows as running at once');
    assert.equal(parent.message, '0 of 3 personas done');
    assert.deepEqual(children.map((c) => [c.persona, c.parentId, c.status]), PERSONAS.map((p) => [p, parent.id, 'queued']));
    const final = await settledJob(s, parent.id);
    const kids = children.map((c) => s.store.require(c.id));

    // The three overlapped: every one started before any finished.
    assert.deepEqual(log.slice(0, 3).map((l) => l.split(' ')[0]), ['start', 'start', 'start'], log.join(', '));
    assert.deepEqual(kids.map((k) => k.status), ['completed', 'completed', 'completed']);
    assert.equal(final.status, 'completed', final.error?.message);
    assert.equal(final.modelLabel, 'demo model');
    assert.equal(final.tokensOut, kids.reduce((n, k) => n + k.tokensOut, 0));
    // Children ending within one refresh are counted in one message (the coordinator coalesces
    // bursts), so under load a count may be skipped; the parent still counts up as they end.
    const counts = parentMessages.map((m) => Number(/^(\d) of 3 personas done$/.exec(m)?.[1] ?? NaN)).filter((n) => !Number.isNaN(n));
    assert.ok(counts.some((n) => n === 1 || n === 2), `an intermediate count was shown: ${parentMessages.join(' | ')}`);
    assert.deepEqual(counts, [...counts].sort(), `the count never goes down: ${parentMessages.join(' | ')}`);

    const report = final.result ?? '';
    assert.match(report, /^# Panel review: architect, engineer, security/);
    for (const p of PERSONAS) assert.match(report, new RegExp(`\\| ${p} \\| completed \\| demo model \\| \\d+ \\|`));
    assert.match(report, /\[CRITICAL\] Hard-coded credential — security/);
    assert.match(report, /\[HIGH\] Error swallowed — engineer/);
    assert.match(report, /\[HIGH\] Dynamic code execution; Business logic and I\/O in one module; `any` defeats the type checker — security, architect, engineer/);
    assert.equal(report.match(/`src\/run\.ts:1`/g)?.length, 1, 'the finding three personas raised at run.ts:1 is one entry');
    assert.equal(s.store.list({ parentId: null }).length, 1, 'only the parent is top level');
  });

  it('cancelling the parent cancels every child and aborts their model requests', async () => {
    const s = await start();
    await s.pool.ready();
    const demoServer = await s.models.demoServer();
    let aborted = 0;
    const allAborted = deferred<void>();
    demoServer.events.on('closed', (e) => {
      if (e.aborted && ++aborted === 3) allAborted.resolve();
    });
    const generating = new Set<string>();
    const allGenerating = deferred<void>();
    s.store.events.on('job:progress', (j) => {
      if (j.parentId && j.phase === 'generating') generating.add(j.id);
      if (generating.size === 3) allGenerating.resolve();
    });
    const { parent, children } = await s.panels.startPanel({ personas: PERSONAS, task: 'Review slowly [[demo:slow]]', context: CONTEXT });
    await withTimeout(allGenerating.promise, 20_000, 'the three children never streamed together');
    const cancelled = await s.jobs.cancel(parent.id);
    assert.equal(cancelled.status, 'cancelled');
    const finals = await Promise.all(children.map((c) => settledJob(s, c.id)));
    assert.deepEqual(finals.map((c) => c.status), ['cancelled', 'cancelled', 'cancelled']);
    assert.ok(finals.every((c) => c.result === null));
    await withTimeout(allAborted.promise, 5_000, `only ${aborted} of 3 model connections were aborted`);
    assert.equal(s.store.require(parent.id).status, 'cancelled');
  });

  it('fails the parent when every persona fails, listing each error', async () => {
    const s = await start();
    const { parent } = await s.panels.startPanel({ personas: ['architect', 'security'], task: 'Rejected [[demo:400]]' });
    const final = await settledJob(s, parent.id);
    assert.equal(final.status, 'failed');
    assert.equal(final.error?.code, 'PANEL_FAILED');
    assert.match(final.error?.message ?? '', /architect: MODEL_BAD_REQUEST .*security: MODEL_BAD_REQUEST/);
    assert.ok((final.error?.hint ?? '').length > 20);
  });

  it('retrying a child of an ended panel re-opens the panel, which ends again with a report that has the new answer', async () => {
    const s = await start();
    await s.pool.ready();
    const { parent, children } = await s.panels.startPanel({ personas: ['architect', 'security'], task: 'Review the runner', context: CONTEXT });
    const [architect, security] = children as [JobSummary, JobSummary];
    await s.jobs.cancel(architect.id);
    const first = await settledJob(s, parent.id);
    assert.equal(first.status, 'completed');
    assert.match(first.result ?? '', /\*\*architect\*\* was cancelled/);
    assert.equal((await settledJob(s, security.id)).status, 'completed');

    const reopened = deferred<Job>();
    // The whole row as it is at the event (the event carries only the summary).
    s.store.events.on('job:started', (j) => j.id === parent.id && reopened.resolve(s.store.require(j.id)));
    const retried = await s.store.retry(architect.id);
    assert.equal(retried.status, 'queued');
    assert.equal(retried.attempt, 2);
    const row = await withTimeout(reopened.promise, 5_000, 'the panel was not re-opened');
    assert.equal(row.status, 'running', 'the panel runs again while its child does');
    assert.equal(row.result, null, 'the old report is not shown as if it were current');
    assert.match(row.message ?? '', /architect is running again/);

    const second = await settledJob(s, parent.id);
    assert.equal(second.status, 'completed');
    assert.equal(s.store.require(architect.id).status, 'completed');
    assert.doesNotMatch(second.result ?? '', /was cancelled/, 'the new report has no cancelled persona');
    assert.match(second.result ?? '', /\| architect \| completed \|/);
    assert.match(second.result ?? '', /\| security \| completed \|/);
    assert.equal(second.attempt, 2);
    await rejectsWith(s.store.retry(parent.id), 'INVALID_TRANSITION', /Ask the Panel/);
  });

  it('retrying a cancelled panel runs each persona that did not answer again, and the panel completes', async () => {
    const s = await start();
    await s.pool.ready();
    const { parent, children } = await s.panels.startPanel({ personas: PERSONAS, task: 'Review slowly [[demo:slow]]', context: CONTEXT });
    await rejectsWith(s.store.retry(parent.id), 'INVALID_TRANSITION', /Wait for it to finish/);
    await s.jobs.cancel(parent.id);
    const cancelled = await Promise.all(children.map((c) => settledJob(s, c.id)));
    assert.deepEqual(cancelled.map((c) => c.status), ['cancelled', 'cancelled', 'cancelled']);
    await s.panels.idle();

    const retried = await s.store.retry(parent.id);
    assert.equal(retried.status, 'running');
    assert.match(retried.message ?? '', /Retrying architect, engineer, security \(3 of 3\)/);
    assert.deepEqual(children.map((c) => s.store.require(c.id).status).map((st) => st === 'queued' || st === 'running'), [true, true, true]);
    const done = await settledJob(s, parent.id);
    assert.equal(done.status, 'completed');
    for (const persona of PERSONAS) assert.match(done.result ?? '', new RegExp(`\\| ${persona} \\| completed \\|`));
  });

  it('refuses an unknown persona, a panel of one and the panel id itself, creating nothing', async () => {
    const s = await start();
    await rejectsWith(s.panels.startPanel({ personas: ['architect', 'ghost', 'security'], task: 'x' }), 'UNKNOWN_PERSONA', /Known personas: .*architect.*engineer.*security/);
    await rejectsWith(s.panels.startPanel({ personas: ['security', 'security'], task: 'x' }), 'INVALID_INPUT', /Ask a Persona/);
    await rejectsWith(s.panels.startPanel({ personas: ['security', PANEL_PERSONA], task: 'x' }), 'INVALID_INPUT');
    await rejectsWith(s.panels.startPanel({ personas: ['security', 'engineer'], task: '  ' }), 'INVALID_INPUT');
    assert.equal(s.store.list({ limit: 500 }).length, 0);
  });

  it('refuses more than 8 personas', async () => {
    const store = await JobStore.open({ dir: join(tmp.path, 'store') });
    const known = Array.from({ length: 9 }, (_, i) => `p${i}`);
    const panels = new PanelCoordinator({ store, knownPersonas: () => known });
    try {
      await rejectsWith(panels.startPanel({ personas: known, task: 'x' }), 'INVALID_INPUT', /Pick the personas/);
      assert.equal((await panels.startPanel({ personas: known.slice(0, 8), task: 'x' })).children.length, 8);
    } finally {
      await panels.dispose();
      await store.close();
    }
  });

  it('after a restart: finishes a parent whose children all ended, resumes one mid-way, cancels the leftovers of a cancelled one', async () => {
    // A host that crashed: it left three panels behind and never closed the store.
    const crashed = await JobStore.open({ dir: join(tmp.path, '.agent-os') });
    const make = (task: string): Promise<{ parent: JobSummary; children: JobSummary[] }> =>
      crashed.createWithChildren({ persona: PANEL_PERSONA, task, message: '0 of 2 personas done' }, ['architect', 'security'].map((persona) => ({ persona, task, context: CONTEXT })));
    const answer = async (child: JobSummary): Promise<void> => {
      await crashed.start(child.id, 'demo model');
      await crashed.complete(child.id, { result: writeReview({ persona: child.persona, userText: `${child.task}\n---\n${CONTEXT}` }), tokensIn: 1, tokensOut: 1 });
    };
    // 1. Both children answered, then the host died before the parent was finished.
    const ended = await make('ended while down');
    for (const c of ended.children) await answer(c);
    // 2. One child answered, the other was running when the host died.
    const midway = await make('mid-way');
    await answer(midway.children[0]!);
    await crashed.start(midway.children[1]!.id, 'demo model');
    // 3. The parent was cancelled, the host died before its children were.
    const cancelled = await make('cancelled');
    await crashed.cancel(cancelled.parent.id);

    const s = await start();
    assert.ok(!s.recovered.requeued.some((j) => j.persona === PANEL_PERSONA), 'no parent is re-queued into a worker');
    const first = s.store.require(ended.parent.id);
    assert.equal(first.status, 'completed', 'finished at start, before any worker ran');
    assert.match(first.result ?? '', /\| architect \| completed \|[\s\S]*Hard-coded credential — security/);
    assert.deepEqual(cancelled.children.map((c) => s.store.require(c.id).status), ['cancelled', 'cancelled']);
    const second = await settledJob(s, midway.parent.id);
    assert.equal(second.status, 'completed', second.error?.message);
    assert.equal(s.store.require(midway.children[1]!.id).attempt, 2, 'the interrupted child ran again');
    assert.match(second.result ?? '', /\| security \| completed \| demo model \|/);
  });
});
