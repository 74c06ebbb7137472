// The Findings view, Clear and Export inside the real VS Code extension host, after real reviews
// by the demo model; and a result opening rendered, with its path:line citations as links.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PersonasApi } from '../../src/ui/personasExtension';
import type { FindingsViewSnapshot } from '../../src/ui/findings/findingsView';
import { waitFor } from '../harness/waitFor';
import { waitForJob } from './jobWaits';
import { openResultPreview } from './resultPreview';

const EXTENSION_ID = 'agent-os.agent-os-personas';

async function api(): Promise<PersonasApi> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  const personas = extension.isActive ? extension.exports : await extension.activate();
  await personas.ready;
  return personas;
}

/** A review of workspace files by the demo model, waited to completion and to its findings being shown. */
async function review(personas: PersonasApi, persona: string, args: { files?: string[]; context?: string }): Promise<string> {
  const id = await vscode.commands.executeCommand<string | undefined>('agentOsPersonas.askPersona', {
    persona,
    task: `Review for the Findings view (${persona})`,
    ...(args.files ? { contextSource: 'files', files: args.files } : { context: args.context }),
    interactive: false,
  });
  assert.ok(typeof id === 'string');
  assert.ok(personas.services);
  const job = await waitForJob(personas.services, id, ['completed', 'failed', 'cancelled'], 60_000);
  assert.equal(job.status, 'completed', job.error?.message);
  await waitFor(() => personas.findings.current().some((f) => f.jobId === id), { timeoutMs: 15_000, message: `the findings of ${persona}'s review never reached the editor` });
  return id;
}

const show = async (): Promise<FindingsViewSnapshot> => {
  const snapshot = await vscode.commands.executeCommand<FindingsViewSnapshot>('agentOsPersonas.showFindings');
  assert.ok(snapshot, 'Show Findings returns what the view shows');
  return snapshot;
};

const ourDiagnostics = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics().flatMap(([, ds]) => ds.filter((d) => (d.source ?? '').startsWith('Personas:')));

describe('Findings view, Export as SARIF, and results opened rendered', function () {
  this.timeout(120_000);
  let securityJob = '';

  before(async () => {
    await vscode.workspace.getConfiguration('agentOsPersonas').update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
    const personas = await api();
    // Start from an empty view whatever ran before in this window.
    await vscode.commands.executeCommand('agentOsPersonas.clearFindings');
    securityJob = await review(personas, 'security', { files: ['src/payments.ts'] });
    await review(personas, 'engineer', { files: ['src/payments.ts'] });
    // A review citing a file the workspace does not have: counted, listed apart, never a diagnostic.
    await review(personas, 'security', { context: 'File: src/vanished.ts (file, lines 1-1)\n1| const token = "tok_live_0123456789";' });
  });

  it('shows the findings grouped by file, then by severity, with counts; a row opens its file at its line', async () => {
    const personas = await api();
    const byFile = await show();
    assert.equal(byFile.groupedBy, 'file');
    assert.equal(byFile.count, personas.findings.current().length);
    const payments = byFile.groups.find((g) => g.label === 'src/payments.ts');
    assert.ok(payments, `a group for src/payments.ts among ${byFile.groups.map((g) => g.label).join(', ')}`);
    assert.match(payments.description, /^\d+ findings · 1 critical/);
    const credential = payments.rows.find((r) => r.label === 'Hard-coded credential');
    assert.equal(credential?.description, 'line 4 · security');
    assert.ok(payments.rows.some((r) => r.label === 'Error swallowed' && r.description === 'line 14 · engineer'), JSON.stringify(payments.rows));
    const apart = byFile.groups.at(-1);
    assert.equal(apart?.label, 'Not in the workspace');
    assert.deepEqual(apart.rows.map((r) => r.description), ['src/vanished.ts:1 · security']);
    assert.match(byFile.message ?? '', /^1 finding cites no file, or a file or line the workspace does not have/);

    await vscode.commands.executeCommand('agentOsPersonas.findingsGroupBySeverity');
    const bySeverity = await show();
    assert.equal(bySeverity.groupedBy, 'severity');
    assert.deepEqual(bySeverity.groups.map((g) => g.label).slice(0, 2), ['Critical', 'High']);
    const critical = bySeverity.groups[0]!.rows.find((r) => r.label === 'Hard-coded credential');
    assert.equal(critical?.description, 'src/payments.ts:4 · security');
    await vscode.commands.executeCommand('agentOsPersonas.findingsGroupByFile');
    assert.equal((await show()).groupedBy, 'file');

    const open = credential?.command;
    assert.ok(open?.arguments);
    await vscode.commands.executeCommand(open.command, ...(open.arguments as unknown[]));
    const editor = await waitFor(() => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.path.endsWith('/src/payments.ts') ? e : undefined;
    }, { timeoutMs: 10_000, message: 'the row did not open src/payments.ts' });
    assert.equal(editor.selection.active.line, 3, 'at line 4');
  });

  it('exports the findings shown as SARIF 2.1.0, one run per persona, with their fingerprints and places', async () => {
    const personas = await api();
    const [folder] = vscode.workspace.workspaceFolders ?? [];
    assert.ok(folder);
    const target = vscode.Uri.joinPath(folder.uri, 'exported-findings.sarif');
    const written = await vscode.commands.executeCommand<string>('agentOsPersonas.exportFindingsSarif', { uri: target });
    assert.equal(written, target.toString());
    const sarif = JSON.parse(readFileSync(join(folder.uri.fsPath, 'exported-findings.sarif'), 'utf8')) as {
      version: string;
      runs: { tool: { driver: { name: string } }; results: { ruleId: string; partialFingerprints: Record<string, string>; locations?: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(sarif.runs.map((r) => r.tool.driver.name).sort(), ['Agent OS Personas: engineer', 'Agent OS Personas: security']);
    const results = sarif.runs.flatMap((r) => r.results);
    assert.equal(results.length, personas.findings.current().length, 'every finding shown, no more');
    const credential = personas.findings.current().find((f) => f.title === 'Hard-coded credential' && f.file === 'src/payments.ts');
    assert.ok(credential);
    const result = results.find((r) => r.partialFingerprints['agentOsPersonas/v1'] === credential.fingerprint);
    assert.ok(result, 'the credential finding is exported under its fingerprint');
    assert.match(result.ruleId, /^security\//);
    // Repository-relative: the test workspace may sit inside a repository (this one's test-output/).
    let prefix = '';
    try {
      prefix = execFileSync('git', ['rev-parse', '--show-prefix'], { cwd: folder.uri.fsPath, encoding: 'utf8' }).trim();
    } catch {
      prefix = ''; // Not in a repository: uris are workspace-relative.
    }
    assert.equal(result.locations?.[0]?.physicalLocation.artifactLocation.uri, `${prefix}src/payments.ts`);
    assert.equal(result.locations?.[0]?.physicalLocation.region.startLine, 4);
  });

  it('opens a result rendered in the markdown preview; each path:line is a link to the file at that line', async () => {
    const text = await openResultPreview(securityJob);
    assert.match(text, /\[src\/payments\.ts:4\]\(\/src\/payments\.ts#L4\)/, 'the citation is a root-relative link with its line');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.query === securityJob);
    assert.ok(doc);
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
    const toLine4 = links.find((l) => l.target?.path.endsWith('/src/payments.ts') && l.target.fragment === 'L4');
    assert.ok(toLine4, `a link to src/payments.ts at line 4 among ${links.map((l) => l.target?.toString()).join(', ')}`);
    assert.equal(doc.getText(toLine4.range), '[src/payments.ts:4](/src/payments.ts#L4)');
  });

  it('Clear Findings empties the view, the model and the Problems panel; a later review shows its own', async () => {
    const personas = await api();
    assert.ok(personas.findings.current().length > 0);
    await vscode.commands.executeCommand('agentOsPersonas.clearFindings');
    assert.deepEqual(personas.findings.current(), []);
    const cleared = await show();
    assert.deepEqual(cleared.groups, []);
    assert.equal(cleared.count, 0);
    await waitFor(() => ourDiagnostics().length === 0, { timeoutMs: 10_000, message: 'the Problems panel still shows findings after Clear' });
    const later = await review(personas, 'security', { files: ['src/payments.ts'] });
    assert.ok((await show()).groups.some((g) => g.label === 'src/payments.ts'));
    assert.ok(personas.findings.current().every((f) => f.jobId === later), 'only the later review\'s findings');
  });
});
