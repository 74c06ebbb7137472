import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { parsePersonaFile } from '../../src/personas/personaFile';
import { PersonaRegistry } from '../../src/personas/personaRegistry';
import { REPO_ROOT, useTempDir } from './tempDir';

describe('persona files and the registry', () => {
  const tmp = useTempDir();

  it('loads the shipped personas with their front matter', () => {
    const registry = new PersonaRegistry([join(REPO_ROOT, 'personas')]);
    assert.deepEqual(registry.problems, []);
    const ids = registry.list().map((p) => p.id);
    for (const id of ['architect', 'engineer', 'security']) assert.ok(ids.includes(id), `${id} is shipped`);
    const architect = registry.require('architect');
    assert.equal(architect.name, 'architect');
    assert.deepEqual(architect.tools, ['search_standards', 'read_file', 'list_files', 'grep', 'propose_standard']);
    assert.equal(architect.model, null, '"inherit" means the configured model');
    assert.match(architect.systemPrompt, /Architect/);
  });

  it('skips a file with broken front matter, naming file and line, and loads the others', () => {
    const dir = join(tmp.path, 'personas');
    mkdirSync(dir);
    writeFileSync(join(dir, 'good.md'), '---\nname: good\ndescription: fine\n---\nYou are good.\n');
    writeFileSync(join(dir, 'broken.md'), '---\nname: broken\ndescription: [unclosed\ntools: x\n---\nBody\n');
    writeFileSync(join(dir, 'nofence.md'), 'Just text\n');
    const registry = new PersonaRegistry([dir]);
    assert.deepEqual(registry.list().map((p) => p.id), ['good']);
    const broken = registry.problems.find((p) => p.file.endsWith('broken.md'));
    assert.ok(broken, 'broken.md is reported');
    assert.ok(broken.line >= 3 && broken.line <= 5, `line ${broken.line} points into the front matter`);
    assert.match(broken.message, /YAML/);
    const nofence = registry.problems.find((p) => p.file.endsWith('nofence.md'));
    assert.equal(nofence?.line, 1);
  });

  it('lets a later folder override an earlier one by id', () => {
    const shipped = join(tmp.path, 'a');
    const workspace = join(tmp.path, 'b');
    mkdirSync(shipped);
    mkdirSync(workspace);
    writeFileSync(join(shipped, 'qa.md'), '---\nname: qa\ndescription: shipped\n---\nShipped.\n');
    writeFileSync(join(workspace, 'qa.md'), '---\nname: qa\ndescription: mine\n---\nMine.\n');
    assert.equal(new PersonaRegistry([shipped, workspace]).require('qa').description, 'mine');
  });

  it('names the known ids when a persona does not exist', () => {
    const registry = new PersonaRegistry([join(REPO_ROOT, 'personas')]);
    assert.throws(() => registry.require('ghost'), (err: unknown) => err instanceof PersonaError && err.code === 'UNKNOWN_PERSONA' && /architect/.test(err.hint));
  });

  it('reads "specialty: true" as a specialist, a text specialty as given, and no specialty as core', () => {
    assert.equal(parsePersonaFile('---\nname: n\ndescription: d\nspecialty: true\n---\nx', 'f.md', 'f').specialty, 'specialist');
    assert.equal(parsePersonaFile('---\nname: n\ndescription: d\nspecialty: web performance\n---\nx', 'f.md', 'f').specialty, 'web performance');
    assert.equal(parsePersonaFile('---\nname: n\ndescription: d\nspecialty: false\n---\nx', 'f.md', 'f').specialty, null);
    assert.equal(parsePersonaFile('---\nname: n\ndescription: d\n---\nx', 'f.md', 'f').specialty, null);
  });

  it('requires name, description and a prompt body', () => {
    assert.throws(() => parsePersonaFile('---\ndescription: d\n---\nx', 'f.md', 'f'), /"name"/);
    assert.throws(() => parsePersonaFile('---\nname: n\n---\nx', 'f.md', 'f'), /"description"/);
    assert.throws(() => parsePersonaFile('---\nname: n\ndescription: d\n---\n   ', 'f.md', 'f'), /empty/);
  });
});
