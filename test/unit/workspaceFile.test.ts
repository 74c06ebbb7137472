import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { readWorkspaceText } from '../../src/core/workspaceFile';
import { withTimeout } from '../harness/waitFor';
import { useTempDir } from './tempDir';

async function refused(promise: Promise<unknown>, code: string, why: RegExp, root: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof PersonaError, `a PersonaError, not ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, why);
    assert.ok(!err.message.includes(root), `the message names the path as given, not where it is: ${err.message}`);
    assert.ok(err.hint.length > 0);
    return true;
  });
}

describe('reading a workspace file named by input (readWorkspaceText)', () => {
  const tmp = useTempDir();
  let root: string;
  beforeEach(() => {
    root = join(tmp.path, 'ws');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(tmp.path, 'outside'));
    writeFileSync(join(tmp.path, 'outside', 'secret.txt'), 'secret');
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    symlinkSync(join(tmp.path, 'outside', 'secret.txt'), join(root, 'link-out'));
  });

  it('reads a text file inside the workspace', async () => {
    assert.equal(await readWorkspaceText(root, 'src/a.ts', 1000), 'export const a = 1;\n');
  });

  it('refuses a missing file, a folder and a binary file with INVALID_INPUT naming the path as given', async () => {
    await refused(readWorkspaceText(root, 'src/missing.ts', 1000), 'INVALID_INPUT', /"src\/missing\.ts" does not exist/, root);
    await refused(readWorkspaceText(root, 'src/a.ts/x', 1000), 'INVALID_INPUT', /does not exist/, root);
    await refused(readWorkspaceText(root, 'src', 1000), 'INVALID_INPUT', /"src" is a folder/, root);
    writeFileSync(join(root, 'bin.dat'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]));
    await refused(readWorkspaceText(root, 'bin.dat', 1000), 'INVALID_INPUT', /binary/, root);
  });

  it('refuses a named pipe at once instead of waiting for a writer', async function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [join(root, 'pipe')]);
    await withTimeout(refused(readWorkspaceText(root, 'pipe', 1000), 'INVALID_INPUT', /"pipe" is a named pipe, not a file/, root), 2000, 'reading a pipe blocked');
  });

  it('still refuses paths the validator refuses, links out included', async () => {
    await refused(readWorkspaceText(root, '../outside/secret.txt', 1000), 'PATH_REFUSED', /climbs out/, root);
    await refused(readWorkspaceText(root, 'link-out', 1000), 'PATH_REFUSED', /symbolic link/, root);
  });

  it('reads at most 4 bytes per character of the budget from a big file', async () => {
    writeFileSync(join(root, 'big.txt'), 'x'.repeat(100_000));
    assert.equal((await readWorkspaceText(root, 'big.txt', 1000)).length, 4000);
  });
});
