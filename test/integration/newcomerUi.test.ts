// What a newcomer tripped over, inside the real extension host: a retried job is followed as a
// new one is (and its result opens); agents' jobs are not followed; a running panel's row opens
// on its personas; a row reads task first; an Output channel or a job's result is never the
// "active file" to review.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PersonasApi } from '../../src/ui/personasExtension';
import type { JobSummary } from '../../src/jobs/types';
import { waitFor } from '../harness/waitFor';
import { waitForJob, waitForPhase } from './jobWaits';
import { openResultPreview } from './resultPreview';

const EXTENSION_ID = 'agent-os.agent-os-personas';
const JOB_SCHEME = 'agent-os-job';

async function api(): Promise<PersonasApi & { services: NonNullable<PersonasApi['services']> }> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  const personas = extension.isActive ? extension.exports : await extension.activate();
  const services = await personas.ready;
  assert.ok(services, 'services start when a folder is open');
  return Object.assign(personas, { services });
}

async function ask(args: Record<string, unknown>): Promise<string> {
  const id = await vscode.commands.executeCommand<string | undefined>('agentOsPersonas.askPersona', { interactive: false, ...args });
  assert.ok(typeof id === 'string', 'the ask command returns the new job id');
  return id;
}

/** Whether a document showing the job's result is open in the window. */
function resultOpen(jobId: string): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.scheme === JOB_SCHEME && d.uri.query === jobId);
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('newcomer fixes in VS Code', function () {
  this.timeout(90_000);

  before(async () => {
    await vscode.workspace.getConfiguration('agentOsPersonas').update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('agentOsPersonas').update('results.openOnCompletion', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** A job that ran and was cancelled: the state a person retries from. */
  async function cancelledJob(task: string): Promise<string> {
    const { services } = await api();
    const id = await ask({ persona: 'engineer', task, context: 'File: src/a.ts (file, lines 1-1)\n1| export const a = 1;' });
    await waitForPhase(services, id, 'generating');
    assert.equal(await vscode.commands.executeCommand<string>('agentOsPersonas.cancelJob', id), 'cancelled');
    await waitForJob(services, id, ['cancelled']);
    return id;
  }

  it('follows a retried job as a new one: its result opens when it completes', async () => {
    const personas = await api();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const id = await cancelledJob('Retry me [[demo:slow]]');
    assert.equal(resultOpen(id), false, 'a job asked with interactive: false opens nothing');
    assert.equal(await vscode.commands.executeCommand<string>('agentOsPersonas.retryJob', id), 'queued');
    const final = await waitForJob(personas.services, id, ['completed', 'failed']);
    assert.equal(final.status, 'completed', final.error?.message);
    await waitFor(() => resultOpen(id), { timeoutMs: 15_000, message: 'the retried job\'s result never opened' });
    await waitFor(() => !personas.followedJobs().includes(id), { timeoutMs: 15_000, message: 'the ended job stayed in the followed list' });
  });

  it('records a retried job while it runs; leaves the result closed when "results.openOnCompletion" is off; does not follow a caller\'s non-interactive retry', async () => {
    const personas = await api();
    await vscode.workspace.getConfiguration('agentOsPersonas').update('results.openOnCompletion', false, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const quiet = await cancelledJob('Retry me quietly [[demo:slow]]');
    assert.equal(await vscode.commands.executeCommand<string>('agentOsPersonas.retryJob', { jobId: quiet, interactive: false }), 'queued');
    assert.ok(!personas.followedJobs().includes(quiet), 'a caller that shows progress itself gets no notification');
    const id = await cancelledJob('Retry me, result closed [[demo:slow]]');
    assert.ok(!personas.followedJobs().includes(id), 'a job asked with interactive: false is not followed');
    await vscode.commands.executeCommand('agentOsPersonas.retryJob', id);
    assert.ok(personas.followedJobs().includes(id), 'a person\'s retry is followed while it runs (and again after a reload)');
    await waitForJob(personas.services, id, ['completed']);
    await waitFor(() => !personas.followedJobs().includes(id), { timeoutMs: 15_000, message: 'the ended job stayed in the followed list' });
    await waitForJob(personas.services, quiet, ['completed']);
    assert.equal(resultOpen(id), false, 'the setting is off: the result stays closed');
    assert.equal(resultOpen(quiet), false);
    await vscode.workspace.getConfiguration('agentOsPersonas').update('results.openOnCompletion', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('never follows a job an agent started (the path MCP and the CLI take)', async () => {
    const personas = await api();
    const job = await personas.services.jobs.ask({ persona: 'qa', task: 'From an agent', context: { text: 'x' } });
    assert.ok(!personas.followedJobs().includes(job.id));
    await waitForJob(personas.services, job.id, ['completed']);
    assert.ok(!personas.followedJobs().includes(job.id));
  });

  it('opens a running panel\'s row on its personas, each with its state; the row reads task first', async () => {
    const personas = await api();
    const id = await vscode.commands.executeCommand<string>('agentOsPersonas.askPanel', {
      personas: ['architect', 'engineer', 'security'],
      task: 'Review the runner before merge [[demo:slow]]',
      context: 'File: src/run.ts (file, lines 1-1)\n1| eval(input);',
      interactive: false,
    });
    const tree = personas.jobTree;
    const top = await waitFor(async () => ((await tree.getChildren()) ?? []).find((e): e is JobSummary => 'persona' in e && e.id === id), { timeoutMs: 15_000, message: 'the panel row never showed' });
    const item = await tree.getTreeItem(top);
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'a running panel opens on its personas');
    assert.equal(labelOf(item), 'Review the runner before merge', 'the task first, without the demo marker');
    assert.match(String(item.description), /^panel · running/);
    const children = ((await tree.getChildren(top)) ?? []);
    const rows = await Promise.all(children.map(async (c) => tree.getTreeItem(c)));
    assert.deepEqual(rows.map(labelOf), ['architect', 'engineer', 'security']);
    for (const row of rows) assert.match(String(row.description), /^(queued|initializing|analyzing|searching|generating|running)/, `a persona shows its state: ${String(row.description)}`);
    assert.doesNotMatch(JSON.stringify(rows.map((r) => (r.tooltip as vscode.MarkdownString).value)), /\[\[demo:/);
    assert.equal(await vscode.commands.executeCommand<string>('agentOsPersonas.cancelJob', id), 'cancelled');
    await waitForJob(personas.services, id, ['cancelled']);
    const ended = await waitFor(async () => {
      const now = await tree.getTreeItem(top);
      return now.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed ? now : undefined;
    }, { timeoutMs: 15_000, message: 'the ended panel never folded' });
    assert.match(String(ended.description), /^panel · cancelled/);
  });

  it('takes the "active file" from a file editor, never from a job\'s result or the Output panel', async () => {
    const personas = await api();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const done = await ask({ persona: 'architect', task: 'A result to have open', context: 'File: src/b.ts (file, lines 1-1)\n1| export const b = 2;' });
    await waitForJob(personas.services, done, ['completed']);
    // Only the result is open, rendered (its document has its own scheme, as the Output channel has `output:`): nothing to review.
    await openResultPreview(done);
    assert.notEqual(vscode.window.activeTextEditor?.document.uri.scheme, 'file');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.askPersona', { persona: 'qa', task: 'Review the open file', contextSource: 'file', interactive: false })),
      /no file open in an editor/i,
    );
    const auto = await ask({ persona: 'qa', task: 'Review what is open', contextSource: 'auto' });
    assert.doesNotMatch(personas.services.store.require(auto).context, /Architect review/, 'the result is not sent as the file to review');
    // A workspace file beside it is what "the active file" means, even while the result has focus.
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    assert.ok(folder);
    const file = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'src', 'payments.ts'));
    await vscode.window.showTextDocument(file, { viewColumn: vscode.ViewColumn.One });
    await vscode.window.showTextDocument((await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: JOB_SCHEME, path: `/architect-${done.slice(0, 8)}.md`, query: done }))), { viewColumn: vscode.ViewColumn.Two });
    assert.equal(vscode.window.activeTextEditor?.document.uri.scheme, JOB_SCHEME);
    const fromFile = await ask({ persona: 'qa', task: 'Review the open file', contextSource: 'file' });
    assert.match(personas.services.store.require(fromFile).context, /File: src\/payments\.ts/);
    await waitForJob(personas.services, fromFile, ['completed']);
    await waitForJob(personas.services, auto, ['completed']);
  });
});
