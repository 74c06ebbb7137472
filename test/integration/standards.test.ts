// Standards inside the real extension host: a standard written the way approval writes it
// (temp file + rename) reaches the index through VS Code's file system watcher, the Search
// Standards command finds it, an edit by hand is re-indexed, and a deleted domain folder
// takes its standards with it.
import * as assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StandardHit } from '../../src/personas/tools/types';
import type { StandardsChange, StandardsIndex } from '../../src/standards/standardsIndex';
import type { PersonasApi } from '../../src/ui/personasExtension';
import { deferred, withTimeout } from '../harness/waitFor';

const EXTENSION_ID = 'agent-os.agent-os-personas';
const CHANGE_TIMEOUT_MS = 15_000;

async function api(): Promise<PersonasApi> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  const personas = extension.isActive ? extension.exports : await extension.activate();
  await personas.ready;
  return personas;
}

/**
 * Subscribe first, then act: resolves once an index change for `path` leaves `check` true.
 * (Waiting for the next event of a kind is not enough: VS Code may still be delivering the
 * previous step's events, each of which re-reads the file.)
 */
function indexedWhen(index: StandardsIndex, path: string, what: string, check: () => Promise<boolean>): Promise<void> {
  const done = deferred<void>();
  const off = index.events.on('standards:changed', (c: StandardsChange) => {
    if (c.path === path) void check().then((ok) => ok && done.resolve(), (err: unknown) => done.reject(err));
  });
  return withTimeout(done.promise, CHANGE_TIMEOUT_MS, `${what}: no change to ${path} from the index's watcher made it so`).finally(off);
}

describe('standards in VS Code', function () {
  this.timeout(60_000);
  let index: StandardsIndex;
  let root: string;
  const rel = '.agent-os/standards/integration-x/approved-y.md';

  before(async () => {
    const personas = await api();
    assert.ok(personas.services, 'a folder is open');
    index = personas.services.standards;
    root = personas.services.workspaceRoot;
  });

  after(() => rmSync(join(root, '.agent-os', 'standards', 'integration-x'), { recursive: true, force: true }));

  const search = (query: string): Thenable<StandardHit[]> => vscode.commands.executeCommand<StandardHit[]>('agentOsPersonas.searchStandards', { query });

  it('indexes an approved file written by temp + rename, and Search Standards finds it', async () => {
    const dir = join(root, '.agent-os', 'standards', 'integration-x');
    mkdirSync(dir, { recursive: true });
    const added = indexedWhen(index, rel, 'the approved standard is found', async () => (await search('quokka photographed'))[0]?.path === rel);
    const t0 = performance.now();
    writeFileSync(join(dir, '.approved-y.tmp'), '---\ndomain: integration-x\ntopic: approved-y\ntitle: Quokka rule\ntags: [marsupial]\n---\n\n# Quokka rule\n\n## Pattern\n\nEvery quokka is photographed from the front.\n');
    renameSync(join(dir, '.approved-y.tmp'), join(dir, 'approved-y.md'));
    await added;
    const hits = await search('quokka photographed');
    // The figure inside the editor; the goal (< 1 s) is the bench's, not an assertion.
    console.log(`      approved file written → found by search inside VS Code: ${(performance.now() - t0).toFixed(1)} ms`);
    assert.equal(hits[0]?.path, rel);
    assert.equal(hits[0]?.heading, 'Pattern');
    assert.deepEqual(hits[0]?.tags, ['marsupial']);
    assert.equal(hits[0]?.line, 10);
  });

  it('re-indexes a hand edit, and drops the standards of a deleted folder', async () => {
    const edited = indexedWhen(index, rel, 'the hand edit is found', async () => (await search('wombat'))[0]?.path === rel);
    writeFileSync(join(root, ...rel.split('/')), '## Pattern\n\nEvery wombat is photographed from the side.\n');
    await edited;
    assert.deepEqual(await search('quokka'), []);
    const removed = indexedWhen(index, rel, 'the deleted folder\'s standard is gone', async () => (await search('wombat')).length === 0);
    rmSync(join(root, '.agent-os', 'standards', 'integration-x'), { recursive: true });
    await removed;
  });
});
