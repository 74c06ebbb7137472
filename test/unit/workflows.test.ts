import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { EvidenceGates, MAX_EVIDENCE_BYTES } from '../../src/workflows/evidenceGate';
import { PRAXIS_WORKFLOWS, WORKSPACE_WORKFLOWS, WorkflowRegistry } from '../../src/workflows/workflowRegistry';
import { WorkflowSessions } from '../../src/workflows/workflowSessions';
import { WORKFLOW_TOOL_HANDLERS } from '../../src/workflows/workflowTools';
import { REPO_ROOT, useTempDir } from './tempDir';
import { openWholeStore, type WholeStore } from './wholeStore';

const PATH_LINE = '^[^\\\\s:]+:\\\\d+(-\\\\d+)?$';

/** A three-phase workflow in our format with the kinds of gate the shipped ones use. */
function workflowFile(id = 'mini-review', extra = ''): string {
  return `---
id: ${id}
title: Mini review
description: A small workflow for tests.
target: any
---
Read the target first.

## Phase 0: Scope
List what you read.

### Task 1: List the files
Every file, by path.

### Task 2: Count the lines
Added plus removed.

\`\`\`evidence
{
  "type": "object",
  "required": ["files_read", "lines", "owner"],
  "properties": {
    "files_read": { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 3, "pattern": "${PATH_LINE}" } },
    "lines": { "type": "integer", "minimum": 1, "maximum": 100000 },
    "owner": { "type": "string", "minLength": 3 },
    "summary": { "type": "string" }
  },
  "additionalProperties": false
}
\`\`\`

## Phase 1: Findings
Report what is wrong.

\`\`\`evidence
{
  "type": "object",
  "required": ["findings", "checked"],
  "properties": {
    "checked": { "type": "boolean" },
    "findings": { "type": "array", "items": { "type": "object", "required": ["location", "severity", "title"], "properties": {
      "location": { "type": "string", "pattern": "${PATH_LINE}" },
      "severity": { "type": "string", "enum": ["critical", "high", "medium", "low"] },
      "title": { "type": "string", "minLength": 5 } }, "additionalProperties": false } }
  },
  "additionalProperties": false
}
\`\`\`

## Phase 2: Verdict
Decide.

\`\`\`evidence
{ "type": "object", "required": ["verdict"], "properties": { "verdict": { "type": "string", "enum": ["ship", "fix-first", "block"] } }, "additionalProperties": false }
\`\`\`
${extra}`;
}

const PHASE0 = { files_read: ['src/app.ts:12'], lines: 40, owner: 'payments' };
const PHASE1 = { checked: true, findings: [{ location: 'src/app.ts:14', severity: 'high', title: 'Unvalidated amount' }] };

describe('workflows', () => {
  let whole: WholeStore | undefined;
  // Before the temporary folder goes (mocha runs afterEach hooks in the order they were added).
  afterEach(async () => {
    await whole?.close();
    whole = undefined;
  });
  const tmp = useTempDir();

  function workspace(files: Record<string, string>): string {
    const root = join(tmp.path, 'ws');
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    mkdirSync(root, { recursive: true });
    return root;
  }

  async function sessionsOver(root: string): Promise<{ sessions: WorkflowSessions; registry: WorkflowRegistry }> {
    const gates = new EvidenceGates();
    const registry = new WorkflowRegistry({ shippedFolder: join(REPO_ROOT, 'workflows'), workspaceRoot: root, gates });
    mkdirSync(join(root, '.agent-os'), { recursive: true });
    whole = await openWholeStore(join(root, '.agent-os'));
    return { sessions: new WorkflowSessions(whole.database, registry, gates), registry };
  }

  const code = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof PersonaError, `a PersonaError, not ${String(err)}`);
      return err.code;
    }
    assert.fail('expected a refusal');
  };

  describe('the gate', () => {
    it('refuses each kind of bad evidence, naming every failing field and why; the phase does not move on any refusal', async () => {
      const root = workspace({ [`${WORKSPACE_WORKFLOWS}/mini-review.md`]: workflowFile() });
      const { sessions } = await sessionsOver(root);
      const session = await sessions.start({ workflowId: 'mini-review', target: 'src' });
      const cases: [string, Record<string, unknown>, string[]][] = [
        ['prose only', { summary: 'reviewed the code' }, ['files_read is required', 'lines is required', 'owner is required']],
        ['a missing field', { files_read: ['src/app.ts:1'], lines: 3 }, ['owner is required']],
        ['a wrong type', { ...PHASE0, lines: '40' }, ['lines must be an integer']],
        ['a number out of range', { ...PHASE0, lines: 0 }, ['lines must be >= 1']],
        ['an empty list where one item is required', { ...PHASE0, files_read: [] }, ['files_read must list at least one item']],
        ['an empty string', { ...PHASE0, owner: '' }, ['owner must be at least 3 characters']],
        ['a location that is not path:line', { ...PHASE0, files_read: ['src/app.ts'] }, ['files_read[0] must match']],
        ['a field the gate does not take', { ...PHASE0, reviewer: 'me' }, ['reviewer is not a field this gate takes']],
      ];
      for (const [what, evidence, expected] of cases) {
        const outcome = await sessions.complete(session.id, 0, evidence);
        assert.equal(outcome.accepted, false, `${what} is refused`);
        if (outcome.accepted) continue;
        const lines = outcome.failures.map((f) => `${f.field} ${f.reason}`);
        for (const e of expected) assert.ok(lines.some((l) => l.startsWith(e)), `${what}: "${e}" is among ${JSON.stringify(lines)}`);
        assert.equal(outcome.session.currentIndex, 0, `${what}: the phase stays current`);
      }
      const after = sessions.require(session.id);
      assert.equal(after.phases[0]!.refusals, cases.length);
      assert.equal(after.phases[0]!.attempts, cases.length);
      assert.equal(after.phases[0]!.evidence, null);
      assert.deepEqual(after.phases[0]!.lastRefusal?.map((f) => f.field), ['reviewer']);
    });

    it('refuses evidence for the wrong phase, over the size cap, not an object, or deeply nested; none of it changes the session', async () => {
      const root = workspace({ [`${WORKSPACE_WORKFLOWS}/mini-review.md`]: workflowFile() });
      const { sessions } = await sessionsOver(root);
      const session = await sessions.start({ workflowId: 'mini-review', target: 'src' });
      const before = JSON.stringify(sessions.require(session.id));
      assert.equal(await code(sessions.complete(session.id, 1, PHASE1)), 'WORKFLOW_PHASE_MISMATCH');
      assert.equal(await code(sessions.complete(session.id, 7, PHASE1)), 'WORKFLOW_PHASE_MISMATCH');
      assert.equal(await code(sessions.complete(session.id, 0, { ...PHASE0, owner: 'x'.repeat(MAX_EVIDENCE_BYTES) })), 'EVIDENCE_TOO_LARGE');
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 10_000; i++) deep = { d: deep };
      assert.equal(await code(sessions.complete(session.id, 0, deep)), 'EVIDENCE_TOO_LARGE');
      assert.equal(JSON.stringify(sessions.require(session.id)), before, 'nothing was recorded');
      for (const bad of [['a', 'list'], 'prose', null, 42]) {
        const outcome = await sessions.complete(session.id, 0, bad);
        assert.equal(outcome.accepted, false);
        if (!outcome.accepted) assert.match(outcome.failures[0]!.reason, /must be an object/);
      }
      assert.equal(sessions.require(session.id).currentIndex, 0);
    });

    it('accepts quantified evidence, moves one phase at a time, and refuses a completed session', async () => {
      const root = workspace({ [`${WORKSPACE_WORKFLOWS}/mini-review.md`]: workflowFile() });
      const { sessions } = await sessionsOver(root);
      const session = await sessions.start({ workflowId: 'mini-review', target: 'src' });
      const first = await sessions.complete(session.id, 0, PHASE0);
      assert.ok(first.accepted && first.next?.number === 1);
      assert.equal(await code(sessions.complete(session.id, 0, PHASE0)), 'WORKFLOW_PHASE_MISMATCH', 'an accepted phase cannot be completed again');
      assert.ok((await sessions.complete(session.id, 1, PHASE1)).accepted);
      const last = await sessions.complete(session.id, 2, { verdict: 'fix-first' });
      assert.ok(last.accepted && last.next === null);
      assert.equal(last.session.status, 'completed');
      assert.equal(last.session.currentIndex, null);
      assert.equal(await code(sessions.complete(session.id, 2, { verdict: 'ship' })), 'WORKFLOW_NOT_ACTIVE');
      assert.deepEqual(last.session.phases.map((p) => p.evidence), [PHASE0, PHASE1, { verdict: 'fix-first' }]);
    });

    it('lets exactly one of two simultaneous completions of a phase win', async () => {
      const root = workspace({ [`${WORKSPACE_WORKFLOWS}/mini-review.md`]: workflowFile() });
      const { sessions } = await sessionsOver(root);
      for (let round = 0; round < 20; round++) {
        const session = await sessions.start({ workflowId: 'mini-review', target: 'src' });
        const results = await Promise.allSettled([sessions.complete(session.id, 0, PHASE0), sessions.complete(session.id, 0, { ...PHASE0, lines: 41 })]);
        const won = results.filter((r) => r.status === 'fulfilled' && r.value.accepted);
        const lost = results.filter((r) => r.status === 'rejected');
        assert.equal(won.length, 1, 'one wins');
        assert.equal(lost.length, 1, 'the other is refused');
        const reason = (lost[0] as PromiseRejectedResult).reason as PersonaError;
        assert.equal(reason.code, 'WORKFLOW_PHASE_MISMATCH');
        assert.match(reason.message, /phase 0 was already accepted/);
        const after = sessions.require(session.id);
        assert.equal(after.currentIndex, 1, 'the session moved exactly one phase');
        assert.equal(after.phases[0]!.attempts, 1);
      }
    });

    it('runs a gate\'s pattern on RE2: a backtracking pattern answers at once, and each pattern keeps its own text', () => {
      const gates = new EvidenceGates();
      const evil = { type: 'object', properties: { a: { type: 'string', pattern: '^(a+)+$' }, b: { type: 'string', pattern: '^b+$' } } };
      const started = process.hrtime.bigint();
      assert.equal(gates.check(evil, { a: `${'a'.repeat(40)}!` }).length, 1);
      assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000, 'linear time, not exponential');
      assert.equal(gates.check(evil, { a: 'aaa', b: 'bbb' }).length, 0);
      assert.equal(gates.check(evil, { a: 'aaa', b: 'aaa' })[0]?.field, 'b', 'b is checked against its own pattern, not a\'s');
      assert.throws(() => gates.compile({ type: 'object', properties: { a: { type: 'string', pattern: '(?=x)' } } }), 'lookaround is refused at compile time');
    });
  });

  describe('sessions', () => {
    it('survive a reopen of the store with the accepted evidence and the current phase; a later edit of the file does not change their gates', async () => {
      const root = workspace({ [`${WORKSPACE_WORKFLOWS}/mini-review.md`]: workflowFile() });
      const { sessions } = await sessionsOver(root);
      const session = await sessions.start({ workflowId: 'mini-review', target: 'src/app.ts', options: { depth: 2 } });
      assert.ok((await sessions.complete(session.id, 0, PHASE0)).accepted);
      await whole!.close();
      whole = undefined;
      // The file changes while no one runs: the session keeps the workflow it started with.
      writeFileSync(join(root, WORKSPACE_WORKFLOWS, 'mini-review.md'), workflowFile().replace('"required": ["findings", "checked"]', '"required": ["findings", "checked", "extra"]'));
      const reopened = await sessionsOver(root);
      const again = reopened.sessions.require(session.id);
      assert.equal(again.currentIndex, 1);
      assert.deepEqual(again.phases[0]!.evidence, PHASE0);
      assert.deepEqual(again.options, { depth: 2 });
      assert.ok((await reopened.sessions.complete(session.id, 1, PHASE1)).accepted, 'the gate it started with');
    });

    it('refuses an unknown workflow with the known ids, and unknown or malformed session ids, task numbers and targets clearly', async () => {
      const root = workspace({ [`${WORKSPACE_WORKFLOWS}/mini-review.md`]: workflowFile() });
      const { sessions } = await sessionsOver(root);
      await assert.rejects(sessions.start({ workflowId: 'nope', target: 'src' }), (err: PersonaError) => err.code === 'UNKNOWN_WORKFLOW' && /mini-review/.test(err.hint) && /pre-merge-review/.test(err.hint));
      await assert.rejects(sessions.start({ workflowId: 'mini-review', target: ' ' }), /target/);
      await assert.rejects(sessions.start({ workflowId: 'mini-review', target: 'a\nb' }), /one line/);
      assert.throws(() => sessions.require('not-a-uuid'), (err: PersonaError) => err.code === 'WORKFLOW_SESSION_NOT_FOUND' && /is not a workflow session id/.test(err.message));
      assert.throws(() => sessions.require('6f1c2a52-9d0e-4c1b-8a55-0d0c6b2f7a10'), (err: PersonaError) => err.code === 'WORKFLOW_SESSION_NOT_FOUND' && /No workflow session/.test(err.message));
      const session = await sessions.start({ workflowId: 'mini-review', target: 'src' });
      assert.equal(sessions.task(session.id, 0, 2).task.title, 'Count the lines');
      assert.throws(() => sessions.task(session.id, 0, 3), (err: PersonaError) => err.code === 'WORKFLOW_TASK_NOT_FOUND' && /1 to 2/.test(err.hint));
      assert.throws(() => sessions.task(session.id, 1, 1), (err: PersonaError) => err.code === 'WORKFLOW_PHASE_MISMATCH' && /not reached yet/.test(err.message), 'a later phase\'s task is not revealed');
    });
    it('let a job drive only its own session (or one no job drives); MCP callers any', async () => {
      const root = workspace({ [`${WORKSPACE_WORKFLOWS}/mini-review.md`]: workflowFile() });
      const { sessions } = await sessionsOver(root);
      const owned = await sessions.start({ workflowId: 'mini-review', target: 'src', jobId: 'job-a' });
      const refused = (err: PersonaError): boolean => err.code === 'WORKFLOW_SESSION_NOT_FOUND' && /belongs to another job/.test(err.message);
      assert.throws(() => sessions.require(owned.id, 'job-b'), refused);
      assert.throws(() => sessions.task(owned.id, 0, 1, 'job-b'), refused);
      await assert.rejects(sessions.complete(owned.id, 0, PHASE0, 'job-b'), refused);
      assert.equal(sessions.require(owned.id).phases[0]!.attempts, 0, 'the refused job changed nothing');
      assert.ok((await sessions.complete(owned.id, 0, PHASE0, 'job-a')).accepted);
      const free = await sessions.start({ workflowId: 'mini-review', target: 'src' });
      assert.equal(sessions.require(free.id, 'job-b').id, free.id);
      assert.ok((await sessions.complete(owned.id, 1, PHASE1)).accepted, 'an MCP caller (no job) drives any session');
    });
  });

  describe('workflow files', () => {
    it('load the four shipped workflows, each gate refusing prose', () => {
      const gates = new EvidenceGates();
      const registry = new WorkflowRegistry({ shippedFolder: join(REPO_ROOT, 'workflows'), gates });
      assert.deepEqual(registry.problems, []);
      assert.deepEqual(registry.list().map((w) => w.id), ['pre-merge-review', 'production-readiness', 'security-review', 'test-plan']);
      for (const w of registry.list()) {
        assert.ok(w.phases.length >= 3, `${w.id} has phases`);
        for (const p of w.phases) {
          const failures = gates.check(p.evidenceSchema, { summary: 'reviewed the code' });
          assert.ok(failures.length >= 2, `${w.id} phase ${p.number} refuses "reviewed the code" (${failures.length} failures)`);
          assert.ok(failures.some((f) => /is required/.test(f.reason)));
        }
      }
    });

    it('skip a broken file with its problem at the line, and the others load; a workspace file overrides a shipped one by id', () => {
      const broken = workflowFile('broken-json').replace('"required": ["verdict"]', '"required": ["verdict"],,');
      const root = workspace({
        [`${WORKSPACE_WORKFLOWS}/good.md`]: workflowFile('pre-merge-review'),
        [`${WORKSPACE_WORKFLOWS}/broken-json.md`]: broken,
        [`${WORKSPACE_WORKFLOWS}/bad-keyword.md`]: workflowFile('bad-keyword').replace('"minItems": 1', '"minItem": 1'),
        [`${WORKSPACE_WORKFLOWS}/gap.md`]: workflowFile('gap').replace('## Phase 2: Verdict', '## Phase 3: Verdict'),
        [`${WORKSPACE_WORKFLOWS}/no-gate.md`]: workflowFile('no-gate').replace(/## Phase 2: Verdict[\s\S]*$/, '## Phase 2: Verdict\nDecide.\n'),
      });
      const registry = new WorkflowRegistry({ shippedFolder: join(REPO_ROOT, 'workflows'), workspaceRoot: root, gates: new EvidenceGates() });
      const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
      const problem = (file: string): { line: number; message: string } => {
        const p = registry.problems.find((x) => x.file.endsWith(file));
        assert.ok(p, `${file} has a problem: ${JSON.stringify(registry.problems)}`);
        return p;
      };
      const source = workflowFile('x');
      assert.equal(problem('broken-json.md').line, lineOf(source, '## Phase 2') + 3, 'at the verdict\'s evidence fence');
      assert.match(problem('broken-json.md').message, /not valid JSON/);
      assert.equal(problem('bad-keyword.md').line, lineOf(source, '```evidence'));
      assert.match(problem('bad-keyword.md').message, /phase 0 is not a valid JSON Schema: .*minItem/);
      assert.equal(problem('gap.md').line, lineOf(source, '## Phase 2'));
      assert.match(problem('gap.md').message, /expected "## Phase 2", found "## Phase 3"/);
      assert.match(problem('no-gate.md').message, /phase 2 \("Verdict"\) has no ```evidence block/);
      assert.deepEqual(registry.list().map((w) => w.id), ['pre-merge-review', 'production-readiness', 'security-review', 'test-plan']);
      assert.equal(registry.require('pre-merge-review').source, 'workspace', 'the workspace file overrides the shipped one');
      assert.equal(registry.require('pre-merge-review').title, 'Mini review');
    });

    it('read a prAxIs OS workflow folder as they write it: the declarative gate holds, the Python lambdas are listed and never run', async () => {
      const root = workspace({});
      cpSync(join(REPO_ROOT, 'test', 'unit', 'fixtures', 'praxis-workspace', '.praxis-os'), join(root, '.praxis-os'), { recursive: true });
      const { sessions, registry } = await sessionsOver(root);
      const workflow = registry.require('test_generation_v1');
      assert.equal(workflow.source, 'praxis');
      assert.equal(workflow.title, 'Test Generation');
      assert.deepEqual(workflow.phases.map((p) => [p.number, p.title, p.tasks.length]), [[0, 'Analyze Code Under Test', 2], [1, 'Write Tests', 2], [2, 'Run and Verify', 2]]);
      assert.ok(workflow.phases[0]!.instructions.length > 20 && workflow.phases[0]!.tasks[0]!.instructions.length > 20, 'phase and task files are read');
      const warnings = registry.problems.filter((p) => p.severity === 'warning');
      assert.ok(registry.problems.every((p) => p.severity === 'warning'), 'nothing in the fixture is an error');
      const gate1 = join(PRAXIS_WORKFLOWS, 'test_generation_v1', 'phases', '1', 'gate-definition.yaml');
      const positive = warnings.find((w) => /"positive" on field "tests_written"/.test(w.message));
      assert.ok(positive, JSON.stringify(warnings));
      assert.ok(positive.file.endsWith(gate1) && positive.message.includes('lambda x: x > 0') && /not executed/.test(positive.message));
      assert.ok(warnings.some((w) => /"in_range" on field "coverage_percent"/.test(w.message)));
      assert.ok(warnings.some((w) => /cross_field_validation rule 1 \("passing tests cannot exceed tests run"\) is Python and was not executed/.test(w.message)));
      assert.deepEqual(workflow.warnings.length, warnings.length);

      const session = await sessions.start({ workflowId: 'test_generation_v1', target: 'src/math.ts' });
      assert.ok((await sessions.complete(session.id, 0, { target_file: 'src/math.ts', functions_analyzed: 3, has_side_effects: false })).accepted);
      const refused = await sessions.complete(session.id, 1, { tests_written: 'four', coverage_percent: 80 });
      assert.ok(!refused.accepted);
      if (!refused.accepted) assert.deepEqual(refused.failures.map((f) => f.field).sort(), ['test_files', 'tests_written']);
      // The lambda "x > 0" is not run: the declarative part (an integer, required) is what gates.
      assert.ok((await sessions.complete(session.id, 1, { tests_written: 0, test_files: ['test/math.test.ts'] })).accepted);
    });
  });

  it('documents every workflow tool and each of its input fields in docs/workflows.md', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'workflows.md'), 'utf8');
    for (const tool of WORKFLOW_TOOL_HANDLERS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${tool.name}\` |`));
      assert.ok(row, `${tool.name} has a row in the tools table`);
      for (const field of Object.keys(tool.shape)) assert.ok(row.includes(`\`${field}\``), `${tool.name}'s row names its field ${field}`);
    }
  });
});
