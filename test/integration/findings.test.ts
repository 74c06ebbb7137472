// Findings in the Problems panel, inside the real extension host: a review by the demo model
// puts its findings at the cited lines (severity mapped, source named); they follow an edit
// above them and drop when their line is deleted; Dismiss writes .agent-os/suppressions.json and
// takes the diagnostic away at once; a second review of the file does not raise it again; a
// finding on a missing file, or past a file's end, stays out of the panel.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StoredFinding, Suppression } from '../../src/findings/types';
import type { PersonaServices } from '../../src/services';
import type { PersonasApi } from '../../src/ui/personasExtension';
import { waitFor } from '../harness/waitFor';
import { waitForJob } from './jobWaits';

const EXTENSION_ID = 'agent-os.agent-os-personas';
const FILE = 'src/findingsFixture.ts';
const FIXTURE = [
  '// The findings integration test\'s file: a planted key and a plain-HTTP endpoint.',
  'export function billingClient(): { url: string; key: string } {',
  "  const url = 'http://billing.example.com/v2';",
  '  // TODO: rotate the key every quarter',
  '  const apiKey = "sk_live_findingsFixtureKey";',
  '  return { url, key: apiKey };',
  '}',
  '',
].join('\n');
const WAIT_MS = 20_000;

async function api(): Promise<PersonasApi> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  const personas = extension.isActive ? extension.exports : await extension.activate();
  await personas.ready;
  return personas;
}

/** Our diagnostics on a file: the ones whose source names a persona. */
function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source?.startsWith('Personas: '));
}

function titled(list: vscode.Diagnostic[], title: string): vscode.Diagnostic | undefined {
  return list.find((d) => d.message.includes(`] ${title}`));
}

/** Waits until the file's diagnostics pass `check` (which returns what is wrong, or undefined). */
async function diagnosticsWhen(uri: vscode.Uri, what: string, check: (list: vscode.Diagnostic[]) => string | undefined): Promise<void> {
  let wrong: string | undefined;
  try {
    await waitFor(() => (wrong = check(ours(uri))) === undefined, { timeoutMs: WAIT_MS, message: `${what}: never so`, intervalMs: 50 });
  } catch (err) {
    throw new Error(`${String(err)}; last: ${wrong ?? ''}; diagnostics now: ${JSON.stringify(ours(uri).map((d) => [d.range.start.line, d.message.slice(0, 60)]))}`);
  }
}

async function review(services: PersonaServices, persona: string, context: { files?: string[]; text?: string }): Promise<string> {
  const job = await services.jobs.ask({ persona, task: `Review for the findings test (${persona})`, context, source: 'api' });
  const done = await waitForJob(services, job.id, ['completed', 'failed', 'cancelled']);
  assert.equal(done.status, 'completed', done.error?.message);
  return job.id;
}

function rowOf(services: PersonaServices, jobId: string, title: string): StoredFinding {
  const row = services.findings.forJob(jobId).find((f) => f.title === title);
  assert.ok(row, `job ${jobId} has a "${title}" finding; it has ${JSON.stringify(services.findings.forJob(jobId).map((f) => f.title))}`);
  return row;
}

describe('findings in the Problems panel', function () {
  this.timeout(120_000);
  let personas: PersonasApi;
  let services: PersonaServices;
  let uri: vscode.Uri;
  let suppressionsFile: string;
  let suppressionsBefore: string | undefined;
  let credential: StoredFinding;

  before(async () => {
    await vscode.workspace.getConfiguration('agentOsPersonas').update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
    personas = await api();
    assert.ok(personas.services, 'a folder is open');
    services = personas.services;
    const path = join(services.workspaceRoot, ...FILE.split('/'));
    writeFileSync(path, FIXTURE);
    uri = vscode.Uri.file(path);
    suppressionsFile = join(services.workspaceRoot, '.agent-os', 'suppressions.json');
    suppressionsBefore = existsSync(suppressionsFile) ? readFileSync(suppressionsFile, 'utf8') : undefined;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    rmSync(uri.fsPath, { force: true });
    if (suppressionsBefore === undefined) rmSync(suppressionsFile, { force: true });
    else writeFileSync(suppressionsFile, suppressionsBefore);
    // The next test files start from an empty Problems panel.
    await personas.findings.clear();
  });

  it('shows a review\'s findings at the cited lines, severity mapped, the persona named, the fingerprint as code', async () => {
    const [security, engineer] = await Promise.all([review(services, 'security', { files: [FILE] }), review(services, 'engineer', { files: [FILE] })]);
    credential = rowOf(services, security, 'Hard-coded credential');
    const http = rowOf(services, security, 'Plain-HTTP endpoint');
    const todo = rowOf(services, engineer, 'Unfinished work left in the code');
    assert.deepEqual([credential.startLine, http.startLine, todo.startLine], [5, 3, 4], 'the rows cite the lines of the file');
    await diagnosticsWhen(uri, 'the three findings are in the Problems panel', (list) => (list.length === 3 ? undefined : `${list.length} diagnostics`));
    const list = ours(uri);
    const key = titled(list, 'Hard-coded credential');
    assert.ok(key);
    assert.equal(key.range.start.line, 4);
    assert.equal(key.range.start.character, 2, 'the squiggle starts at the code, not the indentation');
    assert.equal(key.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(key.source, 'Personas: security');
    assert.equal(key.code, credential.fingerprint);
    assert.match(key.message, /^\[CRITICAL\] Hard-coded credential — .*sk_live_findingsFixtureKey.* Recommendation: \S/);
    const plainHttp = titled(list, 'Plain-HTTP endpoint');
    assert.equal(plainHttp?.range.start.line, 2);
    assert.equal(plainHttp?.severity, vscode.DiagnosticSeverity.Warning);
    const note = titled(list, 'Unfinished work left in the code');
    assert.equal(note?.range.start.line, 3);
    assert.equal(note?.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(note?.source, 'Personas: engineer');
  });

  it('moves the findings with lines inserted above them, and drops one whose line is deleted', async () => {
    const editor = await vscode.window.showTextDocument(uri);
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// Two lines inserted above the findings.\nexport const total = eval(\'1 + 1\');\n')));
    await diagnosticsWhen(uri, 'the findings moved down two lines', (list) => {
      const at = [titled(list, 'Hard-coded credential'), titled(list, 'Plain-HTTP endpoint'), titled(list, 'Unfinished work left in the code')].map((d) => d?.range.start.line);
      return JSON.stringify(at) === '[6,4,5]' ? undefined : `lines ${JSON.stringify(at)}`;
    });
    // The http line (now line 4) goes.
    assert.ok(await editor.edit((e) => e.delete(new vscode.Range(4, 0, 5, 0))));
    await diagnosticsWhen(uri, 'the deleted line\'s finding is gone, the others follow', (list) => {
      const at = [titled(list, 'Hard-coded credential'), titled(list, 'Unfinished work left in the code')].map((d) => d?.range.start.line);
      if (titled(list, 'Plain-HTTP endpoint')) return 'the plain-HTTP finding is still shown';
      return JSON.stringify(at) === '[5,4]' ? undefined : `lines ${JSON.stringify(at)}`;
    });
    // VS Code gives up a save when another extension's will-save listener takes over 1.75 s (a
    // busy machine); the document stays dirty and a second save writes it.
    const document = editor.document;
    await waitFor(async () => (await document.save()) || !document.isDirty, { timeoutMs: 30_000, message: 'the edited file is saved for the next review' });
  });

  it('Dismiss writes the suppression and takes the diagnostic away at once; a second review does not raise it', async () => {
    const suppression = await vscode.commands.executeCommand<Suppression>('agentOsPersonas.dismissFinding', { fingerprint: credential.fingerprint }, 'false-positive', '  a fixture key, never deployed ');
    assert.equal(titled(ours(uri), 'Hard-coded credential'), undefined, 'gone when the command returns');
    assert.ok(titled(ours(uri), 'Unfinished work left in the code'), 'the other findings stay');
    const file = JSON.parse(readFileSync(suppressionsFile, 'utf8')) as { version: number; suppressions: Suppression[] };
    const entry = file.suppressions.find((s) => s.fingerprint === credential.fingerprint);
    assert.ok(entry, '.agent-os/suppressions.json holds the dismissal');
    assert.deepEqual({ persona: entry.persona, title: entry.title, file: entry.file, reason: entry.reason, note: entry.note }, { persona: 'security', title: 'Hard-coded credential', file: FILE, reason: 'false-positive', note: 'a fixture key, never deployed' });
    assert.equal(suppression.fingerprint, credential.fingerprint);
    assert.ok(!personas.findings.current().some((f) => f.fingerprint === credential.fingerprint), 'the model no longer shows it');

    const again = await review(services, 'security', { files: [FILE] });
    const raised = rowOf(services, again, 'Hard-coded credential');
    assert.equal(raised.fingerprint, credential.fingerprint, 'the second review raised the same finding (lines above it changed, its fingerprint did not)');
    assert.equal(raised.startLine, 6);
    // The eval line the first review never saw: once its diagnostic shows, the panel has the second review.
    await diagnosticsWhen(uri, 'the second review\'s new finding shows', (list) => (titled(list, 'Dynamic code execution')?.range.start.line === 1 ? undefined : 'no eval finding at line 1'));
    assert.equal(titled(ours(uri), 'Hard-coded credential'), undefined, 'the suppressed finding is not raised again');
  });

  it('keeps a finding on a missing file, or past a file\'s end, out of the Problems panel', async () => {
    const ghost = 'src/ghostOfAFile.ts';
    const context = [
      `File: ${ghost} (file, lines 1-1)`, '1| const apiKey = "sk_live_ghostKey12345";', '',
      `File: ${FILE} (selection, lines 900-900)`, "900| const endpoint = 'http://past.example.com/end';", '',
      'File: src/orders.ts (selection, lines 1-1)', '1| panel.innerHTML = note;',
    ].join('\n');
    const job = await review(services, 'security', { text: context });
    const rows = services.findings.forJob(job);
    const onGhost = rows.find((f) => f.file === ghost);
    const pastEnd = rows.find((f) => f.file === FILE && f.startLine === 900);
    const onOrders = rows.find((f) => f.file === 'src/orders.ts');
    assert.ok(onGhost && pastEnd && onOrders, `three findings in the review: ${JSON.stringify(rows.map((f) => `${f.file}:${f.startLine}`))}`);
    assert.equal(onGhost.anchored, false);
    assert.equal(pastEnd.anchored, false);
    assert.equal(onOrders.anchored, true);
    // The editor shows a review's findings in one pass: once the one on an existing line is there, the pass is done.
    const orders = vscode.Uri.file(join(services.workspaceRoot, 'src', 'orders.ts'));
    await diagnosticsWhen(orders, 'the finding on an existing line shows', (list) => (list.some((d) => d.code === onOrders.fingerprint) ? undefined : 'not yet'));
    const everywhere = vscode.languages.getDiagnostics().filter(([, list]) => list.some((d) => d.code === onGhost.fingerprint || d.code === pastEnd.fingerprint));
    assert.deepEqual(everywhere.map(([u]) => u.fsPath), [], 'no diagnostic for either');
    assert.ok(personas.findings.current().some((f) => f.fingerprint === onGhost.fingerprint), 'the editor\'s model has it (the Findings view counts it)');
    assert.deepEqual(vscode.languages.getDiagnostics(vscode.Uri.file(join(services.workspaceRoot, 'src', 'ghostOfAFile.ts'))), []);
    assert.equal(services.findings.present(job, 'apart').unanchored, 2, 'counted as findings that cite no line of the workspace');
  });

  it('Ask <persona> to explain starts a follow-up job with the finding as its context; Propose a standard leaves a pending proposal', async () => {
    const todo = personas.findings.current().find((f) => f.title === 'Unfinished work left in the code' && f.file === FILE);
    assert.ok(todo);
    const jobId = await vscode.commands.executeCommand<string>('agentOsPersonas.explainFinding', { fingerprint: todo.fingerprint });
    const job = services.store.require(jobId);
    assert.equal(job.persona, 'engineer');
    assert.equal(job.source, 'palette');
    assert.match(job.task, /^Explain your finding "Unfinished work left in the code" at src\/findingsFixture\.ts:\d+/);
    assert.match(job.context ?? '', /\[LOW\] Unfinished work left in the code/);
    assert.match(job.context ?? '', /TODO: rotate the key every quarter/, 'the cited code as it reads now goes along');
    assert.equal((await waitForJob(services, jobId, ['completed', 'failed', 'cancelled'])).status, 'completed');

    const proposalId = await vscode.commands.executeCommand<string>('agentOsPersonas.proposeStandardFromFinding', { fingerprint: todo.fingerprint });
    const proposal = services.proposals.get(proposalId);
    assert.ok(proposal);
    assert.equal(proposal.status, 'pending', 'proposed, never approved');
    assert.equal(proposal.title, 'Unfinished work left in the code');
    assert.equal(proposal.domain, 'engineer');
    assert.match(proposal.body, /## Pattern\n\nLink it to an issue or finish it before merging\./);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
