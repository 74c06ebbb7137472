import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * Writes `text` to `path` so that a reader (or a crash) sees the old file or the new one, never
 * half of it: a fresh temporary file beside it, synced, then renamed over it. The temporary file
 * is removed when anything fails. Mode 0644 by default: these are files people commit or read.
 */
export function writeFileAtomically(path: string, text: string, mode = 0o644): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
