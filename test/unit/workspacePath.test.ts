import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { resolveInWorkspace, resolveUnder } from '../../src/core/workspacePath';
import { useTempDir } from './tempDir';

const refused = (fn: () => unknown, why: RegExp): void => {
  assert.throws(fn, (err: unknown) => err instanceof PersonaError && err.code === 'PATH_REFUSED' && why.test(err.message) && err.hint.length > 0);
};

describe('the workspace path validator', () => {
  const tmp = useTempDir();
  let root: string;
  beforeEach(() => {
    root = join(tmp.path, 'ws');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(tmp.path, 'outside'));
    writeFileSync(join(tmp.path, 'outside', 'secret.txt'), 'secret');
    writeFileSync(join(root, 'src', 'a.ts'), 'a');
    symlinkSync(join(tmp.path, 'outside'), join(root, 'link-out'));
    symlinkSync(join(root, 'src'), join(root, 'link-in'));
  });

  it('accepts relative paths inside the workspace, existing or not', () => {
    assert.equal(resolveInWorkspace(root, 'src/a.ts'), join(root, 'src', 'a.ts'));
    assert.equal(resolveInWorkspace(root, './src//a.ts'), join(root, 'src', 'a.ts'));
    assert.equal(resolveInWorkspace(root, 'src/new/file.ts'), join(root, 'src', 'new', 'file.ts'));
    assert.equal(resolveInWorkspace(root, '.'), root);
    assert.equal(resolveInWorkspace(root, 'link-in/a.ts'), join(root, 'link-in', 'a.ts'), 'a link that stays inside is fine');
  });

  it('refuses "..", absolute paths, NUL, home and drive paths, and reserved names', () => {
    refused(() => resolveInWorkspace(root, '../outside/secret.txt'), /climbs out/);
    refused(() => resolveInWorkspace(root, 'src/../../outside'), /climbs out/);
    refused(() => resolveInWorkspace(root, 'src\\..\\..\\x'), /backslash/);
    refused(() => resolveInWorkspace(root, '\\\\server\\share\\x.md'), /absolute|backslash/);
    refused(() => resolveInWorkspace(root, '\uFF0E\uFF0E\uFF0Foutside.md'), /read as/);
    refused(() => resolveInWorkspace(root, 'a\u2024\u2024/x.md'), /read as/);
    refused(() => resolveInWorkspace(root, '  '), /empty/);
    refused(() => resolveInWorkspace(root, '/etc/passwd'), /absolute/);
    refused(() => resolveInWorkspace(root, 'C:\\Windows'), /absolute/);
    refused(() => resolveInWorkspace(root, '~/.ssh/id_rsa'), /absolute/);
    refused(() => resolveInWorkspace(root, 'src/a.ts\0.png'), /NUL/);
    refused(() => resolveInWorkspace(root, 'src/CON'), /reserved/);
    refused(() => resolveInWorkspace(root, 'nul.txt'), /reserved/);
  });

  it('refuses a symbolic link that leads out, for existing and new files under it', () => {
    refused(() => resolveInWorkspace(root, 'link-out/secret.txt'), /symbolic link/);
    refused(() => resolveInWorkspace(root, 'link-out'), /symbolic link/);
    refused(() => resolveInWorkspace(root, 'link-out/new/dir/file.md'), /symbolic link/);
  });

  it('confines writes to a subfolder', () => {
    assert.equal(resolveUnder(root, '.agent-os', '.agent-os/standards/x.md'), join(root, '.agent-os', 'standards', 'x.md'));
    refused(() => resolveUnder(root, '.agent-os', 'src/a.ts'), /inside \.agent-os/);
    refused(() => resolveUnder(root, '.agent-os', '.agent-os/../src/a.ts'), /climbs out/);
  });
});
