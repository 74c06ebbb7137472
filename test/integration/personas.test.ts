// The walking skeleton inside the real VS Code extension host: commands, tree, and jobs that
// run on worker threads against the built-in demo model over loopback HTTP.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PersonasApi } from '../../src/ui/personasExtension';
import type { Job } from '../../src/jobs/types';
import { waitForJob, waitForPhase } from './jobWaits';
import { openResultPreview } from './resultPreview';

const EXTENSION_ID = 'agent-os.agent-os-personas';

async function api(): Promise<PersonasApi> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  const personas = extension.isActive ? extension.exports : await extension.activate();
  await personas.ready;
  return personas;
}

async function ask(args: { persona: string; task: string; context?: string }): Promise<string> {
  const id = await vscode.commands.executeCommand<string | undefined>('agentOsPersonas.askPersona', { ...args, interactive: false });
  assert.ok(typeof id === 'string', 'the ask command returns the new job id');
  return id;
}

describe('Agent OS Personas in VS Code', function () {
  this.timeout(60_000);

  before(async () => {
    // The demo model whatever keys the machine has: these tests must not reach a real service.
    await vscode.workspace.getConfiguration('agentOsPersonas').update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
  });

  it('activates and registers its commands and the Persona Jobs tree', async () => {
    const personas = await api();
    assert.ok(personas.services, 'services start when a folder is open');
    assert.ok(personas.activationMs > 0 && personas.readyMs >= personas.activationMs);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['agentOsPersonas.askPersona', 'agentOsPersonas.setApiKey', 'agentOsPersonas.cancelJob', 'agentOsPersonas.retryJob', 'agentOsPersonas.openJobResult']) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { views: Record<string, { id: string; name: string }[]> } };
    assert.deepEqual(manifest.contributes.views['agentOsPersonas']?.map((v) => v.name), ['Persona Jobs', 'Standards', 'Findings']);
    // Revealing the container proves the view is registered with the workbench.
    await vscode.commands.executeCommand('workbench.view.extension.agentOsPersonas');
    await vscode.commands.executeCommand('agentOsPersonas.jobs.focus');
  });

  it('runs the ask command to a completed job with the demo model\'s review', async () => {
    const { services } = await api();
    assert.ok(services);
    const id = await ask({ persona: 'architect', task: 'Review the order module', context: 'File: src/orders.ts (file, lines 1-1)\n1| const repo = new OrderRepository();' });
    const job: Job = await waitForJob(services, id, ['completed', 'failed', 'cancelled']);
    assert.equal(job.status, 'completed', job.error?.message);
    assert.equal(job.modelLabel, 'demo model');
    assert.match(job.result ?? '', /# Architect review/);
    assert.match(job.result ?? '', /demo model/);
    assert.match(job.result ?? '', /src\/orders\.ts:1/);
    // The result opens rendered; its document is markdown, the citation a link to the file's line.
    const text = await openResultPreview(id);
    assert.match(text, /# Architect review/);
    assert.match(text, /\[src\/orders\.ts:1\]\(\/src\/orders\.ts#L1\)/);
  });

  it('cancels a job mid-stream, and Retry Job runs it again to completion', async () => {
    const { services } = await api();
    assert.ok(services);
    const id = await ask({ persona: 'engineer', task: 'Review slowly [[demo:slow]]' });
    await waitForPhase(services, id, 'generating');
    const status = await vscode.commands.executeCommand<string>('agentOsPersonas.cancelJob', id);
    assert.equal(status, 'cancelled');
    const job = await waitForJob(services, id, ['cancelled', 'completed', 'failed']);
    assert.equal(job.status, 'cancelled');
    assert.equal(job.result, null);
    assert.equal(await vscode.commands.executeCommand<string>('agentOsPersonas.retryJob', id), 'queued');
    const again = await waitForJob(services, id, ['completed', 'failed']);
    assert.equal(again.status, 'completed', again.error?.message);
    assert.equal(again.attempt, 2);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.retryJob', id)), /only a failed or cancelled job can be retried/);
  });

  it('retries a 529 from the model and completes', async () => {
    const { services } = await api();
    assert.ok(services);
    const id = await ask({ persona: 'engineer', task: 'Overloaded once [[demo:529x1]]' });
    const job = await waitForJob(services, id, ['completed', 'failed', 'cancelled']);
    assert.equal(job.status, 'completed', job.error?.message);
  });

  it('fails a 400 with its code and a hint', async () => {
    const { services } = await api();
    assert.ok(services);
    const id = await ask({ persona: 'engineer', task: 'Bad request [[demo:400]]' });
    const job = await waitForJob(services, id, ['completed', 'failed', 'cancelled']);
    assert.equal(job.status, 'failed');
    assert.equal(job.error?.code, 'MODEL_BAD_REQUEST');
    assert.ok((job.error?.hint ?? '').length > 10, 'the failure carries a hint');
  });

  it('refuses an empty task and an unknown persona without creating a job', async () => {
    const { services } = await api();
    assert.ok(services);
    const before = services.store.list({ limit: 500 }).length;
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.askPersona', { persona: 'engineer', task: '  ', interactive: false })),
      /task cannot be empty/,
    );
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.askPersona', { persona: 'ghost', task: 'x', interactive: false })),
      /no persona "ghost"/i,
    );
    assert.equal(services.store.list({ limit: 500 }).length, before);
  });

  it('takes the working tree\'s git changes as context through the Git extension, numbered by working-tree line', async () => {
    const { services } = await api();
    assert.ok(services);
    const root = services.workspaceRoot;
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    writeFileSync(join(root, '.gitignore'), '.agent-os/\n.vscode/\n');
    git('add', '.');
    git('commit', '-qm', 'base');
    const orders = join(root, 'src', 'orders.ts');
    const lines = readFileSync(orders, 'utf8').split('\n');
    lines.splice(2, 0, 'const adminPassword = "letmein-please";');
    writeFileSync(orders, lines.join('\n'));
    const id = await vscode.commands.executeCommand<string>('agentOsPersonas.askPersona', { persona: 'security', task: 'Review my change', contextSource: 'diff', interactive: false });
    const job = await waitForJob(services, id, ['completed', 'failed', 'cancelled']);
    assert.equal(job.status, 'completed', job.error?.message);
    assert.match(job.context, /^File: src\/orders\.ts \(git diff against HEAD/);
    assert.match(job.context, /^3\| \+ const adminPassword = "letmein-please";$/m);
    assert.match(job.result ?? '', /`src\/orders\.ts:3`/, 'the review cites the changed line');
  });

  it('takes picked files as context, and refuses a path outside the workspace without creating a job', async () => {
    const { services } = await api();
    assert.ok(services);
    const id = await vscode.commands.executeCommand<string>('agentOsPersonas.askPersona', { persona: 'engineer', task: 'Review both', contextSource: 'files', files: ['src/orders.ts', 'src/payments.ts'], interactive: false });
    const job = services.store.require(id);
    assert.match(job.context, /^File: src\/orders\.ts \(file, lines 1-\d+\)/);
    assert.match(job.context, /^File: src\/payments\.ts \(file, lines 1-\d+\)/m);
    const before = services.store.list({ limit: 500 }).length;
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('agentOsPersonas.askPersona', { persona: 'engineer', task: 'x', contextSource: 'files', files: ['../../etc/passwd'], interactive: false })),
      /climbs out/,
    );
    assert.equal(services.store.list({ limit: 500 }).length, before);
    await waitForJob(services, id, ['completed', 'failed', 'cancelled']);
  });
});
