// The Standards view inside the real extension host: registered from the manifest, resolved
// by VS Code, and approving/rejecting through `receive`, the host path the webview's buttons take.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { PersonasApi } from '../../src/ui/personasExtension';
import type { PersonaServices } from '../../src/services';
import { whoApproves } from '../../src/standards/approver';
import { withTimeout } from '../harness/waitFor';
import { waitForJob } from './jobWaits';

const EXTENSION_ID = 'agent-os.agent-os-personas';
const BODY = '## Context\nIntegration.\n\n## Pattern\nThe line a person edits.\n\n## Examples\n`x`\n\n## Anti-Patterns\n`y`\n\n## When to Revisit\nNever.\n';

async function api(): Promise<PersonasApi & { services: PersonaServices }> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension);
  const personas = extension.isActive ? extension.exports : await extension.activate();
  await personas.ready;
  assert.ok(personas.services);
  return personas as PersonasApi & { services: PersonaServices };
}

function frontMatter(file: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(readFileSync(file, 'utf8'));
  assert.ok(match, `${file} starts with front matter`);
  return parse(match[1]!) as Record<string, unknown>;
}

describe('the Standards view in VS Code', function () {
  this.timeout(60_000);
  const run = Date.now().toString(36);

  before(async () => {
    await vscode.workspace.getConfiguration('agentOsPersonas').update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
  });

  it('is a webview view in the Personas container with its commands, and VS Code resolves it on Show Standards', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { views: Record<string, { id: string; type?: string }[]>; commands: { command: string; category: string }[] } };
    assert.deepEqual(manifest.contributes.views['agentOsPersonas']?.find((v) => v.id === 'agentOsPersonas.standards'), { type: 'webview', id: 'agentOsPersonas.standards', name: 'Standards', contextualTitle: 'Personas' });
    for (const id of ['agentOsPersonas.newStandard', 'agentOsPersonas.showStandards']) {
      assert.equal(manifest.contributes.commands.find((c) => c.command === id)?.category, 'Personas');
    }
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['agentOsPersonas.newStandard', 'agentOsPersonas.showStandards', 'agentOsPersonas.standards.focus']) assert.ok(commands.includes(id), `${id} is registered`);
    const personas = await api();
    const resolved = personas.standards.resolved ? Promise.resolve() : new Promise<void>((resolve) => personas.standards.onDidResolve(() => resolve()));
    await vscode.commands.executeCommand('agentOsPersonas.showStandards');
    await withTimeout(resolved, 15_000, 'VS Code never resolved the Standards view');
    assert.ok(personas.standards.resolved);
  });

  it('New Standard creates a pending proposal by "person" from the template; approving it through the webview path writes the edited file', async () => {
    const personas = await api();
    const before = personas.standards.pendingCount;
    const id = await vscode.commands.executeCommand<string>('agentOsPersonas.newStandard', { title: 'Integration approval', domain: 'testing', topic: `approve-${run}` });
    assert.ok(id);
    const proposal = personas.services.proposals.get(id)!;
    assert.equal(proposal.createdBy, 'person');
    assert.match(proposal.body, /## Context[\s\S]*## When to Revisit/);
    assert.equal(personas.standards.pendingCount, before + 1);

    const reply = await personas.standards.receive({ type: 'approve', id, title: 'Integration approval', domain: 'testing', topic: `approve-${run}`, body: BODY.replace('The line a person edits.', 'The line a person edited in VS Code.') });
    assert.equal(reply?.type, 'decided', JSON.stringify(reply));
    const file = join(personas.services.workspaceRoot, '.agent-os', 'standards', 'testing', `approve-${run}.md`);
    assert.match(readFileSync(file, 'utf8'), /The line a person edited in VS Code\./);
    const fm = frontMatter(file);
    assert.equal(fm['approved_by'], await whoApproves(personas.services.workspaceRoot));
    assert.equal(fm['created_by'], 'person');
    assert.equal(personas.services.proposals.get(id)?.status, 'approved');
    assert.equal(personas.standards.pendingCount, before);
    // Recent decisions open the approved file by the row's own path.
    await personas.standards.receive({ type: 'open', id });
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
  });

  it('ignores malformed messages and an approver claimed by the webview; nothing changes', async () => {
    const personas = await api();
    const id = await vscode.commands.executeCommand<string>('agentOsPersonas.newStandard', { title: 'Forged', domain: 'testing', topic: `forged-${run}`, body: BODY });
    for (const raw of [null, 'approve', { type: 'approve', id }, { type: 'approve', id, title: 'T', domain: 'testing', topic: `forged-${run}`, body: BODY, approvedBy: 'mallory' }, { type: 'delete', id }]) {
      assert.equal(await personas.standards.receive(raw), undefined, JSON.stringify(raw));
    }
    assert.equal(personas.services.proposals.get(id)?.status, 'pending');
    assert.ok(!existsSync(join(personas.services.workspaceRoot, '.agent-os', 'standards', 'testing', `forged-${run}.md`)));
  });

  it('an approval onto an existing file is refused and offers a free topic; a traversal topic is refused with its reason', async () => {
    const personas = await api();
    const id = await vscode.commands.executeCommand<string>('agentOsPersonas.newStandard', { title: 'Conflict', domain: 'testing', topic: `approve-${run}`, body: BODY });
    const conflict = await personas.standards.receive({ type: 'approve', id, title: 'Conflict', domain: 'testing', topic: `approve-${run}`, body: BODY });
    assert.equal(conflict?.type, 'failed');
    assert.ok(conflict?.type === 'failed');
    assert.equal(conflict.code, 'STANDARD_EXISTS');
    assert.equal(conflict.suggestedTopic, `approve-${run}-2`);
    const traversal = await personas.standards.receive({ type: 'approve', id, title: 'Conflict', domain: 'testing', topic: '../../escape', body: BODY });
    assert.ok(traversal?.type === 'failed');
    assert.equal(traversal.code, 'PATH_REFUSED');
    assert.match(traversal.message, /climbs out/);
    const second = await personas.standards.receive({ type: 'approve', id, title: 'Conflict', domain: 'testing', topic: conflict.suggestedTopic, body: BODY });
    assert.equal(second?.type, 'decided');
  });

  it('rejects with a reason through the webview path: the row is rejected and no file is written', async () => {
    const personas = await api();
    const id = await vscode.commands.executeCommand<string>('agentOsPersonas.newStandard', { title: 'To reject', domain: 'testing', topic: `reject-${run}`, body: BODY });
    const reply = await personas.standards.receive({ type: 'reject', id, reason: 'Covered by another standard.' });
    assert.equal(reply?.type, 'decided');
    const row = personas.services.proposals.get(id)!;
    assert.equal(row.status, 'rejected');
    assert.equal(row.reason, 'Covered by another standard.');
    assert.ok(!existsSync(join(personas.services.workspaceRoot, '.agent-os', 'standards', 'testing', `reject-${run}.md`)));
  });

  it('a persona job proposes a standard ([[demo:propose]]): it is pending in the view, by that persona, tied to the job', async () => {
    const personas = await api();
    const created = new Promise<string>((resolve) => {
      const off = personas.services.proposals.events.on('proposal:created', (p) => {
        off();
        resolve(p.id);
      });
    });
    const jobId = await vscode.commands.executeCommand<string>('agentOsPersonas.askPersona', { persona: 'qa', task: 'Review the tests [[demo:propose]]', contextSource: 'none', interactive: false });
    const proposalId = await withTimeout(created, 30_000, 'the job proposed nothing');
    const proposal = personas.services.proposals.get(proposalId)!;
    assert.equal(proposal.createdBy, 'qa');
    assert.equal(proposal.jobId, jobId);
    assert.equal(proposal.status, 'pending');
    const state = await personas.standards.receive({ type: 'ready' });
    assert.ok(state?.type === 'state');
    const shown = state.proposals.find((p) => p.id === proposalId);
    assert.ok(shown, 'the view lists it');
    assert.deepEqual(shown.missing, []);
    assert.match(shown.html, /<h2>Context<\/h2>/);
    await waitForJob(personas.services, jobId, ['completed', 'failed', 'cancelled']);
  });
});
