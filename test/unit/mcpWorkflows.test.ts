import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startMcpHttp, type McpHttpEndpoint } from '../../src/mcp/httpServer';
import type { PersonaServices } from '../../src/services';
import type { WorkflowSession } from '../../src/workflows/workflowSessions';
import { deferred, withTimeout } from '../harness/waitFor';
import { connectStdioCli, rawStdioCli } from './cliChild';
import { startDemoServices } from './demoServices';
import { GATED_ID, GATED_TITLE, GATES, GOOD_EVIDENCE, MARKERS, gatedWorkflowText, laterThan, writeExecutorStandIn, writeWorkflow } from './gatedWorkflow';
import { ALL_TOOLS } from './mcpTools';
import { openWholeStore } from './wholeStore';
import { REPO_ROOT, useTempDir } from './tempDir';

/** The tools the design names (issue 1 and issue 13), each of which the server must list. */
const DESIGN_TOOLS = [
  'search_standards', 'start_workflow', 'get_current_phase', 'complete_phase', 'get_workflow_state', 'current_date',
  'invoke_architect', 'invoke_engineer', 'invoke_data', 'invoke_qa', 'invoke_security', 'invoke_sre', 'invoke_workflow_executor',
  'check_persona_job', 'list_persona_jobs', 'cancel_persona_job', 'persona_database_stats', 'reset_persona_jobs',
];
/** Ours beyond the design's. */
const OUR_TOOLS = ['list_workflows', 'get_task', 'invoke_persona', 'invoke_panel', 'retry_persona_job', 'propose_standard', 'list_personas', 'persona_metrics', 'list_findings'];

interface Answer {
  isError: boolean;
  text: string;
  /** The JSON answer; undefined when the SDK's own input validation answered (plain text). */
  data: Record<string, unknown> | undefined;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Answer> {
  const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 30_000 })) as CallToolResult;
  const first = result.content[0];
  const text = first?.type === 'text' ? first.text : '';
  let data: Record<string, unknown> | undefined;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    data = undefined;
  }
  return { isError: result.isError === true, text, data };
}

/** A call that must succeed: its JSON. */
async function okCall(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await call(client, name, args);
  assert.equal(answer.isError, false, `${name} answered isError: ${answer.text.slice(0, 600)}`);
  assert.ok(answer.data, `${name} answered with JSON`);
  return answer.data;
}

/** A refusal with our error shape: its code, message and hint. */
function errorOf(answer: Answer): { code: string; message: string; hint: string } {
  assert.equal(answer.isError, true, `expected a refusal: ${answer.text.slice(0, 400)}`);
  const error = answer.data?.['error'] as { code: string; message: string; hint: string } | undefined;
  assert.ok(error, `the refusal carries { error }: ${answer.text.slice(0, 400)}`);
  assert.ok(error.hint.length > 10, `the refusal says what to do: ${answer.text}`);
  return error;
}

type PhaseState = { phase: number; title: string; status: string; attempts: number; refusals: number; evidence: Record<string, unknown> | null; accepted_at: string | null };
type State = Record<string, unknown> & { status: string; current_phase: number | null; phases: PhaseState[] };

const stateOf = async (client: Client, sessionId: string): Promise<State> => (await okCall(client, 'get_workflow_state', { session_id: sessionId })) as State;
const complete = (client: Client, sessionId: string, phase: number, evidence: unknown): Promise<Answer> => call(client, 'complete_phase', { session_id: sessionId, phase, evidence });

function assertHidden(text: string, phase: number, what: string): void {
  for (const marker of laterThan(phase)) assert.ok(!text.includes(marker), `${what} reveals "${marker}" of a later phase`);
}

/** A session started over `client` on the fixture. */
async function startGated(client: Client, target = 'changes'): Promise<string> {
  const started = await okCall(client, 'start_workflow', { workflow_type: GATED_ID, target });
  return String(started['session_id']);
}

describe('the workflow tools over the real MCP SDK client', function () {
  this.timeout(120_000);
  const stderr: string[] = [];
  const open: Client[] = [];
  let services: PersonaServices | undefined;
  let endpoint: McpHttpEndpoint | undefined;
  // Before useTempDir's: mocha runs afterEach hooks in the order they were added, and the
  // services must close their store before its folder is removed.
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close().catch(() => undefined);
    await endpoint?.close();
    endpoint = undefined;
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();
  beforeEach(() => {
    stderr.length = 0;
    writeWorkflow(tmp.path, GATED_ID, gatedWorkflowText());
  });

  /** `npx agent-os-personas mcp` in the workspace, the real SDK client on its stdio. */
  const stdio = async (): Promise<Client> => {
    const client = await connectStdioCli(tmp.path, stderr);
    open.push(client);
    return client;
  };

  /** Nothing a tool answered names a path of this machine. */
  const assertNoAbsolutePath = (answer: Answer): void => assert.ok(!answer.text.includes(tmp.path), `the answer names an absolute path: ${answer.text.slice(0, 400)}`);

  it('stdio: lists the design\'s 18 tools and ours, the workflow tools with their inputs and read-only hints', async () => {
    const client = await stdio();
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const name of [...DESIGN_TOOLS, ...OUR_TOOLS]) assert.ok(names.includes(name), `${name} is listed`);
    assert.equal(DESIGN_TOOLS.length, 18);
    assert.deepEqual([...names].sort(), ALL_TOOLS, 'exactly the design\'s tools and ours');
    assert.deepEqual([...DESIGN_TOOLS, ...OUR_TOOLS].sort(), ALL_TOOLS);
    const tool = (name: string): (typeof tools)[number] => tools.find((t) => t.name === name)!;
    assert.deepEqual(tool('start_workflow').inputSchema.required?.slice().sort(), ['target', 'workflow_type']);
    assert.deepEqual(tool('complete_phase').inputSchema.required?.slice().sort(), ['evidence', 'phase', 'session_id']);
    assert.deepEqual(tool('get_task').inputSchema.required?.slice().sort(), ['phase', 'session_id', 'task_number']);
    for (const name of ['list_workflows', 'get_current_phase', 'get_task', 'get_workflow_state']) assert.equal(tool(name).annotations?.readOnlyHint, true, `${name} is read-only`);
    for (const name of ['start_workflow', 'complete_phase']) assert.equal(tool(name).annotations?.readOnlyHint, false, `${name} changes a session`);
    assert.equal(tool('invoke_workflow_executor').execution?.taskSupport, 'optional', 'the executor can run as an MCP task');
  });

  it('stdio: list → start → current phase (later phases hidden) → task → refused (every field named) → accepted … → completed; then NOT_ACTIVE', async () => {
    const client = await stdio();
    const listed = await okCall(client, 'list_workflows', {});
    const mine = (listed['workflows'] as Record<string, unknown>[]).find((w) => w['id'] === GATED_ID);
    assert.deepEqual(mine, { id: GATED_ID, title: GATED_TITLE, description: 'Three phases with quantified gates, for the MCP workflow tests.', target: 'any', phases: 3, source: 'workspace', warnings: [] });

    const startAnswer = await call(client, 'start_workflow', { workflow_type: GATED_ID, target: 'src/app.ts' });
    const started = startAnswer.data!;
    assert.equal(startAnswer.isError, false);
    assert.equal(started['status'], 'active');
    assert.equal(started['phase_count'], 3);
    assert.equal(started['target'], 'src/app.ts');
    const sessionId = String(started['session_id']);
    assert.match(sessionId, /^[0-9a-f-]{36}$/);
    const first = started['current_phase'] as Record<string, unknown>;
    assert.deepEqual(
      { phase: first['phase'], title: first['title'], position: first['position'], tasks: first['tasks'], required: first['required_evidence'], schema: first['evidence_schema'] },
      { phase: 0, title: MARKERS.titles[0], position: '1 of 3', tasks: [{ task_number: 1, title: 'List the changed files' }, { task_number: 2, title: 'Find the entry points' }], required: ['files_reviewed', 'entry_points', 'has_tests'], schema: GATES[0] },
    );
    assert.match(String(first['instructions']), new RegExp(`${MARKERS.intro}[\\s\\S]*${MARKERS.phases[0]}`), 'the intro comes with the first phase');
    assertHidden(startAnswer.text, 0, 'start_workflow');

    const current = await call(client, 'get_current_phase', { session_id: sessionId });
    assert.deepEqual(current.data!['current_phase'], first);
    assertHidden(current.text, 0, 'get_current_phase');
    for (const body of MARKERS.tasks[0]!) assert.ok(!current.text.includes(body), 'task bodies are fetched one at a time');

    const task = await okCall(client, 'get_task', { session_id: sessionId, phase: 0, task_number: 2 });
    assert.deepEqual(task, { session_id: sessionId, phase: 0, task_number: 2, title: 'Find the entry points', instructions: `Give each entry point as path:line. ${MARKERS.tasks[0]![1]}` });

    // Refused: a count under its minimum, a location that is not path:line, a missing boolean,
    // a field the gate does not take, and prose where a count belongs. Each is named.
    const refused = await complete(client, sessionId, 0, { files_reviewed: 0, entry_points: ['src/app.ts', 'src/ok.ts:3'], summary: 'reviewed the code', notes: 'looks fine', has_tests: 'yes' });
    assert.equal(refused.isError, true);
    assertNoAbsolutePath(refused);
    assert.equal(refused.data!['accepted'], false);
    assert.equal((refused.data!['error'] as { code: string }).code, 'EVIDENCE_REFUSED');
    const failures = refused.data!['failures'] as { field: string; reason: string }[];
    assert.deepEqual(failures.map((f) => f.field).sort(), ['entry_points[0]', 'files_reviewed', 'has_tests', 'notes']);
    assert.match(failures.find((f) => f.field === 'entry_points[0]')!.reason, /path:line location, e\.g\. src\/app\.ts:12/);
    assert.match(failures.find((f) => f.field === 'files_reviewed')!.reason, /must be >= 1/);
    assert.match(failures.find((f) => f.field === 'has_tests')!.reason, /true or false/);
    for (const f of failures) assert.ok((refused.data!['error'] as { message: string }).message.includes(f.field), `the message names ${f.field}`);
    // Prose alone is refused too: it lacks every quantified field.
    const prose = await complete(client, sessionId, 0, { summary: 'reviewed the code' });
    assert.deepEqual((prose.data!['failures'] as { field: string }[]).map((f) => f.field).sort(), ['entry_points', 'files_reviewed', 'has_tests']);
    let state = await stateOf(client, sessionId);
    assert.equal(state.current_phase, 0, 'a refused phase stays current');
    assert.deepEqual({ status: state.phases[0]!.status, attempts: state.phases[0]!.attempts, refusals: state.phases[0]!.refusals, evidence: state.phases[0]!.evidence }, { status: 'current', attempts: 2, refusals: 2, evidence: null });

    for (let phase = 0; phase < 3; phase++) {
      const accepted = await complete(client, sessionId, phase, GOOD_EVIDENCE[phase]);
      assert.equal(accepted.isError, false, accepted.text);
      const last = phase === 2;
      assert.equal(accepted.data!['accepted'], true);
      assert.equal(accepted.data!['status'], last ? 'completed' : 'active');
      const next = accepted.data!['next_phase'] as Record<string, unknown> | null;
      if (last) {
        assert.equal(next, null);
      } else {
        assert.deepEqual({ phase: next!['phase'], position: next!['position'], schema: next!['evidence_schema'] }, { phase: phase + 1, position: `${phase + 2} of 3`, schema: GATES[phase + 1] });
        assert.match(String(next!['instructions']), new RegExp(MARKERS.phases[phase + 1]!));
        assert.ok(!String(next!['instructions']).includes(MARKERS.intro), 'the intro comes with the first phase only');
        assertHidden(accepted.text, phase + 1, `complete_phase ${phase}`);
        assertHidden((await call(client, 'get_current_phase', { session_id: sessionId })).text, phase + 1, `get_current_phase after ${phase}`);
      }
    }
    state = await stateOf(client, sessionId);
    assert.equal(state.status, 'completed');
    assert.equal(state.current_phase, null);
    assert.deepEqual(state.phases.map((p) => [p.status, p.attempts, p.refusals]), [['accepted', 3, 2], ['accepted', 1, 0], ['accepted', 1, 0]]);
    assert.deepEqual(state.phases.map((p) => p.evidence), GOOD_EVIDENCE);
    const ended = await okCall(client, 'get_current_phase', { session_id: sessionId });
    assert.equal(ended['current_phase'], null);
    assert.equal(ended['status'], 'completed');

    const again = await complete(client, sessionId, 2, GOOD_EVIDENCE[2]);
    const error = errorOf(again);
    assert.equal(error.code, 'WORKFLOW_NOT_ACTIVE');
    assert.match(error.message, new RegExp(`${sessionId} is completed`));
    assert.deepEqual(await stateOf(client, sessionId), state, 'the completed session is unchanged');
  });

  it('stdio: kill -9 between two phases; a new server shows phase 0\'s evidence byte for byte and the same current phase, then runs to the end', async () => {
    const client = await stdio();
    const sessionId = await startGated(client, 'src');
    await complete(client, sessionId, 1, GOOD_EVIDENCE[1]); // a mismatch: changes nothing
    await complete(client, sessionId, 0, { files_reviewed: 0 }); // a refusal, recorded
    const accepted = await complete(client, sessionId, 0, GOOD_EVIDENCE[0]);
    assert.equal(accepted.isError, false, accepted.text);
    const before = await stateOf(client, sessionId);

    const pid = (client.transport as StdioClientTransport).pid;
    assert.ok(pid, 'the server runs as a child process');
    const closed = deferred<void>();
    client.onclose = () => closed.resolve();
    process.kill(pid, 'SIGKILL');
    await withTimeout(closed.promise, 10_000, 'the killed server\'s stdio closed');
    open.splice(open.indexOf(client), 1);

    const restarted = await stdio();
    const after = await stateOf(restarted, sessionId);
    assert.equal(JSON.stringify(after.phases[0]!.evidence), JSON.stringify(GOOD_EVIDENCE[0]), 'phase 0\'s evidence, byte for byte');
    assert.deepEqual(after, before, 'the whole state survived the kill');
    assert.equal(after.current_phase, 1);
    assert.deepEqual(after.phases.map((p) => [p.status, p.attempts, p.refusals]), [['accepted', 2, 1], ['current', 0, 0], ['pending', 0, 0]]);
    assert.match(stderr.join(''), /this process owns the job store/);

    const current = await okCall(restarted, 'get_current_phase', { session_id: sessionId });
    assert.equal((current['current_phase'] as { phase: number }).phase, 1);
    for (const phase of [1, 2]) assert.equal((await complete(restarted, sessionId, phase, GOOD_EVIDENCE[phase])).isError, false);
    const done = await stateOf(restarted, sessionId);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.phases.map((p) => p.evidence), GOOD_EVIDENCE);
  });

  it('HTTP: two clients complete the same phase at once, 20 times: exactly one is accepted, the other told the phase was already accepted', async () => {
    services = await startDemoServices(tmp.path);
    endpoint = await startMcpHttp(services);
    const connect = async (name: string): Promise<Client> => {
      const client = new Client({ name, version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(endpoint!.url), { requestInit: { headers: { Authorization: `Bearer ${endpoint!.token}` } } }));
      open.push(client);
      return client;
    };
    const racers = [await connect('racer-a'), await connect('racer-b')];
    const wins = [0, 0];
    for (let round = 0; round < 20; round++) {
      const sessionId = await startGated(racers[round % 2]!);
      // Both valid, told apart by their count: the one kept is the winner's.
      const evidence = racers.map((_, i) => ({ ...GOOD_EVIDENCE[0], files_reviewed: 10 + i }));
      // Both requests are on the wire before either answer; who sends first alternates.
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      const sent = order.map((i) => ({ i, answer: complete(racers[i]!, sessionId, 0, evidence[i]) }));
      const answers = await Promise.all(sent.sort((a, b) => a.i - b.i).map((s) => s.answer));
      const winners = answers.map((a, i) => (a.isError ? -1 : i)).filter((i) => i >= 0);
      assert.equal(winners.length, 1, `round ${round}: exactly one accepted (${answers.map((a) => a.text.slice(0, 200)).join(' | ')})`);
      const winner = winners[0]!;
      wins[winner]! += 1;
      assert.equal(answers[winner]!.data!['accepted'], true);
      const loser = errorOf(answers[1 - winner]!);
      assert.equal(loser.code, 'WORKFLOW_PHASE_MISMATCH', `round ${round}`);
      assert.match(loser.message, /current phase of session .* is 1 \("Hunt for defects"\); phase 0 was already accepted/);
      const session: WorkflowSession = services.sessions.get(sessionId)!;
      assert.equal(session.currentIndex, 1, `round ${round}: advanced by exactly one phase`);
      assert.deepEqual(session.phases.map((p) => p.attempts), [1, 0, 0], 'the loser\'s call is not an attempt');
      assert.deepEqual(session.phases[0]!.evidence, evidence[winner], 'the evidence kept is the winner\'s');
      const seen = await stateOf(racers[1 - winner]!, sessionId);
      assert.equal(seen.current_phase, 1, 'the loser sees the phase the winner moved to');
    }
    console.log(`      20 races: racer a won ${wins[0]}, racer b ${wins[1]}`);
  });

  it('stdio: bad input is refused, named as written, and leaves the session as it was', async () => {
    const client = await stdio();
    const sessionId = await startGated(client);
    const before = await stateOf(client, sessionId);
    const unchanged = async (what: string): Promise<void> => assert.deepEqual(await stateOf(client, sessionId), before, `${what} changed the session`);
    const refusedWith = async (code: string, name: string, args: Record<string, unknown>, message?: RegExp): Promise<void> => {
      const answer = await call(client, name, args);
      assertNoAbsolutePath(answer);
      const error = errorOf(answer);
      assert.equal(error.code, code, `${name} ${JSON.stringify(args).slice(0, 200)}: ${answer.text.slice(0, 300)}`);
      if (message) assert.match(`${error.message} ${error.hint}`, message);
      await unchanged(`${name} ${JSON.stringify(args).slice(0, 100)}`);
    };

    await refusedWith('UNKNOWN_WORKFLOW', 'start_workflow', { workflow_type: 'gated-chek', target: 'changes' }, new RegExp(`"gated-chek"[\\s\\S]*Known workflows: .*${GATED_ID}`));
    for (const tool of ['get_current_phase', 'get_workflow_state']) {
      await refusedWith('WORKFLOW_SESSION_NOT_FOUND', tool, { session_id: randomUUID() }, /No workflow session has the id/);
    }
    for (const id of ['not-a-session', `${sessionId}x`, "'; DROP TABLE workflow_sessions; --", '../../.agent-os/jobs.sqlite', sessionId.toUpperCase().replace(/-/g, '')]) {
      await refusedWith('WORKFLOW_SESSION_NOT_FOUND', 'complete_phase', { session_id: id, phase: 0, evidence: GOOD_EVIDENCE[0] }, new RegExp(`"${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is not a workflow session id`));
    }
    await refusedWith('WORKFLOW_SESSION_NOT_FOUND', 'get_task', { session_id: randomUUID(), phase: 0, task_number: 1 });

    const big = { ...GOOD_EVIDENCE[0], summary: 'x'.repeat(300 * 1024) };
    await refusedWith('EVIDENCE_TOO_LARGE', 'complete_phase', { session_id: sessionId, phase: 0, evidence: big }, /301 KB; a phase takes at most 256 KB/);
    let nested: unknown = 'bottom';
    for (let i = 0; i < 40; i++) nested = { a: nested };
    await refusedWith('EVIDENCE_TOO_LARGE', 'complete_phase', { session_id: sessionId, phase: 0, evidence: { ...GOOD_EVIDENCE[0], summary: nested } }, /nested more than 32 levels deep/);
    for (const notAnObject of [[GOOD_EVIDENCE[0]], 'files_reviewed: 3', 3, null]) {
      const answer = await call(client, 'complete_phase', { session_id: sessionId, phase: 0, evidence: notAnObject });
      assert.equal(answer.isError, true, `evidence ${JSON.stringify(notAnObject).slice(0, 40)} is refused`);
      assert.match(answer.text, /evidence/);
      await unchanged(`evidence ${JSON.stringify(notAnObject).slice(0, 40)}`);
    }

    await refusedWith('WORKFLOW_PHASE_MISMATCH', 'complete_phase', { session_id: sessionId, phase: 2, evidence: GOOD_EVIDENCE[2] }, /current phase .* is 0 \("Scope the change"\); phase 2 is not reached yet/);
    await refusedWith('WORKFLOW_PHASE_MISMATCH', 'complete_phase', { session_id: sessionId, phase: 7, evidence: GOOD_EVIDENCE[0] }, /this workflow has no phase 7/);
    const laterTask = await call(client, 'get_task', { session_id: sessionId, phase: 1, task_number: 1 });
    assert.equal(errorOf(laterTask).code, 'WORKFLOW_PHASE_MISMATCH');
    assertHidden(laterTask.text, 0, 'get_task of a later phase');
    await refusedWith('WORKFLOW_TASK_NOT_FOUND', 'get_task', { session_id: sessionId, phase: 0, task_number: 3 }, /Phase 0 \("Scope the change"\) has no task 3[\s\S]*numbered 1 to 2/);

    assert.match(String((await okCall(client, 'current_date', {}))['date']), /^\d{4}-\d{2}-\d{2}$/);

    // Evidence 10,000 levels deep: the SDK client cannot even serialise it (its JSON.stringify
    // overflows the stack), so it goes as a raw line, as a client in another language sends it.
    const closed = deferred<void>();
    client.onclose = () => closed.resolve();
    await client.close();
    open.splice(open.indexOf(client), 1);
    await withTimeout(closed.promise, 15_000, 'the first stdio server stopped');
    const raw = await rawStdioCli(tmp.path, stderr);
    try {
      let id = 1;
      const rawCall = async (name: string, argsText: string): Promise<Answer> => {
        const n = id++;
        const reply = await raw.request(n, `{"jsonrpc":"2.0","id":${n},"method":"tools/call","params":{"name":"${name}","arguments":${argsText}}}`);
        assert.ok(reply['result'], `${name} answered with a result: ${JSON.stringify(reply).slice(0, 300)}`);
        const result = reply['result'] as CallToolResult;
        const text = (result.content[0] as { text: string }).text;
        let data: Record<string, unknown> | undefined;
        try {
          data = JSON.parse(text) as Record<string, unknown>;
        } catch {
          data = undefined;
        }
        return { isError: result.isError === true, text, data };
      };
      const rawState = async (): Promise<unknown> => (await rawCall('get_workflow_state', JSON.stringify({ session_id: sessionId }))).data;
      assert.deepEqual(await rawState(), before, 'the session as the first server left it');
      const deep = `${'{"a":'.repeat(10_000)}"bottom"${'}'.repeat(10_000)}`;
      const deepAnswer = await rawCall('complete_phase', `{"session_id":"${sessionId}","phase":0,"evidence":${deep}}`);
      assert.equal(errorOf(deepAnswer).code, 'EVIDENCE_TOO_LARGE', deepAnswer.text.slice(0, 300));
      assert.deepEqual(await rawState(), before, 'deep evidence changed the session');
      // The same server still answers, and the session still takes its evidence.
      assert.match((await rawCall('current_date', '{}')).text, /"date": "\d{4}-\d{2}-\d{2}"/);
      const accepted = await rawCall('complete_phase', JSON.stringify({ session_id: sessionId, phase: 0, evidence: GOOD_EVIDENCE[0] }));
      assert.equal(accepted.isError, false, accepted.text);
      assert.equal(accepted.data!['accepted'], true);
    } finally {
      await raw.close();
    }
  });

  it('broken workflow files beside a good one: the good one is listed, each problem names its file and line', async () => {
    const good = gatedWorkflowText();
    const lineOf = (text: string, needle: string, nth = 1): number => {
      let seen = 0;
      const index = text.split('\n').findIndex((l) => l.startsWith(needle) && ++seen === nth);
      assert.ok(index >= 0, `${needle} #${nth} is in the text`);
      return index + 1;
    };
    const badJson = gatedWorkflowText('bad-json').replace(/"highest_severity"/g, 'highest_severity');
    const keywordGates = GATES.map((g, i) => (i === 2 ? { ...g, properties: { ...(g['properties'] as object), tests_run: { type: 'integer', minimun: 1 } } } : g));
    const badKeyword = gatedWorkflowText('bad-keyword', keywordGates);
    const gap = gatedWorkflowText('phase-gap').replace('## Phase 2:', '## Phase 3:');
    const files = {
      json: writeWorkflow(tmp.path, 'bad-json', badJson),
      keyword: writeWorkflow(tmp.path, 'bad-keyword', badKeyword),
      gap: writeWorkflow(tmp.path, 'phase-gap', gap),
    };
    assert.equal(gatedWorkflowText(), good);

    services = await startDemoServices(tmp.path);
    const problems = [...services.workflowRegistry.problems].sort((a, b) => a.file.localeCompare(b.file));
    assert.deepEqual(problems.map((p) => ({ file: p.file, line: p.line, severity: p.severity })), [
      { file: files.json, line: lineOf(badJson, '```evidence', 2), severity: 'error' },
      { file: files.keyword, line: lineOf(badKeyword, '```evidence', 3), severity: 'error' },
      { file: files.gap, line: lineOf(gap, '## Phase 3:'), severity: 'error' },
    ].sort((a, b) => a.file.localeCompare(b.file)));
    const message = (file: string): string => problems.find((p) => p.file === file)!.message;
    assert.match(message(files.json), /the evidence block of phase 1 is not valid JSON/);
    assert.match(message(files.keyword), /the gate of phase 2 is not a valid JSON Schema: .*unknown keyword: "minimun"/);
    assert.match(message(files.gap), /expected "## Phase 2", found "## Phase 3"/);
    assert.deepEqual(services.workflowRegistry.list().filter((w) => w.source === 'workspace').map((w) => w.id), [GATED_ID]);
    await services.dispose(0);
    services = undefined;

    const client = await stdio();
    const ids = ((await okCall(client, 'list_workflows', {}))['workflows'] as { id: string }[]).map((w) => w.id);
    assert.ok(ids.includes(GATED_ID), `the good workflow is listed (${ids.join(', ')})`);
    for (const broken of ['bad-json', 'bad-keyword', 'phase-gap']) assert.ok(!ids.includes(broken), `${broken} is not listed`);
    assert.equal((await okCall(client, 'start_workflow', { workflow_type: GATED_ID, target: 'changes' }))['status'], 'active');
  });

  it('stdio: invoke_workflow_executor answers with job_id and session_id; an unknown workflow_type lists the ids and creates no job', async () => {
    writeExecutorStandIn(tmp.path, REPO_ROOT);
    const client = await stdio();
    const jobsBefore = await okCall(client, 'list_persona_jobs', {});
    const unknown = await call(client, 'invoke_workflow_executor', { workflow_type: 'no-such-workflow', target: 'changes', task: 'x' });
    assertNoAbsolutePath(unknown);
    const error = errorOf(unknown);
    assert.equal(error.code, 'UNKNOWN_WORKFLOW');
    assert.match(`${error.message} ${error.hint}`, new RegExp(`"no-such-workflow"[\\s\\S]*Known workflows: .*${GATED_ID}`));
    assert.deepEqual(await okCall(client, 'list_persona_jobs', {}), jobsBefore, 'no job was created');

    const invoked = await okCall(client, 'invoke_workflow_executor', { workflow_type: GATED_ID, target: 'changes', task: 'Look hard at the retry loop.' });
    const jobId = String(invoked['job_id']);
    const sessionId = String(invoked['session_id']);
    assert.match(jobId, /^[0-9a-f-]{36}$/);
    assert.match(sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(invoked['workflow'], GATED_ID);
    assert.equal(invoked['persona'], 'workflow-executor');
    const state = await stateOf(client, sessionId);
    assert.equal(state['job_id'], jobId, 'the session names the job that drives it');
    assert.equal(state['target'], 'changes');
    const jobs = (await okCall(client, 'list_persona_jobs', {}))['jobs'] as { job_id: string; persona: string }[];
    assert.ok(jobs.some((j) => j.job_id === jobId && j.persona === 'workflow-executor'), 'the job is listed');
    await call(client, 'cancel_persona_job', { job_id: jobId });

    // The job's task names the session, as the executor reads it.
    const closed = deferred<void>();
    client.onclose = () => closed.resolve();
    await client.close();
    open.splice(open.indexOf(client), 1);
    await withTimeout(closed.promise, 15_000, 'the stdio server stopped');
    const whole = await openWholeStore(join(tmp.path, '.agent-os'));
    try {
      assert.equal(whole.store.get(jobId)?.task, `Run workflow session ${sessionId} (${GATED_TITLE}) on changes.\nLook hard at the retry loop.`);
    } finally {
      await whole.close();
    }
  });
});
