// The panel inside the real VS Code extension host: the command with arguments runs three
// personas on worker threads against the demo model and returns the parent's id.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PersonasApi } from '../../src/ui/personasExtension';
import { waitForJob, waitForPhase } from './jobWaits';
import { openResultPreview } from './resultPreview';

const EXTENSION_ID = 'agent-os.agent-os-personas';
const PERSONAS = ['architect', 'engineer', 'security'];
const CONTEXT = [
  'File: src/run.ts (file, lines 1-3)',
  '1| export function run(input: any) { eval(input); }',
  '2| const token = "abcdef123456";',
  '3| try { go(); } catch (e) {}',
].join('\n');

async function services(): Promise<NonNullable<PersonasApi['services']>> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  const api = extension.isActive ? extension.exports : await extension.activate();
  const ready = await api.ready;
  assert.ok(ready, 'services start when a folder is open');
  return ready;
}

async function askPanel(task: string): Promise<string> {
  const id = await vscode.commands.executeCommand<string | undefined>('agentOsPersonas.askPanel', { personas: PERSONAS, task, context: CONTEXT, interactive: false });
  assert.ok(typeof id === 'string', 'the panel command returns the parent job id');
  return id;
}

describe('Ask the Panel in VS Code', function () {
  this.timeout(90_000);

  before(async () => {
    await vscode.workspace.getConfiguration('agentOsPersonas').update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
  });

  it('runs a 3-persona panel from the command to one merged report, and opens it', async () => {
    const s = await services();
    const { store } = s;
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('agentOsPersonas.askPanel'));
    const id = await askPanel('Review the runner');
    const children = store.list({ parentId: id }).reverse();
    assert.deepEqual(children.map((c) => c.persona), PERSONAS);
    const parent = await waitForJob(s, id, ['completed', 'failed', 'cancelled'], 60_000);
    assert.equal(parent.status, 'completed', parent.error?.message);
    assert.deepEqual(store.list({ parentId: id }).map((c) => c.status), ['completed', 'completed', 'completed']);
    const report = parent.result ?? '';
    assert.match(report, /^# Panel review: architect, engineer, security/);
    assert.match(report, /Dynamic code execution; Business logic and I\/O in one module; `any` defeats the type checker — security, architect, engineer/);
    assert.match(report, /Hard-coded credential — security/);
    assert.match(report, /Error swallowed — engineer/);
    const text = await openResultPreview(id);
    assert.match(text, /# Panel review/);
  });

  it('cancels the parent and with it every child', async () => {
    const s = await services();
    const { store } = s;
    const id = await askPanel('Review slowly [[demo:slow]]');
    const children = store.list({ parentId: id });
    await Promise.all(children.map((c) => waitForPhase(s, c.id, 'generating')));
    assert.equal(await vscode.commands.executeCommand<string>('agentOsPersonas.cancelJob', id), 'cancelled');
    const finals = await Promise.all(children.map((c) => waitForJob(s, c.id, ['cancelled', 'completed', 'failed'])));
    assert.deepEqual(finals.map((c) => c.status), ['cancelled', 'cancelled', 'cancelled']);
    assert.equal(store.require(id).status, 'cancelled');
  });

  it('refuses an unknown persona without creating a job', async () => {
    const { store } = await services();
    const before = store.list({ limit: 500 }).length;
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.askPanel', { personas: ['architect', 'ghost'], task: 'x', interactive: false })),
      /no persona "ghost"/i,
    );
    assert.equal(store.list({ limit: 500 }).length, before);
  });
});
