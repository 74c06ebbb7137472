import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { parsePersonaFile } from '../../src/personas/personaFile';
import { PersonaRegistry, type PersonaRegistryChange } from '../../src/personas/personaRegistry';
import { personaSources } from '../../src/personas/personaSources';
import { REPO_ROOT, useTempDir } from './tempDir';

function write(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

const ours = (name: string, description: string): string => `---\nname: ${name}\ndescription: ${description}\n---\nYou are ${name}.\n`;

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
    assert.equal(architect.format, 'agent-os');
    assert.deepEqual(architect.notes, []);
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

  it('applies precedence across all four sources: shipped < .agent-os < .claude < .github', () => {
    const ext = join(tmp.path, 'ext');
    const ws = join(tmp.path, 'ws');
    for (const id of ['a', 'b', 'c', 'd']) write(join(ext, 'personas', `${id}.md`), ours(id, 'shipped'));
    write(join(ws, '.agent-os', 'personas', 'b.md'), ours('b', 'agent-os'));
    write(join(ws, '.agent-os', 'personas', 'c.md'), ours('c', 'agent-os'));
    write(join(ws, '.agent-os', 'personas', 'd.md'), ours('d', 'agent-os'));
    write(join(ws, '.claude', 'agents', 'c.md'), ours('c', 'claude'));
    write(join(ws, '.claude', 'agents', 'any-file-name.md'), ours('d', 'claude'));
    write(join(ws, '.github', 'agents', 'd.agent.md'), '---\ndescription: copilot\n---\nYou are d.\n');
    write(join(ws, '.github', 'agents', 'README.md'), '# not an agent: only *.agent.md files are read\n');
    const registry = new PersonaRegistry(personaSources(ext, ws));
    assert.deepEqual(registry.problems, []);
    assert.deepEqual(registry.list().map((p) => [p.id, p.description, p.format]), [
      ['a', 'shipped', 'agent-os'],
      ['b', 'agent-os', 'agent-os'],
      ['c', 'claude', 'claude'],
      ['d', 'copilot', 'copilot'],
    ]);
    assert.equal(registry.require('d').source, join(ws, '.github', 'agents', 'd.agent.md'));
  });

  it('reports a broken file in each workspace source with its file and line; the shipped persona stays', () => {
    const ext = join(tmp.path, 'ext');
    const ws = join(tmp.path, 'ws');
    write(join(ext, 'personas', 'qa.md'), ours('qa', 'shipped'));
    const files = {
      ours: join(ws, '.agent-os', 'personas', 'qa.md'),
      claude: join(ws, '.claude', 'agents', 'qa.md'),
      copilot: join(ws, '.github', 'agents', 'qa.agent.md'),
    };
    write(files.ours, '---\nname: qa\ndescription: [oops\n---\nx\n');
    write(files.claude, '---\nname: qa\n---\nx\n');
    write(files.copilot, '---\ndescription: d\nname: Q A\n---\nx\n');
    const registry = new PersonaRegistry(personaSources(ext, ws));
    assert.equal(registry.require('qa').description, 'shipped');
    const byFile = new Map(registry.problems.map((p) => [p.file, p]));
    assert.equal(byFile.get(files.ours)?.line, 3);
    assert.equal(byFile.get(files.claude)?.line, 2);
    assert.match(byFile.get(files.claude)?.message ?? '', /"description"/);
    assert.equal(byFile.get(files.copilot)?.line, 3);
    assert.match(byFile.get(files.copilot)?.message ?? '', /not a usable persona id/);
  });

  it('reports two files of one folder that claim the same id, and keeps the first', () => {
    const ws = join(tmp.path, 'ws');
    write(join(ws, '.claude', 'agents', 'a.md'), ours('twin', 'first'));
    write(join(ws, '.claude', 'agents', 'b.md'), ours('twin', 'second'));
    const registry = new PersonaRegistry(personaSources(join(tmp.path, 'none'), ws));
    assert.equal(registry.require('twin').description, 'first');
    assert.equal(registry.problems.length, 1);
    assert.match(registry.problems[0]!.message, /already defined by .*a\.md/);
    assert.ok(registry.problems[0]!.file.endsWith('b.md'));
  });

  it('reload picks up an added, a changed and a deleted file, and emits one change each', () => {
    const ws = join(tmp.path, 'ws');
    const file = join(ws, '.claude', 'agents', 'reviewer-x.md');
    const registry = new PersonaRegistry(personaSources(join(tmp.path, 'none'), ws));
    const changes: PersonaRegistryChange[] = [];
    registry.onDidChange((c) => changes.push(c));
    assert.equal(registry.reload(), undefined, 'nothing changed, nothing emitted');

    write(file, ours('reviewer-x', 'first'));
    registry.reload();
    assert.deepEqual(changes.at(-1)?.added, ['reviewer-x']);
    assert.equal(registry.require('reviewer-x').description, 'first');

    write(file, ours('reviewer-x', 'second'));
    registry.reload();
    assert.deepEqual(changes.at(-1)?.changed, ['reviewer-x']);
    assert.equal(registry.require('reviewer-x').description, 'second');

    write(file, '---\nname: reviewer-x\ndescription: [\n---\nx\n');
    registry.reload();
    assert.deepEqual(changes.at(-1)?.removed, ['reviewer-x']);
    assert.deepEqual(changes.at(-1)?.problems.map((p) => [p.file, p.line]), [[file, 3]]);

    rmSync(file);
    registry.reload();
    assert.deepEqual(changes.at(-1)?.problems, [], 'the problem goes with the file');
    assert.equal(registry.get('reviewer-x'), undefined);
    assert.equal(changes.length, 4);
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
