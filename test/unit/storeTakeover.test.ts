import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PersonaError } from '../../src/core/errors';
import { parseProcStat, processStartMs } from '../../src/jobs/ownerProcess';
import { StoreLock, type StoreOwner } from '../../src/jobs/storeLock';
import { waitFor } from '../harness/waitFor';
import { connectStdioCli } from './cliChild';
import { REPO_ROOT, useTempDir } from './tempDir';

const HOLDER = join(REPO_ROOT, 'out/test/unit/fixtures/lockHolder.js');
const onLinux = process.platform === 'linux';

function procState(pid: number): string | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.state;
  } catch {
    return undefined;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * The lock holder started under a parent that never reaps its children (`sh` replaced by
 * `sleep` through exec): once killed, the holder stays a zombie for as long as that parent lives,
 * as a killed server does for a moment while its own parent exits.
 */
async function holderUnderNonReapingParent(dataDir: string): Promise<{ parent: ChildProcess; holderPid: number }> {
  const parent = spawn('sh', ['-c', '"$@" & exec sleep 120', 'sh', process.execPath, HOLDER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: parent.stdout });
  const holderPid = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      const pid = /^LOCKED (\d+)$/.exec(line)?.[1];
      if (pid) resolve(Number(pid));
    });
    parent.once('exit', () => reject(new Error('the lock holder\'s parent exited before the holder took the lock')));
  });
  lines.close();
  return { parent, holderPid };
}

function plantLock(dataDir: string, owner: StoreOwner): void {
  mkdirSync(join(dataDir, 'jobs.lock'));
  writeFileSync(join(dataDir, 'owner.json'), JSON.stringify(owner));
}

function isLocked(err: unknown): boolean {
  return err instanceof PersonaError && err.code === 'STORE_LOCKED';
}

describe('crash takeover of the job store', function () {
  this.timeout(30_000);
  const tmp = useTempDir();

  it('reads /proc/<pid>/stat after the last ")", whatever the command name holds', () => {
    const stat = parseProcStat('4242 (a) b (c)) Z 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0 0');
    assert.deepEqual(stat, { state: 'Z', startTicks: 987654 });
    assert.equal(parseProcStat('garbage'), undefined);
  });

  (onLinux ? it : it.skip)('serves at once after the owner is killed and left a zombie: a real stdio server restarted at once owns the store', async () => {
    const ws = tmp.path;
    const dataDir = join(ws, '.agent-os');
    mkdirSync(dataDir, { mode: 0o700 });
    const { parent, holderPid } = await holderUnderNonReapingParent(dataDir);
    try {
      const owner = JSON.parse(readFileSync(join(dataDir, 'owner.json'), 'utf8')) as StoreOwner;
      assert.equal(owner.pid, holderPid);
      // A live owner still refuses, naming itself.
      await assert.rejects(StoreLock.acquire(dataDir, 'CLI', () => undefined), (err: unknown) => isLocked(err) && new RegExp(`process ${holderPid} `).test((err as Error).message));

      process.kill(holderPid, 'SIGKILL');
      await waitFor(() => procState(holderPid) === 'Z', { timeoutMs: 5000, intervalMs: 5, message: 'the killed owner to be a zombie' });
      // The zombie still answers kill(pid, 0): the old check counted it as a live owner.
      assert.doesNotThrow(() => process.kill(holderPid, 0));

      const stderr: string[] = [];
      const client = await connectStdioCli(ws, stderr);
      try {
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === 'list_persona_jobs'), 'the restarted server lists the persona tools');
        assert.match(stderr.join(''), /serving this workspace \(this process owns the job store\)/);
        assert.equal(procState(holderPid), 'Z', 'the old owner was still a zombie when the store was taken over');
      } finally {
        await client.close();
      }
      assert.ok(typeof owner.started === 'number' && owner.started <= owner.since, 'the owner record kept its process start time, before it took the lock');
    } finally {
      // Killed already unless an assertion failed first; then the parent too (it reaps nothing).
      try {
        process.kill(holderPid, 'SIGKILL');
      } catch {
        // gone
      }
      parent.kill('SIGKILL');
      await exited(parent);
    }
  });

  (onLinux ? it : it.skip)('takes over a lock naming a pid now used by a process that started after the lock was taken', async () => {
    const unrelated = spawn('sleep', ['120'], { stdio: 'ignore' });
    try {
      const pid = unrelated.pid!;
      const startedNow = await waitFor(() => processStartMs(pid), { timeoutMs: 5000, intervalMs: 5, message: 'the start time of the fresh process' });
      // A record with the owner's start time: the process with that pid started at another time.
      plantLock(tmp.path, { pid, host: hostname(), kind: 'VS Code', since: startedNow - 60_000, started: startedNow - 61_000 });
      const first = await StoreLock.acquire(tmp.path, 'CLI', () => undefined);
      assert.equal((JSON.parse(readFileSync(join(tmp.path, 'owner.json'), 'utf8')) as StoreOwner).pid, process.pid);
      await first.dispose();
      // An older record without a start time: the process with that pid started after `since`.
      plantLock(tmp.path, { pid, host: hostname(), kind: 'VS Code', since: startedNow - 60_000 });
      const second = await StoreLock.acquire(tmp.path, 'CLI', () => undefined);
      await second.dispose();
      // The same process, named with its own start time, is a live owner: refused.
      plantLock(tmp.path, { pid, host: hostname(), kind: 'VS Code', since: startedNow + 100, started: startedNow });
      await assert.rejects(StoreLock.acquire(tmp.path, 'CLI', () => undefined), isLocked);
      assert.equal(unrelated.exitCode, null, 'the unrelated process was never touched');
    } finally {
      unrelated.kill('SIGKILL');
      await exited(unrelated);
    }
  });

  it('does not take a lock made after the dead owner\'s record was written: another process is taking the store over', async () => {
    // The dead owner's record, then a lock made since by a process that has not written its own yet.
    writeFileSync(join(tmp.path, 'owner.json'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), kind: 'VS Code', since: Date.now() - 60_000 }));
    const written = new Date(Date.now() - 60_000);
    utimesSync(join(tmp.path, 'owner.json'), written, written);
    mkdirSync(join(tmp.path, 'jobs.lock'));
    await assert.rejects(StoreLock.acquire(tmp.path, 'CLI', () => undefined), (err: unknown) => isLocked(err) && /locked by another process/.test((err as Error).message));
  });
});
