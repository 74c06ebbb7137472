import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';

/** Replaces `target` atomically and durably: temp file, fsync, rename, fsync of the folder. */
export async function writeSnapshotFile(target: string, data: Uint8Array): Promise<void> {
  const temp = `${target}.tmp`;
  try {
    const handle = await fsp.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, target);
  } catch (err) {
    // A full disk (or any failure) before the rename: the old snapshot stays, and so must no half-written copy.
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  const dir = await fsp.open(dirname(target), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
