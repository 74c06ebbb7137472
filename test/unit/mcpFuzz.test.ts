import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  CallToolRequestParamsSchema, CallToolResultSchema, CreateTaskResultSchema, ErrorCode, McpError, ResultSchema, type Result,
} from '@modelcontextprotocol/sdk/types.js';
import { PersonaError } from '../../src/core/errors';
import type { JobStore } from '../../src/jobs/jobStore';
import { JOB_STATUSES, TERMINAL_STATUSES, type Job } from '../../src/jobs/types';
import { createPersonaServer, type PersonaMcpServer } from '../../src/mcp/server';
import { PersonaServices } from '../../src/services';
import { openWholeStore } from './wholeStore';
import { deferred, withTimeout } from '../harness/waitFor';
import { ESCAPE_NAME, JOB_REF, OUTSIDE_SECRET, PRIVATE_TOKEN, SESSION_REF, fuzzParams, type FuzzParams } from './mcpFuzzInputs';
import { EvidenceGates } from '../../src/workflows/evidenceGate';
import { WorkflowRegistry } from '../../src/workflows/workflowRegistry';
import { WorkflowSessions, type WorkflowSession } from '../../src/workflows/workflowSessions';
import { GATED_ID, gatedWorkflowText, writeExecutorStandIn, writeWorkflow } from './gatedWorkflow';
import { ALL_TOOLS } from './mcpTools';
import { diffSnapshots, snapshotTree } from './treeSnapshot';
import { REPO_ROOT } from './tempDir';
import { demoSettings, startDemoServices } from './demoServices';

const SEED = Number(process.env['FUZZ_SEED'] ?? 1_733_911);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 3000);
/**
 * The swappers rest 2 ms after each 20 swaps: still thousands of swaps a second through the
 * whole run, without two processes spinning on the two cores the full test run has.
 */
const SWAP_PAUSE_MS = 2;
/** Queued jobs beyond this are cancelled after each call: the two workers run what they can, the rest is cancelled. */
const MAX_QUEUED = 3;
const CALL_TIMEOUT_MS = 20_000;
const SWAPPER = join(REPO_ROOT, 'out', 'test', 'unit', 'fixtures', 'linkSwapper.js');
const INVOKE_TOOLS = new Set(ALL_TOOLS.filter((t) => t.startsWith('invoke_') && t !== 'invoke_panel'));

interface Sandbox {
  root: string;
  workspace: string;
  agentOs: string;
}

/** A workspace with a code file, links out of it, a pipe, a binary and a big file; beside it a folder the paths aim at. */
function makeSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'agent-os-fuzz-'));
  const workspace = join(root, 'workspace');
  const agentOs = join(workspace, '.agent-os');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'secret.txt'), `${OUTSIDE_SECRET}\n`);
  writeFileSync(join(workspace, 'src', 'pay.ts'), 'const apiKey = "sk-live-1234567890";\nexport const x = 1;\n');
  writeFileSync(join(workspace, 'README.md'), '# Fuzz workspace\n');
  writeFileSync(join(workspace, 'bin.dat'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0]));
  writeFileSync(join(workspace, 'big.txt'), 'a line of text\n'.repeat(200_000));
  symlinkSync('../../outside/secret.txt', join(workspace, 'src', 'link-out'));
  symlinkSync('../outside', join(workspace, 'linkdir'));
  if (process.platform !== 'win32') execFileSync('mkfifo', [join(workspace, 'pipe')]);
  if (process.platform !== 'win32') symlinkSync('/dev/zero', join(workspace, 'zero-link'));
  writeFileSync(join(workspace, '..notes.md'), 'notes\n');
  // The store's private files: the endpoint (with a token), and a link to it from the workspace.
  mkdirSync(agentOs, { recursive: true });
  writeFileSync(join(agentOs, 'mcp-endpoint.json'), JSON.stringify({ url: 'http://127.0.0.1:1/mcp', token: PRIVATE_TOKEN, pid: 1 }), { mode: 0o600 });
  symlinkSync('.agent-os/mcp-endpoint.json', join(workspace, 'agent-link'));
  // swapping/file and swapping/dir are swapped between inside and outside while the fuzz runs.
  mkdirSync(join(workspace, 'swapping'));
  const standards = join(agentOs, 'standards', 'security');
  mkdirSync(standards, { recursive: true });
  writeFileSync(join(standards, 'no-hardcoded-keys.md'), '---\ndomain: security\ntopic: no-hardcoded-keys\ntags: [secrets, security]\n---\n# No hard-coded keys\n## Context\nKeys in code leak through git history.\n## Pattern\nRead keys from the environment.\n');
  // A phase-gated workflow for the workflow tools, and the persona invoke_workflow_executor asks.
  writeWorkflow(workspace, GATED_ID, gatedWorkflowText());
  writeExecutorStandIn(workspace, REPO_ROOT);
  return { root, workspace, agentOs };
}

function textOf(result: Result): string {
  const first = CallToolResultSchema.parse(result).content[0];
  return first?.type === 'text' ? first.text : '';
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function ignoreRace(err: unknown): void {
  // The job ended or was reset meanwhile: nothing left to cancel.
  if (!(err instanceof PersonaError && (err.code === 'INVALID_TRANSITION' || err.code === 'JOB_NOT_FOUND'))) throw err;
}

/** Every job, paged (list() returns at most 500). */
function allJobs(store: JobStore): Job[] {
  const out: Job[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = store.list({ limit: 500, offset });
    out.push(...page);
    if (page.length < 500) return out;
  }
}

/**
 * What must hold of every session whatever was sent: the accepted phases are exactly those
 * before the current one (all, once completed), each accepted evidence passes its gate, and no
 * phase has fewer attempts than refusals plus its acceptance.
 */
function assertSessionConsistent(s: WorkflowSession, gates: EvidenceGates): void {
  const accepted = s.phases.map((p) => p.acceptedAt !== null);
  if (s.status === 'completed') {
    assert.equal(s.currentIndex, null, `completed session ${s.id} has no current phase`);
    assert.ok(accepted.every(Boolean), `completed session ${s.id} accepted every phase`);
  } else {
    assert.equal(s.status, 'active', `session ${s.id} is ${s.status}`);
    assert.ok(s.currentIndex !== null, `active session ${s.id} has a current phase`);
    assert.deepEqual(accepted, accepted.map((_, i) => i < s.currentIndex!), `session ${s.id} accepted exactly the phases before ${s.currentIndex}`);
  }
  s.phases.forEach((p, i) => {
    assert.ok(p.attempts >= p.refusals + (accepted[i] ? 1 : 0), `session ${s.id} phase ${i}: ${p.attempts} attempts, ${p.refusals} refusals`);
    if (accepted[i]) assert.deepEqual(gates.check(s.definition.phases[i]!.evidenceSchema, p.evidence), [], `session ${s.id} phase ${i} accepted evidence its gate refuses: ${JSON.stringify(p.evidence).slice(0, 300)}`);
    else assert.equal(p.evidence, null, `session ${s.id} phase ${i} holds evidence it did not accept`);
  });
}

/** Resolves once no job is queued or running, re-checking on every store event; fails after `timeoutMs`. */
async function untilNoOpenJobs(store: JobStore, timeoutMs: number): Promise<void> {
  const done = deferred<void>();
  const check = (): void => {
    if (store.list({ status: ['queued', 'running'], limit: 1 }).length === 0) done.resolve();
  };
  const unsubscribe = (['job:created', 'job:requeued', 'job:started', 'job:completed', 'job:failed', 'job:cancelled', 'jobs:removed'] as const).map((e) => store.events.on(e, check));
  check();
  try {
    await withTimeout(done.promise, timeoutMs, `jobs still open: ${store.list({ status: ['queued', 'running'] }).map((j) => `${j.id} ${j.persona} ${j.status}`).join(', ')}`);
  } finally {
    for (const u of unsubscribe) u();
  }
}

describe('MCP tools under fuzzed input (fast-check, real SDK client, demo model)', function () {
  this.timeout(240_000);
  let sandbox: Sandbox;
  let services: PersonaServices | undefined;
  let server: PersonaMcpServer | undefined;
  let client: Client | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  let stopSwappers = (): void => undefined;

  beforeEach(() => {
    sandbox = makeSandbox();
    process.on('unhandledRejection', onUnhandled);
  });

  afterEach(async () => {
    process.off('unhandledRejection', onUnhandled);
    stopSwappers();
    // A read stuck on the pipe (a regression this test would report) holds a libuv thread that
    // closing the store needs; it lets go once a writer opens the pipe.
    try {
      closeSync(openSync(join(sandbox.workspace, 'pipe'), constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader waiting, or no pipe on this platform
    }
    await client?.close();
    await server?.close();
    await services?.dispose(0);
    services = undefined;
    rmSync(sandbox.root, { recursive: true, force: true });
  });

  it(`${RUNS} hostile tools/call requests: every one answered, nothing written outside .agent-os, nothing approved, the store consistent`, async () => {
    const exclude = [sandbox.agentOs, join(sandbox.workspace, 'swapping')];
    const treeBefore = snapshotTree(sandbox.root, exclude);
    const logs: string[] = [];
    const started = performance.now();
    console.log(`      mcp fuzz: seed ${SEED}, ${RUNS} runs (set FUZZ_SEED / FUZZ_RUNS to change; FUZZ_SHRINK=1 to shrink a failure)`);

    // Two processes swap links between a target inside and one outside for the whole run.
    const swappers = process.platform === 'win32' ? [] : [
      spawn(process.execPath, [SWAPPER, join(sandbox.workspace, 'swapping', 'file'), join(sandbox.workspace, 'README.md'), join(sandbox.root, 'outside', 'secret.txt'), '0', String(SWAP_PAUSE_MS)], { stdio: 'ignore' }),
      spawn(process.execPath, [SWAPPER, join(sandbox.workspace, 'swapping', 'dir'), join(sandbox.workspace, 'src'), join(sandbox.root, 'outside'), '0', String(SWAP_PAUSE_MS)], { stdio: 'ignore' }),
    ];
    stopSwappers = () => swappers.forEach((c) => c.kill('SIGKILL'));
    services = await startDemoServices(sandbox.workspace, { modelSettings: () => demoSettings(1024), log: (line) => logs.push(line) });
    const { store, proposals, jobs } = services;
    server = createPersonaServer(services);
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    const mcp = new Client({ name: 'fuzz', version: '1' }, { capabilities: { tasks: { requests: {} } } });
    client = mcp;
    await Promise.all([server.connect(serverSide), mcp.connect(clientSide)]);

    // Ids of every job created so far (children and retries included), for job_id arguments.
    const known: string[] = [];
    // Ids of every workflow session started so far, for session_id arguments.
    const knownSessions: string[] = [];
    const sessionTally = { completions: 0, accepted: 0, refused: 0 };
    services.sessions.events.on('session:changed', (session) => {
      if (!knownSessions.includes(session.id)) knownSessions.push(session.id);
    });
    const ended = new Set<string>();
    const jobTally = { created: 0, completed: 0, failed: 0 };
    store.events.on('job:created', (j) => {
      jobTally.created += 1;
      ended.delete(j.id); // a retry: it runs again
      if (!known.includes(j.id)) known.push(j.id);
    });
    for (const e of ['job:completed', 'job:failed', 'job:cancelled'] as const) store.events.on(e, (j) => void ended.add(j.id));
    store.events.on('job:completed', () => void (jobTally.completed += 1));
    store.events.on('job:failed', () => void (jobTally.failed += 1));

    const tally = { calls: 0, results: 0, isError: 0, protocolErrors: 0, maskedTaskErrors: 0, protocolCodes: new Map<string, number>(), tasks: 0, byTool: new Map<string, number>(), errorCodes: new Map<string, number>() };
    const count = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

    const send = async (params: FuzzParams): Promise<{ result: Result } | { error: unknown }> => {
      // What a wire carries: JSON, then the job references filled in with ids this run has seen.
      const wire = JSON.parse(JSON.stringify(params)) as FuzzParams;
      const args = wire['arguments'];
      if (args && typeof args === 'object' && !Array.isArray(args)) {
        for (const [k, v] of Object.entries(args)) {
          const ref = v && typeof v === 'object' ? (v as Record<string, unknown>)[JOB_REF] : undefined;
          if (typeof ref === 'number') (args as Record<string, unknown>)[k] = known.length > 0 ? known[ref % known.length] : 'no-job-yet';
          const sessionRef = v && typeof v === 'object' ? (v as Record<string, unknown>)[SESSION_REF] : undefined;
          if (typeof sessionRef === 'number') {
            const at = (v as Record<string, unknown>)['phase'];
            const fitting = typeof at === 'number' ? knownSessions.filter((id) => services!.sessions.get(id)?.currentIndex === at) : [];
            const pool = fitting.length > 0 ? fitting : knownSessions;
            (args as Record<string, unknown>)[k] = pool.length > 0 ? pool[sessionRef % pool.length] : 'no-session-yet';
          }
        }
      }
      tally.calls += 1;
      if (process.env['FUZZ_TRACE']) console.error(`#${tally.calls}`, JSON.stringify(wire).slice(0, 300));
      try {
        // Client.request, not callTool: the params go out as generated, with nothing checked or added.
        return { result: await mcp.request({ method: 'tools/call', params: wire }, ResultSchema, { timeout: CALL_TIMEOUT_MS }) };
      } catch (error) {
        return { error };
      }
    };

    const assertAnswered = (params: FuzzParams, outcome: { result: Result } | { error: unknown }): void => {
      const name = params['name'];
      const wellFormed = CallToolRequestParamsSchema.safeParse(params).success;
      if ('error' in outcome) {
        const e = outcome.error;
        tally.protocolErrors += 1;
        // SDK 1.x (typescript-sdk#1385): a call with `task` whose tool answers with a plain result (a
        // tool without task support, or a task tool refusing bad arguments or an unknown persona)
        // reaches the client as InvalidParams "Invalid task creation result", not as isError.
        if (e instanceof McpError && e.code === (ErrorCode.InvalidParams as number) && params['task'] !== undefined && /Invalid task creation result/.test(e.message)) {
          tally.maskedTaskErrors += 1;
          return;
        }
        assert.ok(!wellFormed, `a well-formed call to ${String(name)} failed at the protocol level: ${e instanceof Error ? e.message : String(e)}`);
        assert.ok(e instanceof McpError, `a malformed call failed with something other than an MCP error: ${String(e)}`);
        count(tally.protocolCodes, String(e.code));
        return;
      }
      tally.results += 1;
      const { result } = outcome;
      if (typeof name === 'string' && INVOKE_TOOLS.has(name) && 'task' in result) {
        const { task } = CreateTaskResultSchema.parse(result);
        assert.ok(store.get(task.taskId), `task ${task.taskId} is a job in the store`);
        tally.tasks += 1;
        return;
      }
      const parsed = CallToolResultSchema.parse(result);
      const text = textOf(result);
      assert.ok(text.length > 0, `${String(name)} answered with text`);
      assert.ok(!text.includes(OUTSIDE_SECRET), `${String(name)} returned the file outside the workspace: ${text.slice(0, 300)}`);
      assert.ok(!text.includes(PRIVATE_TOKEN), `${String(name)} returned a private file of .agent-os: ${text.slice(0, 300)}`);
      assert.ok(!text.includes(sandbox.root), `${String(name)} named an absolute path on this machine: ${text.slice(0, 300)}`);
      const json = tryJson(text) as { error?: { code?: string; hint?: string }; accepted?: boolean } | undefined;
      if (name === 'complete_phase' && typeof json?.accepted === 'boolean') {
        sessionTally.completions += 1;
        sessionTally[json.accepted ? 'accepted' : 'refused'] += 1;
      }
      if (parsed.isError) {
        tally.isError += 1;
        if (json?.error) {
          count(tally.errorCodes, String(json.error.code));
          assert.notEqual(json.error.code, 'INTERNAL', `${String(name)} failed with an unexpected error: ${text}`);
          assert.ok((json.error.hint ?? '').length > 0, `${String(name)}'s error has a hint: ${text}`);
        }
      } else if (typeof name === 'string' && ALL_TOOLS.includes(name)) {
        assert.ok(json && typeof json === 'object', `${name} answered with JSON: ${text.slice(0, 200)}`);
      }
    };

    const trimQueue = async (): Promise<void> => {
      const queued = store.list({ status: 'queued', limit: 500 }); // newest first
      for (const job of queued.slice(0, Math.max(0, queued.length - MAX_QUEUED))) await jobs.cancel(job.id, 'Cancelled by the fuzz test (queue trimmed)').catch(ignoreRace);
    };

    const property = fc.asyncProperty(fuzzParams, async (params) => {
      const name = typeof params['name'] === 'string' ? params['name'] : `(${typeof params['name']})`;
      count(tally.byTool, ALL_TOOLS.includes(name) ? name : '(unknown tool)');
      const runningBefore = name === 'reset_persona_jobs' ? store.list({ status: 'running', limit: 500 }) : [];
      assertAnswered(params, await send(params));
      // A reset deletes only jobs that are not running: each job running before it still exists, unless it ended first.
      for (const job of runningBefore) {
        const parent = job.parentId === null ? 'no parent' : `parent ${store.get(job.parentId)?.status ?? 'deleted'}`;
        assert.ok(store.get(job.id) || ended.has(job.id), `reset deleted job ${job.id} (${job.persona}, attempt ${job.attempt}, ${parent}) while it was running`);
      }
      const alive = await send({ name: 'current_date', arguments: {} });
      assert.ok('result' in alive, 'the server still answers current_date');
      assert.match(textOf(alive.result), /"date": "\d{4}-\d{2}-\d{2}"/);
      if (tally.calls % 200 < 2) {
        const decided = proposals.list().filter((p) => p.status !== 'pending' || p.decidedBy !== null);
        assert.deepEqual(decided, [], 'no proposal is approved or decided');
      }
      await trimQueue();
    });
    await fc.assert(property, { numRuns: RUNS, seed: SEED, endOnFailure: process.env['FUZZ_SHRINK'] !== '1' });
    const fuzzMs = performance.now() - started;

    // Settle: cancel parents first (their children follow), then anything still open.
    const open = (): Job[] => store.list({ status: ['queued', 'running'], limit: 500 });
    for (const job of open().sort((a, b) => Number(a.parentId !== null) - Number(b.parentId !== null))) await jobs.cancel(job.id, 'Cancelled by the fuzz test (settling)').catch(ignoreRace);
    await services.panels.idle();
    await untilNoOpenJobs(store, 10_000);
    const jobsBefore = new Map(allJobs(store).map((j) => [j.id, j.status]));
    const gates = new EvidenceGates();
    const sessionsBefore = services.sessions.recent(1_000_000);
    for (const session of sessionsBefore) assertSessionConsistent(session, gates);
    const proposalCount = proposals.list().length;
    await mcp.close();
    await server.close();
    await services.dispose(0);
    services = undefined;

    // The store, reopened from disk, is consistent and is what the services last saw.
    const whole = await openWholeStore(sandbox.agentOs);
    const reopened = whole.store;
    try {
      assert.deepEqual(reopened.notices, [], 'the store reopens without a repair');
      const jobs = allJobs(reopened);
      const stats = reopened.stats();
      assert.equal(stats.total, jobs.length, 'stats count every listed job');
      for (const status of JOB_STATUSES) assert.equal(stats.counts[status], jobs.filter((j) => j.status === status).length, `stats count the ${status} jobs`);
      assert.deepEqual(new Map(jobs.map((j) => [j.id, j.status])), jobsBefore, 'the reopened store holds the jobs as they were');
      const byId = new Map(jobs.map((j) => [j.id, j]));
      for (const job of jobs) {
        assert.ok(TERMINAL_STATUSES.has(job.status), `job ${job.id} (${job.persona}) is ${job.status} after settling`);
        if (job.parentId) assert.ok(byId.has(job.parentId), `the parent of job ${job.id} exists`);
        assert.ok(!`${job.context}${job.result ?? ''}${job.partialOutput ?? ''}`.includes(OUTSIDE_SECRET), `job ${job.id} holds the file outside the workspace`);
        assert.ok(!`${job.context}${job.result ?? ''}${job.partialOutput ?? ''}`.includes(PRIVATE_TOKEN), `job ${job.id} holds a private file of .agent-os`);
        assert.ok(!['WORKER_CRASHED', 'INTERNAL'].includes(job.error?.code ?? ''), `job ${job.id} failed unexpectedly: ${JSON.stringify(job.error)}`);
      }
      const registry = new WorkflowRegistry({ shippedFolder: join(REPO_ROOT, 'workflows'), workspaceRoot: sandbox.workspace, gates });
      try {
        const reopenedSessions = new WorkflowSessions(whole.database, registry, gates).recent(1_000_000);
        assert.deepEqual(reopenedSessions, sessionsBefore, 'the reopened store holds the workflow sessions as they were');
      } finally {
        registry.dispose();
      }
      const completed = sessionsBefore.filter((x) => x.status === 'completed').length;
      const rows = whole.proposals.list();
      assert.equal(rows.length, proposalCount);
      for (const p of rows) assert.ok(p.status === 'pending' && p.decidedBy === null && p.decidedAt === null, `proposal ${p.id} is ${p.status}, decided by ${String(p.decidedBy)}`);
      const codes = (m: Map<string, number>): string => [...m].map(([c, n]) => `${c} ${n}`).join(', ');
      console.log([
        `${tally.calls} calls (${RUNS} fuzzed, each followed by current_date) in ${(fuzzMs / 1000).toFixed(1)} s`,
        `${tally.results} results, ${tally.isError} of them isError (${codes(tally.errorCodes)}; the rest the SDK's input validation)`,
        `${tally.protocolErrors} protocol errors: ${codes(tally.protocolCodes)} for malformed params, ${tally.maskedTaskErrors} for calls with "task" (SDK #1385)`,
        `${tally.tasks} tasks; jobs queued ${jobTally.created} times (retries included), ${jobTally.completed} completed, ${jobTally.failed} failed`,
        `${jobs.length} jobs left (${JOB_STATUSES.map((s) => `${stats.counts[s]} ${s}`).join(', ')}); ${rows.length} proposals, all pending`,
        `${sessionsBefore.length} workflow sessions (${completed} completed); complete_phase answered ${sessionTally.completions} times past its checks: ${sessionTally.accepted} accepted, ${sessionTally.refused} refused by the gate`,
      ].map((l) => `      ${l}`).join('\n'));
    } finally {
      await whole.close();
    }

    // Nothing outside .agent-os was created or changed, in the workspace or beside it, and nothing escaped above it.
    assert.deepEqual(diffSnapshots(treeBefore, snapshotTree(sandbox.root, exclude)), [], 'files outside .agent-os changed');
    for (let dir = sandbox.root; dir !== dirname(dir); dir = dirname(dir)) assert.ok(!existsSync(join(dir, ESCAPE_NAME)), `${join(dir, ESCAPE_NAME)} was created`);
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
    for (const tool of ALL_TOOLS) assert.ok((tally.byTool.get(tool) ?? 0) >= RUNS / 150, `${tool} was called (${tally.byTool.get(tool) ?? 0} times)`);
    assert.ok((tally.byTool.get('(unknown tool)') ?? 0) > 0, 'unknown tool names were tried');
    assert.ok(sessionTally.accepted > 0 && sessionTally.refused > 0, `complete_phase both accepted and refused evidence (${sessionTally.accepted} accepted, ${sessionTally.refused} refused)`);
    if (logs.length > 0) console.log(`      service log (${logs.length} lines):\n        ${logs.slice(0, 20).join('\n        ')}`);
    // Expected: a reset that deletes a job between a write to it and that write's event (it had
    // just finished, or the pool had just picked it up) makes the writer log "No job with id".
    assert.deepEqual(logs.filter((l) => !/No job with id/.test(l)), [], 'the services logged nothing unexpected');
  });
});
