// One test per attack on the workspace path validator (STYLE: "Paths from any input go through
// one validator").
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { resolveInsideWorkspace } from '../../src/core/workspacePath';
import { useTempDir } from './tempDir';

describe('resolveInsideWorkspace', () => {
  const tmp = useTempDir();
  const ws = (): string => join(tmp.path, 'ws');
  beforeEach(() => mkdirSync(ws()));

  function refused(path: string, reason: RegExp): void {
    assert.throws(
      () => resolveInsideWorkspace(ws(), path),
      (err: unknown) => err instanceof PersonaError && err.code === 'INVALID_INPUT' && reason.test(err.message) && err.message.includes(ws()) && err.hint.length > 0,
      `${JSON.stringify(path)} is refused (${String(reason)})`,
    );
  }

  it('accepts a new file in a folder that does not exist yet', () => {
    assert.equal(resolveInsideWorkspace(ws(), '.claude/agents/x.md'), join(ws(), '.claude', 'agents', 'x.md'));
  });

  it('refuses ".." that leaves the workspace, and accepts ".." that stays inside', () => {
    refused('../outside.md', /outside the workspace/);
    refused('.claude/../../outside.md', /outside the workspace/);
    assert.equal(resolveInsideWorkspace(ws(), '.claude/../x.md'), join(ws(), 'x.md'));
  });

  it('refuses absolute paths, POSIX and Windows', () => {
    refused('/etc/passwd', /absolute/);
    refused('C:\\Windows\\x.md', /absolute/);
    refused('\\\\server\\share\\x.md', /absolute/);
  });

  it('refuses a NUL byte', () => {
    refused('x.md\0.txt', /NUL/);
  });

  it('refuses mixed separators', () => {
    refused('.claude\\..\\..\\x.md', /backslash/);
  });

  it('refuses unicode look-alikes of dots and slashes', () => {
    refused('\uFF0E\uFF0E\uFF0Foutside.md', /read as/);
    refused('a\u2024\u2024/x.md', /read as/);
  });

  it('refuses a symlink that leads out, for an existing file and for a new file below it', () => {
    const outside = join(tmp.path, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.md'), 'x');
    symlinkSync(outside, join(ws(), 'link'));
    refused('link/secret.md', /symbolic link/);
    refused('link/new/x.md', /symbolic link/);
  });

  it('compares case as the file system does: a differently cased name stays inside', () => {
    assert.equal(resolveInsideWorkspace(ws(), '.CLAUDE/Agents/X.md'), join(ws(), '.CLAUDE', 'Agents', 'X.md'));
    refused('../WS/../../x.md', /outside the workspace/);
  });

  it('refuses an empty path', () => {
    refused('  ', /empty/);
  });
});
