// Issue 17 item 4: the store and the standards folder on a full disk. A real 2 MB tmpfs (root
// mounts one; elsewhere the test says why it skips), filled by a filler file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { JOB_ERROR_HINTS } from '../../src/jobs/jobErrors';
import { JobStore, SNAPSHOT_FILE } from '../../src/jobs/jobStore';
import { JOURNAL_CHUNK_BYTES } from '../../src/jobs/journal';
import { standardFilePath, writeNewFile } from '../../src/standards/standardFile';

/** Writes to `path` until the disk refuses (ENOSPC). */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 * 1024, 120);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

function isDiskFull(mountPoint: string): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof PersonaError, `expected a PersonaError, got ${String(err)}`);
    assert.equal(err.code, 'STORE_DISK_FULL');
    assert.match(err.message, /is full/);
    assert.ok(!err.message.includes(mountPoint) && !err.hint.includes(mountPoint), 'no absolute path of the machine');
    return true;
  };
}

describe('a full disk under the store and the standards', function () {
  this.timeout(30_000);
  let mountPoint = '';

  before(function () {
    mountPoint = mkdtempSync(join(tmpdir(), 'agent-os-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (err) {
      rmSync(mountPoint, { recursive: true, force: true });
      mountPoint = '';
      // Mounting needs root (CI runs as root); without it there is no disk to fill safely.
      this.skip();
      void err;
    }
  });

  after(() => {
    if (!mountPoint) return;
    // Lazily when something still holds a file there (a failed assertion's open store): never leave a mount behind.
    try {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    } catch {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
    }
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('refuses creates with STORE_DISK_FULL, loses nothing acknowledged, and resumes on the same store once space is freed', async () => {
    const dir = join(mountPoint, '.agent-os');
    mkdirSync(dir);
    const filler = join(mountPoint, 'filler');
    const store = await JobStore.open({ dir });
    const acknowledged: string[] = [];
    let running = '';
    try {
      for (let i = 0; i < 5; i++) acknowledged.push((await store.create({ persona: 'engineer', task: `before ${i}`, context: 'x' })).id);
      running = acknowledged[0]!;
      await store.start(running, 'demo');
      fill(filler);
      // A job that finishes while the disk is full: its completion is refused, then tried again until it lands.
      // It is larger than the zeros the journal keeps ahead of its records, so it must grow the file.
      const completing = store.complete(running, { result: 'r'.repeat(JOURNAL_CHUNK_BYTES + 40_000), tokensIn: 1, tokensOut: 1 });
      // The journal's last page may still hold a little; a large record runs past it and is cut
      // mid-write, which is the torn tail the journal must take back before the next write.
      let refused: unknown;
      for (let i = 0; i < 50 && refused === undefined; i++) {
        await store.create({ persona: 'engineer', task: `while full ${i}`, context: 'y'.repeat(40_000) }).then((j) => acknowledged.push(j.id), (err: unknown) => (refused = err));
      }
      assert.ok(refused !== undefined, 'a create on the full disk was refused');
      isDiskFull(mountPoint)(refused);
      assert.equal((refused as PersonaError).hint, JOB_ERROR_HINTS.STORE_DISK_FULL);
      // The cut gave back the zeros the journal kept ahead (a chunk at most): a record larger than that is refused too.
      await assert.rejects(store.create({ persona: 'engineer', task: 'refused too', context: 'z'.repeat(JOURNAL_CHUNK_BYTES + 40_000) }), isDiskFull(mountPoint));
      // The refused changes are gone from memory: readers see exactly the acknowledged jobs.
      assert.deepEqual(store.list({ limit: 500 }).map((j) => j.id).sort(), [...acknowledged].sort());
      // Written before the refused creates, the completion was refused too: the job is still running, not lost.
      assert.equal(store.get(running)?.status, 'running');
      // A snapshot on the full disk fails the same way and leaves no temporary copy; the old one stays.
      // (The disk is filled again first: the journal's cut gave back the zeros it kept ahead.)
      fill(`${filler}-again`);
      await assert.rejects(store.snapshot(), isDiskFull(mountPoint));
      assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
      assert.ok(existsSync(join(dir, SNAPSHOT_FILE)));

      rmSync(filler);
      rmSync(`${filler}-again`);
      assert.equal((await completing).status, 'completed', 'the completion landed once space was freed');
      // No restart: the same instance writes again.
      for (let i = 0; i < 3; i++) acknowledged.push((await store.create({ persona: 'engineer', task: `after ${i}`, context: 'w'.repeat(20_000) })).id);
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    } finally {
      rmSync(filler, { force: true });
      rmSync(`${filler}-again`, { force: true });
    }
    // Reopen from what is on disk (no close, as after a crash): every acknowledged job, no refused one, no torn bytes.
    try {
      const reopened = await JobStore.open({ dir });
      try {
        assert.deepEqual(reopened.list({ limit: 500 }).map((j) => j.id).sort(), [...acknowledged].sort());
        assert.deepEqual(reopened.notices, [], 'the journal held only whole records');
        assert.equal(reopened.get(running)?.status, 'completed');
      } finally {
        await reopened.close();
      }
    } finally {
      await store.close().catch(() => undefined);
    }
  });

  it('refuses to approve a standard on the full disk with STORE_DISK_FULL and leaves no file behind', async () => {
    const filler = join(mountPoint, 'filler');
    const location = standardFilePath(mountPoint, 'security', 'secrets');
    mkdirSync(join(mountPoint, '.agent-os', 'standards', 'security'), { recursive: true });
    try {
      fill(filler);
      await assert.rejects(writeNewFile(location, `# Secrets\n\n${'Never log a token. '.repeat(4000)}\n`), isDiskFull(mountPoint));
      assert.deepEqual(readdirSync(join(mountPoint, '.agent-os', 'standards', 'security')), [], 'no standard and no temporary file');
    } finally {
      rmSync(filler, { force: true });
    }
    await writeNewFile(location, '# Secrets\n\nNever log a token.\n');
    assert.ok(existsSync(location.absolute), 'approval works again once space is freed');
  });
});
