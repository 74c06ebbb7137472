import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GUIDE_FILE, GUIDE_STATE_FILE, guideMessage, installPersonaGuide, installShippedGuide, shippedGuide } from '../../src/guides/guideInstaller';
import { REPO_ROOT, useTempDir } from './tempDir';

const V1 = '# Persona guide\n\nVersion one.\n';
const V2 = '# Persona guide\n\nVersion two, with more in it.\n';
const V3 = '# Persona guide\n\nVersion three.\n';

describe('the persona guide installed into a workspace (.agent-os/persona-guide.md)', () => {
  const tmp = useTempDir();
  const guide = (): string => join(tmp.path, '.agent-os', GUIDE_FILE);
  const install = (text: string, version: string): ReturnType<typeof installPersonaGuide> => installPersonaGuide({ workspaceRoot: tmp.path, text, version });

  it('a fresh workspace gets the guide, readable by this user only, and a record of what was written', () => {
    assert.deepEqual(install(V1, '1.0.0'), { kind: 'installed', version: '1.0.0' });
    assert.equal(readFileSync(guide(), 'utf8'), V1);
    if (process.platform !== 'win32') assert.equal(statSync(guide()).mode & 0o777, 0o600);
    assert.ok(existsSync(join(tmp.path, '.agent-os', GUIDE_STATE_FILE)));
  });

  it('the same version leaves the file untouched (not rewritten)', () => {
    install(V1, '1.0.0');
    const before = statSync(guide());
    assert.deepEqual(install(V1, '1.0.0'), { kind: 'current', version: '1.0.0' });
    const after = statSync(guide());
    assert.equal(after.ino, before.ino, 'no new file was renamed into place');
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.equal(guideMessage({ kind: 'current', version: '1.0.0' }), undefined, 'nothing to tell');
  });

  it('a new version replaces a guide the user did not edit', () => {
    install(V1, '1.0.0');
    assert.deepEqual(install(V2, '2.0.0'), { kind: 'updated', version: '2.0.0' });
    assert.equal(readFileSync(guide(), 'utf8'), V2);
    assert.deepEqual(install(V2, '2.0.0'), { kind: 'current', version: '2.0.0' });
  });

  it('a new version never overwrites an edited guide, and says so once per version', () => {
    install(V1, '1.0.0');
    const edited = `${V1}\nOur team's notes: ask security before touching auth.\n`;
    writeFileSync(guide(), edited);
    assert.deepEqual(install(V1, '1.0.0'), { kind: 'kept', version: '1.0.0' }, 'no new guide: nothing to tell');
    assert.deepEqual(install(V2, '2.0.0'), { kind: 'edited', version: '2.0.0' });
    assert.equal(readFileSync(guide(), 'utf8'), edited);
    assert.deepEqual(install(V2, '2.0.0'), { kind: 'kept', version: '2.0.0' }, 'told once');
    assert.deepEqual(install(V2, '2.0.0'), { kind: 'kept', version: '2.0.0' });
    assert.equal(readFileSync(guide(), 'utf8'), edited);
    assert.deepEqual(install(V3, '3.0.0'), { kind: 'edited', version: '3.0.0' }, 'a later version tells again');
    assert.equal(readFileSync(guide(), 'utf8'), edited);
    const message = guideMessage({ kind: 'edited', version: '2.0.0' }) ?? '';
    assert.match(message, /\.agent-os\/persona-guide\.md has your edits.*version 2\.0\.0.*delete the file/);
    assert.ok(!message.includes(tmp.path), 'the message names no absolute path');
  });

  it('a file there that was never ours (no record) is kept as the user\'s', () => {
    mkdirSync(join(tmp.path, '.agent-os'));
    writeFileSync(guide(), 'my own notes\n');
    assert.equal(install(V1, '1.0.0').kind, 'edited');
    assert.equal(readFileSync(guide(), 'utf8'), 'my own notes\n');
  });

  it('a symbolic link at the guide\'s path is refused, and the file it points to is untouched', () => {
    const outside = mkdtempSync(join(tmpdir(), 'agent-os-outside-'));
    try {
      const target = join(outside, 'victim.txt');
      writeFileSync(target, 'not yours\n');
      mkdirSync(join(tmp.path, '.agent-os'));
      symlinkSync(target, guide());
      const outcome = install(V1, '1.0.0');
      assert.deepEqual(outcome, { kind: 'refused', version: '1.0.0', reason: 'it is a symbolic link' });
      assert.equal(readFileSync(target, 'utf8'), 'not yours\n');
      assert.ok(lstatSync(guide()).isSymbolicLink(), 'the link is left as it was');
      const message = guideMessage(outcome) ?? '';
      assert.equal(message, '.agent-os/persona-guide.md was not written: it is a symbolic link.');
      assert.ok(!message.includes(outside));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a symbolic link in place of .agent-os is refused, and nothing is written through it', () => {
    const outside = mkdtempSync(join(tmpdir(), 'agent-os-outside-'));
    try {
      symlinkSync(outside, join(tmp.path, '.agent-os'));
      assert.deepEqual(install(V1, '1.0.0'), { kind: 'refused', version: '1.0.0', reason: '.agent-os is a symbolic link' });
      assert.ok(!existsSync(join(outside, GUIDE_FILE)));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('the shipped guide is read from dist/ beside package.json, and a package without it installs nothing', () => {
    const pkg = join(tmp.path, 'pkg');
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ version: '4.5.6' }));
    const workspace = join(tmp.path, 'ws');
    mkdirSync(workspace);
    assert.equal(installShippedGuide(pkg, workspace), undefined);
    writeFileSync(join(pkg, 'dist', GUIDE_FILE), V2);
    assert.deepEqual(shippedGuide(pkg), { text: V2, version: '4.5.6' });
    assert.deepEqual(installShippedGuide(pkg, workspace), { kind: 'installed', version: '4.5.6' });
    assert.equal(readFileSync(join(workspace, '.agent-os', GUIDE_FILE), 'utf8'), V2);
  });

  it('the build ships the guide (esbuild.mjs copies docs/persona-guide.md into dist/)', () => {
    const shipped = shippedGuide(REPO_ROOT);
    assert.ok(shipped, 'dist/persona-guide.md exists after npm run build');
    assert.match(shipped.text, /^# Persona guide/);
  });
});
