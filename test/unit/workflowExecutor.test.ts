import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { PersonaServices } from '../../src/services';
import { DemoModelServer, type DemoRequestEvent } from '../../src/personas/demoModel/server';
import { sessionState } from '../../src/workflows/workflowTools';
import { settledJob } from './settledJob';
import { REPO_ROOT, useTempDir } from './tempDir';
import { startDemoServices } from './demoServices';

const PATH_LINE = '^[^\\\\s:]+:\\\\d+(-\\\\d+)?$';

/** Three phases with quantified gates, as the workflow spec asks: counts, path:line lists, finding records, an enum, a yes/no. */
const WORKFLOW = `---
id: demo-gates
title: Demo gates
description: Three quantified gates for the demo model; the first refuses a bare summary.
target: any
---
Work through the phases in order. Every gate wants counts and path:line locations, not prose.

## Phase 0: Scope the change
List the files in scope, each as path:line of its first relevant line, and count them.

### Task 1: List the files
Every file the change touches.

\`\`\`evidence
{
  "type": "object",
  "required": ["files_in_scope", "files_in_scope_count"],
  "properties": {
    "files_in_scope": { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 3, "pattern": "${PATH_LINE}" } },
    "files_in_scope_count": { "type": "integer", "minimum": 1 },
    "summary": { "type": "string", "minLength": 3, "maxLength": 300 }
  },
  "additionalProperties": false
}
\`\`\`

## Phase 1: Find the issues
Read the files and record each issue with its location, severity and a title.

\`\`\`evidence
{
  "type": "object",
  "required": ["files_read", "findings", "findings_count"],
  "properties": {
    "files_read": { "type": "integer", "minimum": 1 },
    "findings": {
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "required": ["location", "severity", "title"],
        "properties": {
          "location": { "type": "string", "minLength": 3, "pattern": "${PATH_LINE}" },
          "severity": { "type": "string", "enum": ["critical", "high", "medium", "low"] },
          "title": { "type": "string", "minLength": 5 }
        },
        "additionalProperties": false
      }
    },
    "findings_count": { "type": "integer", "minimum": 1 }
  },
  "additionalProperties": false
}
\`\`\`

## Phase 2: Decide
Give the verdict, the number of blocking issues, and the places you checked.

\`\`\`evidence
{
  "type": "object",
  "required": ["verdict", "blocking_count", "checked_locations", "tests_considered"],
  "properties": {
    "verdict": { "type": "string", "enum": ["approve", "request-changes"] },
    "blocking_count": { "type": "integer", "minimum": 0, "maximum": 10 },
    "checked_locations": { "type": "array", "minItems": 2, "items": { "type": "string", "pattern": "${PATH_LINE}" } },
    "tests_considered": { "type": "boolean" }
  },
  "additionalProperties": false
}
\`\`\`
`;

/** A gate no evidence the demo can make will pass: the run must stop, not loop. */
const STUBBORN = `---
id: demo-stubborn
title: Demo stubborn
description: A gate that wants a ticket id the demo model cannot know.
target: any
---
## Phase 0: Stubborn gate
Name the ticket.

\`\`\`evidence
{ "type": "object", "required": ["ticket"], "properties": { "ticket": { "type": "string", "minLength": 7, "pattern": "^ZZZ-[0-9]{3}$" } }, "additionalProperties": false }
\`\`\`

## Phase 1: Never reached
\`\`\`evidence
{ "type": "object", "required": ["done"], "properties": { "done": { "type": "boolean" } } }
\`\`\`
`;

const APP = ['import { db } from "./db";', '', 'export function find(name: string) {', '  return db.query(`SELECT * FROM users WHERE name = \'${name}\'`);', '}', '// TODO: paginate', ''].join('\n');

describe('the workflow executor driven by the demo model: real services, worker, SDK and gates', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  // Registered before useTempDir's, so the services stop before their folder is removed.
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  const workspace = (): string => {
    const root = join(tmp.path, 'ws');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(root, '.agent-os', 'workflows'), { recursive: true });
    writeFileSync(join(root, 'src', 'app.ts'), APP);
    writeFileSync(join(root, 'src', 'db.ts'), 'export const db = { query: (sql: string) => sql };\n');
    writeFileSync(join(root, '.agent-os', 'workflows', 'demo-gates.md'), WORKFLOW);
    writeFileSync(join(root, '.agent-os', 'workflows', 'demo-stubborn.md'), STUBBORN);
    return root;
  };

  it('completes every phase, after one refused summary on the first, reporting progress phase by phase', async () => {
    services = await startDemoServices(workspace(), { workerCount: 1 });
    const s = services;
    assert.deepEqual(s.workflowRegistry.problems, [], 'the test workflow loads');
    const messages: string[] = [];
    s.store.events.on('job:progress', (j) => {
      if (j.message && messages.at(-1) !== j.message) messages.push(j.message);
    });
    const requests: DemoRequestEvent[] = [];
    (await s.models.demoServer()).events.on('request', (r) => requests.push(r));

    // The refusal as the session recorded it (acceptance clears it later).
    let refusedFields: string[] = [];
    s.sessions.events.on('session:changed', (changed) => {
      const first = changed.phases[0]!;
      if (first.lastRefusal && first.acceptedAt === null) refusedFields = first.lastRefusal.map((f) => f.field).sort();
    });
    const { session, job } = await s.startWorkflow({ workflowId: 'demo-gates', target: 'src', task: 'Check the query code.' });
    const done = await settledJob(s, job.id, 45_000);
    assert.equal(done.status, 'completed', done.error?.message);
    assert.equal(done.source, 'workflow', 'the executor\'s job is counted as started by a workflow');

    const ended = s.sessions.require(session.id);
    assert.equal(ended.status, 'completed');
    assert.equal(ended.jobId, job.id);
    const state = sessionState(ended) as { phases: { title: string; status: string; attempts: number; refusals: number; evidence: Record<string, unknown> | null }[] };
    assert.deepEqual(state.phases.map((p) => p.status), ['accepted', 'accepted', 'accepted']);
    assert.deepEqual(state.phases.map((p) => [p.attempts, p.refusals]), [[2, 1], [1, 0], [1, 0]], 'one refusal, on the first phase only');
    assert.deepEqual(refusedFields, ['files_in_scope', 'files_in_scope_count'], 'the bare summary lacked both required fields');
    // The evidence cites what the run read: the rule matches in src/app.ts, by line.
    const findings = state.phases[1]!.evidence!['findings'] as { location: string; severity: string }[];
    assert.ok(findings.some((f) => f.location === 'src/app.ts:4' && f.severity === 'high'), JSON.stringify(findings));
    assert.equal(state.phases[1]!.evidence!['findings_count'], findings.length);

    const result = done.result ?? '';
    assert.match(result, /^# Workflow report/);
    assert.match(result, /demo model/);
    assert.match(result, /## Phases/);
    for (const title of ['Scope the change', 'Find the issues', 'Decide']) assert.match(result, new RegExp(`- Phase \\d: ${title} — accepted`));
    assert.match(result, /Scope the change — accepted after 2 attempts \(1 refused\)/);
    assert.match(result, /- \*\*Evidence:\*\* `src\/app\.ts:4`/);
    assert.match(result, /## Recommended specialists\n\nNone/);

    const stages = messages.map((m) => /^phase (\d) of 3: ([^—]+?)(?: —|$)/.exec(m)).filter((m) => m !== null).map((m) => `${m[1]}: ${m[2]}`);
    const seen = [...new Set(stages)];
    assert.deepEqual(seen.slice(0, 3), ['1: Scope the change', '2: Find the issues', '3: Decide'], messages.join('\n'));
    // The refusal went back to the model as an error it could read, with the failing fields.
    const sent = requests.map((r) => r.body).join('\n');
    assert.match(sent, /EVIDENCE_REFUSED/);
    assert.match(sent, /"is_error":true/);
  });

  it('stops at a gate it cannot meet after one fix, and reports which phase stopped and why', async () => {
    services = await startDemoServices(workspace(), { workerCount: 1 });
    const s = services;
    const requests: DemoRequestEvent[] = [];
    (await s.models.demoServer()).events.on('request', (r) => requests.push(r));
    const { session, job } = await s.startWorkflow({ workflowId: 'demo-stubborn', target: 'src' });
    const done = await settledJob(s, job.id, 45_000);
    assert.equal(done.status, 'completed', done.error?.message);
    const ended = s.sessions.require(session.id);
    assert.equal(ended.status, 'active', 'the session stays where it stopped');
    // The bare summary, the generated evidence, one fix: then it stops.
    assert.deepEqual([ended.phases[0]!.attempts, ended.phases[0]!.refusals], [3, 3]);
    assert.equal(ended.phases[1]!.attempts, 0);
    assert.equal(requests.length, 7, 'look, read, three submissions, the state, the report: no loop');
    const result = done.result ?? '';
    assert.match(result, /stopped: phase 0 \("Stubborn gate"\) was refused 3 times; the last refusal: ticket must match \^ZZZ-\[0-9\]\{3\}\$/);
    assert.match(result, /- Phase 0: Stubborn gate — current after 3 attempts \(3 refused\)/);
    assert.match(result, /- Phase 1: Never reached — pending/);
  });

  it('starts its own session when the task names none, and the session belongs to that job', async () => {
    services = await startDemoServices(workspace(), { workerCount: 1 });
    const s = services;
    const job = await s.jobs.ask({ persona: 'workflow-executor', task: 'Run the demo-gates workflow on changes' });
    const done = await settledJob(s, job.id, 45_000);
    assert.equal(done.status, 'completed', done.error?.message);
    const session = s.sessions.forJob(job.id);
    assert.ok(session, 'a session linked to the job');
    assert.equal(session.jobId, job.id);
    assert.equal(session.workflowId, 'demo-gates');
    assert.equal(session.target, 'changes');
    assert.equal(session.status, 'completed');
    assert.deepEqual(session.phases.map((p) => p.refusals), [1, 0, 0]);
    assert.match(done.result ?? '', /## Phases/);
  });

  it('reviews "changes" from the diff that went along: the pre-merge review\'s changed files are the diff\'s, and no test file is invented', async function (this: Mocha.Context) {
    this.timeout(60_000);
    const root = join(tmp.path, 'repo');
    cpSync(join(REPO_ROOT, 'sample-workspace'), root, { recursive: true });
    const git = (...args: string[]): void => void execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'start');
    writeFileSync(join(root, 'src', 'orders.ts'), `${readFileSync(join(root, 'src', 'orders.ts'), 'utf8')}// the discount is applied twice\n`);
    services = await startDemoServices(root, { workerCount: 1 });
    const { session, job } = await services.startWorkflow({ workflowId: 'pre-merge-review', target: 'changes', context: { diff: true } });
    const done = await settledJob(services, job.id, 45_000);
    assert.equal(done.status, 'completed', done.error?.message);
    const scope = services.sessions.require(session.id).phases[0]!.evidence!;
    assert.deepEqual(scope['changed_files'], ['src/orders.ts']);
    assert.deepEqual(scope['test_files'], []);
  });

  it('drives each shipped workflow to completion on the sample workspace, with the shipped executor persona', async function (this: Mocha.Context) {
    this.timeout(240_000);
    const root = join(tmp.path, 'sample');
    cpSync(join(REPO_ROOT, 'sample-workspace'), root, { recursive: true });
    services = await startDemoServices(root, { workerCount: 2 });
    const s = services;
    assert.equal(s.registry.require('workflow-executor').source.startsWith(join(REPO_ROOT, 'personas')), true, 'the shipped persona runs');
    const targets: Record<string, string> = { 'pre-merge-review': 'src/orders.ts', 'security-review': 'src', 'production-readiness': 'src', 'test-plan': 'src/payments.ts' };
    const runs = await Promise.all(
      s.workflowRegistry.list().map(async (w) => {
        const { session, job } = await s.startWorkflow({ workflowId: w.id, target: targets[w.id] ?? 'src' });
        return { workflow: w, session, done: await settledJob(s, job.id, 200_000) };
      }),
    );
    assert.deepEqual(runs.map((r) => r.workflow.id), ['pre-merge-review', 'production-readiness', 'security-review', 'test-plan']);
    for (const { workflow, session, done } of runs) {
      assert.equal(done.status, 'completed', `${workflow.id}: ${done.error?.message ?? ''}`);
      const ended = s.sessions.require(session.id);
      assert.equal(ended.status, 'completed', `${workflow.id} completed every phase:\n${done.result ?? ''}`);
      assert.equal(ended.phases[0]!.refusals, 1, `${workflow.id}: the first phase refused the bare summary once`);
      assert.ok(ended.phases.every((p) => p.evidence !== null), `${workflow.id}: every phase holds accepted evidence`);
      assert.match(done.result ?? '', /^# Workflow report/);
    }
  });
});

describe('the demo model as the workflow executor, one request at a time (real Anthropic SDK)', () => {
  let server: DemoModelServer;
  let client: Anthropic;
  beforeEach(async () => {
    server = await DemoModelServer.start({ chunkDelayMs: 0 });
    client = new Anthropic({ apiKey: 'demo', baseURL: server.url, maxRetries: 0 });
  });
  afterEach(async () => {
    await server.dispose();
  });

  const SESSION = '123e4567-e89b-42d3-a456-426614174000';
  const tool = (name: string): Anthropic.Tool => ({ name, description: name, input_schema: { type: 'object' } });
  const tools = ['get_current_phase', 'complete_phase', 'get_workflow_state', 'list_files', 'read_file'].map(tool);
  const task = `Run workflow session ${SESSION} (Demo gates) on src/app.ts.\nCheck it.`;

  it('opens with the session the task names: its current phase and the workspace listing', async () => {
    const final = await client.messages.create({ model: 'demo-model', max_tokens: 1024, system: 'Persona: workflow-executor', tools, messages: [{ role: 'user', content: task }] });
    assert.equal(final.stop_reason, 'tool_use');
    const uses = final.content.filter((b) => b.type === 'tool_use');
    assert.deepEqual(uses.map((u) => [u.name, u.input]), [['get_current_phase', { session_id: SESSION }], ['list_files', { path: '.', recursive: true }]]);
  });

  it('answers with the report, saying it stopped, when it may call no more tools (tool_choice none)', async () => {
    const final = await client.messages.create({ model: 'demo-model', max_tokens: 1024, system: 'Persona: workflow-executor', tools, tool_choice: { type: 'none' }, messages: [{ role: 'user', content: task }] });
    assert.equal(final.stop_reason, 'end_turn');
    const text = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    assert.match(text, /^# Workflow report/);
    assert.match(text, /demo model/);
    assert.match(text, /on `src\/app\.ts` \(session 123e4567-e89b-42d3-a456-426614174000\) stopped: the tool budget ran out/);
    for (const heading of ['## Summary', '## Findings', '## Phases', '## Recommended specialists', '## Proposed standards']) assert.ok(text.includes(heading), heading);
  });

});
