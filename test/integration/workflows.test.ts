// Workflows inside the real extension host: Start Workflow (non-interactive) on a shipped
// workflow, its job's phases in the Persona Jobs tree as the session advances, a phase's
// evidence and a session's state as read-only documents, and workflow files that fail to load
// in the Problems panel (and gone when fixed).
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { JobSummary } from '../../src/jobs/types';
import type { PersonaServices } from '../../src/services';
import { isPhaseNode, type JobTreeElement, type PhaseNode } from '../../src/ui/jobTree';
import type { PersonasApi } from '../../src/ui/personasExtension';
import type { WorkflowRegistryChange } from '../../src/workflows/workflowRegistry';
import { deferred, waitFor, withTimeout } from '../harness/waitFor';
import { waitForJob } from './jobWaits';

const EXTENSION_ID = 'agent-os.agent-os-personas';
const CHANGE_TIMEOUT_MS = 15_000;

async function api(): Promise<PersonasApi> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  const personas = extension.isActive ? extension.exports : await extension.activate();
  await personas.ready;
  return personas;
}

type Schema = Record<string, unknown>;

/**
 * The smallest evidence a gate of the shipped subset accepts (type, required, properties,
 * items, minItems, maxItems, minimum, maximum, minLength, maxLength, pattern, enum): one item
 * per list, the first enum value, locations that are path:line.
 */
function fill(schema: Schema): unknown {
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  switch (schema['type']) {
    case 'object': {
      const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
      const required = (schema['required'] ?? []) as string[];
      return Object.fromEntries(required.map((key) => [key, fill(properties[key] ?? {})]));
    }
    case 'array': {
      const count = Math.min(Math.max(1, Number(schema['minItems'] ?? 0)), Number(schema['maxItems'] ?? Infinity));
      return Array.from({ length: count }, () => fill((schema['items'] ?? {}) as Schema));
    }
    case 'integer':
    case 'number':
      return Math.max(1, Number(schema['minimum'] ?? 1));
    case 'boolean':
      return false;
    case 'string': {
      const pattern = typeof schema['pattern'] === 'string' ? schema['pattern'] : '';
      if (pattern.includes(':\\d+')) return 'src/orders.ts:1';
      if (pattern !== '') return 'src/orders.ts';
      const text = 'checked by the integration test';
      return text.slice(0, Number(schema['maxLength'] ?? text.length));
    }
    default:
      return {};
  }
}

function onRepaint(personas: PersonasApi, listener: (rows: JobTreeElement[] | undefined) => void): vscode.Disposable {
  const event = personas.jobTree.onDidChangeTreeData;
  assert.ok(event, 'the tree announces changes');
  // undefined (or null) repaints the whole tree.
  return event((changed) => listener(changed === undefined || changed === null ? undefined : Array.isArray(changed) ? changed : [changed]));
}

/**
 * Subscribe first, then act: resolves with "row" when the tree repaints a row that passes
 * `test` by itself, or with "whole tree" when the whole tree repaints first (which repaints
 * every row, and takes the place of row repaints due in the same moment).
 */
function nextRepaint(personas: PersonasApi, what: string, test: (element: JobTreeElement) => boolean): Promise<'row' | 'whole tree'> {
  const done = deferred<'row' | 'whole tree'>();
  const sub = onRepaint(personas, (rows) => {
    if (rows === undefined) done.resolve('whole tree');
    else if (rows.some(test)) done.resolve('row');
  });
  return withTimeout(done.promise, CHANGE_TIMEOUT_MS, `the tree did not repaint: ${what}`).finally(() => {
    sub.dispose();
  });
}

/** Subscribe first, then act: resolves on the first workflow change that passes `test`. */
function nextWorkflowChange(personas: PersonasApi, what: string, test: (c: WorkflowRegistryChange) => boolean): Promise<WorkflowRegistryChange> {
  const done = deferred<WorkflowRegistryChange>();
  const sub = personas.onDidChangeWorkflows((c) => {
    if (test(c)) done.resolve(c);
  });
  return withTimeout(done.promise, CHANGE_TIMEOUT_MS, `no workflow change: ${what}`).finally(() => {
    sub.dispose();
  });
}

async function treeChildren(personas: PersonasApi, element?: JobTreeElement): Promise<JobTreeElement[]> {
  return (await personas.jobTree.getChildren(element)) ?? [];
}

/** What the phase rows under a job show: "label | description". */
async function phaseRows(personas: PersonasApi, job: JobSummary): Promise<{ node: PhaseNode; text: string; icon: string }[]> {
  const rows = await treeChildren(personas, job);
  const out = [];
  for (const row of rows) {
    assert.ok(isPhaseNode(row), 'a workflow job\'s children are its phases');
    const item = await personas.jobTree.getTreeItem(row);
    out.push({ node: row, text: `${typeof item.label === 'string' ? item.label : (item.label?.label ?? '')} | ${String(item.description)}`, icon: (item.iconPath as vscode.ThemeIcon).id });
  }
  return out;
}

describe('workflows in VS Code', function () {
  this.timeout(90_000);
  let personas: PersonasApi;
  let services: PersonaServices;
  let root: string;
  const created: string[] = [];

  before(async () => {
    await vscode.workspace.getConfiguration('agentOsPersonas').update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
    personas = await api();
    assert.ok(personas.services, 'a folder is open');
    services = personas.services;
    root = services.workspaceRoot;
  });

  after(() => {
    for (const path of created) rmSync(path, { recursive: true, force: true });
  });

  it('registers Start Workflow and Show Workflow Sessions, and lists the shipped workflows', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['agentOsPersonas.startWorkflow', 'agentOsPersonas.showWorkflowSessions', 'agentOsPersonas.openWorkflowPhase']) assert.ok(commands.includes(id), `${id} is registered`);
    const ids = personas.workflows().map((w) => w.id);
    for (const id of ['pre-merge-review', 'production-readiness', 'security-review', 'test-plan']) assert.ok(ids.includes(id), `${id} is loaded`);
  });

  describe('a workflow started from the command', () => {
    let jobId: string;
    let job: JobSummary;
    let sessionId: string;
    const accepted: unknown[] = [];

    after(async () => {
      if (jobId) await vscode.commands.executeCommand('agentOsPersonas.cancelJob', jobId).then(undefined, () => undefined);
    });

    it('starts a session and the workflow executor\'s job on the target', async () => {
      const id = await vscode.commands.executeCommand<string | undefined>('agentOsPersonas.startWorkflow', { workflowId: 'test-plan', target: 'src/orders.ts', task: 'the order total [[demo:hang]]', interactive: false });
      assert.ok(typeof id === 'string', 'the command returns the job id');
      jobId = id;
      const session = services.sessions.forJob(jobId);
      assert.ok(session, 'the job drives a session');
      sessionId = session.id;
      assert.equal(session.workflowId, 'test-plan');
      assert.equal(session.target, 'src/orders.ts');
      assert.equal(session.status, 'active');
      const row = services.store.require(jobId);
      assert.equal(row.persona, 'workflow-executor');
      assert.match(row.task, new RegExp(`^Run workflow session ${sessionId} \\(Test plan\\) on src/orders\\.ts\\.\\nthe order total \\[\\[demo:hang\\]\\]$`));
      // The tree knows the job from here on, so its changes repaint its own row, not the root.
      assert.ok((await treeChildren(personas)).some((e) => !isPhaseNode(e) && e.id === jobId), 'the new job is a top-level row');
      // [[demo:hang]]: the demo model never answers, so the job runs without driving the
      // session, and this test drives it (the job is cancelled after the last test).
      await waitForJob(services, jobId, ['running']);
    });

    it('shows the job expandable with its phases: current, then pending', async () => {
      const found = await waitFor(async () => (await treeChildren(personas)).find((e): e is JobSummary => !isPhaseNode(e) && e.id === jobId), { timeoutMs: 10_000, message: 'the workflow job is not in the tree' });
      job = found;
      const item = await personas.jobTree.getTreeItem(job);
      assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
      assert.equal(item.contextValue, 'job-running-workflow');
      // The session first (the task names it by id), then who works and where it stands.
      assert.equal(item.label, 'Test plan on src/orders.ts');
      assert.match(String(item.description), /^workflow-executor · \w+ \d+%.* — phase 1 of 4: Read the unit and its tests$/);
      const rows = await phaseRows(personas, job);
      assert.deepEqual(rows.map((r) => r.text), [
        'Phase 0: Read the unit and its tests | current',
        'Phase 1: Enumerate behaviours and edges | pending',
        'Phase 2: Design the test cases | pending',
        'Phase 3: Plan verdict | pending',
      ]);
      assert.deepEqual(rows.map((r) => r.icon), ['sync~spin', 'circle-large-outline', 'circle-large-outline', 'circle-large-outline'], 'the current phase of a running job spins');
    });

    it('says "refused n×" on the current phase when its gate refuses prose, and repaints that row', async () => {
      const session = services.sessions.require(sessionId);
      const index = session.currentIndex!;
      const phase = session.definition.phases[index]!;
      // The phase's row repaints by itself. A whole-tree repaint due at that moment (another
      // job's event) would cover it; then the refusal is repeated, so the row's own repaint is
      // what is seen.
      let refusals = 0;
      for (;;) {
        const repainted = nextRepaint(personas, 'the refused phase', (e) => isPhaseNode(e) && e.jobId === jobId && e.index === index);
        const outcome = await services.sessions.complete(sessionId, phase.number, { summary: 'reviewed the code' });
        assert.equal(outcome.accepted, false);
        refusals++;
        if ((await repainted) === 'row') break;
        assert.ok(refusals < 3, 'after three refusals the refused phase\'s row was never repainted by itself');
      }
      const rows = await phaseRows(personas, job);
      assert.match(rows[index]!.text, new RegExp(`\\| current · refused ${refusals}×$`));
    });

    it('advances phase by phase to completed; each accepted phase shows ✓ and its attempts', async () => {
      for (;;) {
        const session = services.sessions.require(sessionId);
        if (session.currentIndex === null) break;
        const index = session.currentIndex;
        const phase = session.definition.phases[index]!;
        const evidence = fill(phase.evidenceSchema);
        // The job's row changes ("phase n of 4"): it repaints, and VS Code refetches its phases.
        const repainted = nextRepaint(personas, `phase ${index} accepted`, (e) => !isPhaseNode(e) && e.id === jobId);
        const outcome = await services.sessions.complete(sessionId, phase.number, evidence);
        assert.equal(outcome.accepted, true, `phase ${index}: ${outcome.accepted ? '' : JSON.stringify(outcome.failures)}`);
        accepted[index] = evidence;
        await repainted;
        const rows = await phaseRows(personas, job);
        assert.match(rows[index]!.text, /\| accepted · \d+ attempts?/);
        assert.equal(rows[index]!.icon, 'pass-filled');
        if (index + 1 < rows.length) {
          assert.match(rows[index + 1]!.text, /\| current$/);
          const item = await personas.jobTree.getTreeItem(job);
          assert.match(String(item.description), new RegExp(`phase ${index + 2} of 4: `));
        }
      }
      const rows = await phaseRows(personas, job);
      assert.deepEqual(rows.map((r) => r.icon), ['pass-filled', 'pass-filled', 'pass-filled', 'pass-filled']);
      const item = await personas.jobTree.getTreeItem(job);
      assert.match(String(item.description), /— 4 of 4 phases accepted$/);
      assert.equal(services.sessions.require(sessionId).status, 'completed');
    });

    it('opens an accepted phase\'s evidence as a read-only JSON document from its row', async () => {
      const rows = await phaseRows(personas, job);
      const item = await personas.jobTree.getTreeItem(rows[1]!.node);
      assert.ok(item.command, 'a phase row opens something when clicked');
      await vscode.commands.executeCommand(item.command.command, ...((item.command.arguments ?? []) as unknown[]));
      const doc = vscode.window.activeTextEditor?.document;
      assert.ok(doc);
      assert.equal(doc.uri.scheme, 'agent-os-workflow');
      assert.equal(doc.uri.path, '/Phase 1 — Enumerate behaviours and edges (evidence)');
      assert.equal(doc.languageId, 'json');
      const shown = JSON.parse(doc.getText()) as { phase: number; status: string; evidence: unknown; session_id: string };
      assert.equal(shown.phase, 1);
      assert.equal(shown.status, 'accepted');
      assert.equal(shown.session_id, sessionId);
      assert.deepEqual(shown.evidence, accepted[1]);
    });

    it('opens the session\'s state (get_workflow_state) through Show Workflow Sessions, by session or by job', async () => {
      const opened = await vscode.commands.executeCommand<string>('agentOsPersonas.showWorkflowSessions', { sessionId });
      assert.equal(opened, sessionId);
      const state = JSON.parse(vscode.window.activeTextEditor?.document.getText() ?? '') as { session_id: string; status: string; phases: { status: string; evidence: unknown }[] };
      assert.equal(state.session_id, sessionId);
      assert.equal(state.status, 'completed');
      assert.deepEqual(state.phases.map((p) => p.status), ['accepted', 'accepted', 'accepted', 'accepted']);
      assert.deepEqual(state.phases[3]?.evidence, accepted[3]);
      assert.equal(await vscode.commands.executeCommand<string>('agentOsPersonas.showWorkflowSessions', { jobId }), sessionId);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.showWorkflowSessions', { jobId: 'no-such-job' })), /drives no workflow session/);
    });
  });

  it('opens a pending phase\'s instructions and gate as markdown', async () => {
    const id = await vscode.commands.executeCommand<string>('agentOsPersonas.startWorkflow', { workflowId: 'security-review', target: 'src', task: '[[demo:hang]]', interactive: false });
    await vscode.commands.executeCommand('agentOsPersonas.cancelJob', id);
    const job = await waitForJob(services, id, ['cancelled', 'completed', 'failed']);
    const rows = await phaseRows(personas, job);
    const last = rows[rows.length - 1]!;
    assert.match(last.text, /\| pending$/);
    const item = await personas.jobTree.getTreeItem(last.node);
    await vscode.commands.executeCommand(item.command!.command, ...((item.command!.arguments ?? []) as unknown[]));
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.languageId, 'markdown');
    assert.match(doc.uri.path, /^\/Phase 3 — .+ \(instructions\)$/);
    assert.match(doc.getText(), /\*\*pending\*\*/);
    assert.match(doc.getText(), /## Gate\n\nRequired evidence: `\w+`/);
  });

  it('refuses an unknown workflow and a target of the wrong kind, starting nothing', async () => {
    const before = services.sessions.recent(500).length;
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.startWorkflow', { workflowId: 'ghost', target: 'src/orders.ts', interactive: false })), /no workflow "ghost"/i);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.startWorkflow', { workflowId: 'test-plan', target: 'src', interactive: false })), /"Test plan" runs on file; "src" is a folder/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.startWorkflow', { workflowId: 'test-plan', target: '../outside.ts', interactive: false })), /climbs out/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.startWorkflow', { workflowId: 'test-plan', target: 'src/missing.ts', interactive: false })), /does not exist in the workspace/);
    assert.equal(services.sessions.recent(500).length, before);
  });

  describe('workflow files in the Problems panel', () => {
    it('shows a broken .agent-os/workflows file as an error at its line, and clears it when fixed', async () => {
      const file = join(root, '.agent-os', 'workflows', 'ui-check.md');
      created.push(file);
      const good = [
        '---',
        'id: ui-check',
        'title: UI check',
        'description: Two phases the integration test breaks and fixes.',
        'target: file',
        '---',
        '## Phase 0: Count',
        'Count the functions.',
        '```evidence',
        '{ "type": "object", "required": ["functions"], "properties": { "functions": { "type": "integer", "minimum": 0 } }, "additionalProperties": false }',
        '```',
        '## Phase 1: Verdict',
        'Say whether it ships.',
        '```evidence',
        '{ "type": "object", "required": ["ship"], "properties": { "ship": { "type": "boolean" } }, "additionalProperties": false }',
        '```',
        '',
      ];
      const broken = [...good];
      broken[11] = '## Phase 2: Verdict';
      const failed = nextWorkflowChange(personas, 'ui-check broken', (c) => c.problems.some((p) => p.file === file));
      mkdirSync(join(root, '.agent-os', 'workflows'), { recursive: true });
      writeFileSync(file, broken.join('\n'));
      const change = await failed;
      assert.ok(!change.workflows.some((w) => w.id === 'ui-check'), 'a broken file is skipped');
      const uri = vscode.Uri.file(file);
      const diagnostics = await waitFor(() => {
        const list = vscode.languages.getDiagnostics(uri);
        return list.length > 0 ? list : undefined;
      }, { timeoutMs: 5_000, message: `no diagnostic for ${file}` });
      assert.equal(diagnostics.length, 1);
      assert.equal(diagnostics[0]?.range.start.line, 11, 'the line of "## Phase 2"');
      assert.equal(diagnostics[0]?.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(diagnostics[0]?.source, 'Agent OS Personas');
      assert.match(diagnostics[0]?.message ?? '', /expected "## Phase 1", found "## Phase 2"/);

      const fixed = nextWorkflowChange(personas, 'ui-check fixed', (c) => c.workflows.some((w) => w.id === 'ui-check'));
      writeFileSync(file, good.join('\n'));
      await fixed;
      assert.deepEqual(vscode.languages.getDiagnostics(uri), []);
      assert.equal(personas.workflows().find((w) => w.id === 'ui-check')?.source, 'workspace');
    });

    it('shows a prAxIs OS workflow\'s Python validators as warnings at their lines', async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension);
      const folder = join(root, '.praxis-os');
      created.push(folder);
      const loaded = nextWorkflowChange(personas, 'test_generation_v1 loaded', (c) => c.workflows.some((w) => w.id === 'test_generation_v1'));
      cpSync(join(extension.extensionPath, 'test', 'unit', 'fixtures', 'praxis-workspace', '.praxis-os'), folder, { recursive: true });
      const change = await loaded;
      assert.equal(change.workflows.find((w) => w.id === 'test_generation_v1')?.source, 'praxis');
      const gate = vscode.Uri.file(join(folder, 'workflows', 'test_generation_v1', 'phases', '1', 'gate-definition.yaml'));
      const diagnostics = await waitFor(() => {
        const list = vscode.languages.getDiagnostics(gate);
        return list.length > 0 ? list : undefined;
      }, { timeoutMs: 5_000, message: 'no diagnostic for the prAxIs gate' });
      const positive = diagnostics.find((d) => /validator "positive" on field "tests_written"/.test(d.message));
      assert.ok(positive, diagnostics.map((d) => d.message).join('\n'));
      assert.equal(positive.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(positive.range.start.line, 9, 'the line of its "validator:" key');
      const removed = nextWorkflowChange(personas, 'test_generation_v1 removed', (c) => !c.workflows.some((w) => w.id === 'test_generation_v1'));
      rmSync(folder, { recursive: true, force: true });
      await removed;
      assert.deepEqual(vscode.languages.getDiagnostics(gate), []);
    });
  });
});
