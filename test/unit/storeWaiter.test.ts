import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PersonaError } from '../../src/core/errors';
import { readOwner, StoreLock } from '../../src/jobs/storeLock';
import { StoreWaiter } from '../../src/ui/storeWaiter';
import { REPO_ROOT, useTempDir } from './tempDir';

const HOLDER = join(REPO_ROOT, 'out/test/unit/fixtures/lockHolder.js');

describe('a second window on a folder another process owns (StoreWaiter)', function () {
  this.timeout(20_000);
  const tmp = useTempDir();

  it('is read-only saying who owns the store and what to do, then takes the store over by itself when the owner closes', async () => {
    const holder = spawn(process.execPath, [HOLDER, tmp.path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => holder.once('exit', () => resolve()));
    const holderPid = await new Promise<number>((resolve, reject) => {
      createInterface({ input: holder.stdout }).on('line', (line) => {
        const pid = /^LOCKED (\d+)$/.exec(line)?.[1];
        if (pid) resolve(Number(pid));
      });
      holder.once('exit', () => reject(new Error('the lock holder exited before taking the lock')));
    });
    const seen: (PersonaError | undefined)[] = [];
    let firstRefusal: (() => void) | undefined;
    const refused = new Promise<void>((resolve) => (firstRefusal = resolve));
    const waiter = new StoreWaiter({
      open: () => StoreLock.acquire(tmp.path, 'VS Code', () => undefined),
      owner: () => readOwner(tmp.path),
      onReadOnly: (refusal) => {
        seen.push(refusal);
        firstRefusal?.();
      },
      close: (lock) => lock.dispose(),
      intervalMs: 50,
    });
    try {
      await refused;
      const refusal = waiter.refusal;
      assert.ok(refusal instanceof PersonaError && refusal.code === 'STORE_LOCKED');
      assert.match(refusal.message, new RegExp(`^Read-only: another VS Code window owns this folder's persona jobs \\(process ${holderPid}, since \\d\\d:\\d\\d\\)\\.$`));
      assert.match(refusal.hint, /Use that window, or close it: this one takes over by itself/);
      assert.doesNotMatch(`${refusal.message} ${refusal.hint}`, new RegExp(tmp.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute path of the machine');
      holder.kill('SIGTERM');
      await exited;
      const lock = await waiter.opened;
      assert.ok(lock, 'the window took the store over once the owner closed');
      assert.equal(readOwner(tmp.path)?.pid, process.pid);
      assert.equal(waiter.refusal, undefined);
      assert.deepEqual(seen.map((r) => r?.code), ['STORE_LOCKED', undefined], 'read-only once, then writable once');
      await lock.dispose();
    } finally {
      holder.kill('SIGKILL');
      await waiter.stop();
    }
  });

  it('stops waiting when the window closes: `opened` settles undefined and nothing keeps the store', async () => {
    const first = await StoreLock.acquire(tmp.path, 'VS Code', () => undefined);
    let readOnly: (() => void) | undefined;
    const refused = new Promise<void>((resolve) => (readOnly = resolve));
    const waiter = new StoreWaiter({
      open: () => StoreLock.acquire(tmp.path, 'VS Code', () => undefined),
      owner: () => readOwner(tmp.path),
      onReadOnly: () => readOnly?.(),
      close: (lock) => lock.dispose(),
      intervalMs: 50,
    });
    await refused;
    await waiter.stop();
    assert.equal(await waiter.opened, undefined);
    await first.dispose();
    const again = await StoreLock.acquire(tmp.path, 'CLI', () => undefined);
    await again.dispose();
  });
});
