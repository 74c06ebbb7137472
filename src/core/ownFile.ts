import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** What reading a small state file of ours gave: its text, nothing there, or why it was not read. */
export type OwnFileRead = { kind: 'read'; text: string } | { kind: 'missing' } | { kind: 'refused'; reason: string };

// O_NOFOLLOW: a planted symbolic link is refused rather than followed. O_NONBLOCK: a planted
// FIFO opens at once (and is then refused as not a regular file) instead of hanging the open.
// Windows has neither flag; 0 leaves them out there.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a small file this user's processes write under .agent-os (owner.json, the MCP
 * endpoint), from a handle: the file is opened first and that handle is checked with fstat,
 * so what is read is what was checked (no swap between a stat and an open). `private` also
 * requires the file to belong to this user and to have no group or other permission bits
 * (POSIX only; Windows has neither uid nor mode bits that mean this).
 */
export function readOwnFile(path: string, options: { maxBytes: number; private: boolean }): OwnFileRead {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    // Linux and macOS answer ELOOP for O_NOFOLLOW on a link; FreeBSD answers EMLINK.
    if (code === 'ELOOP' || code === 'EMLINK') return { kind: 'refused', reason: 'it is a symbolic link' };
    return { kind: 'refused', reason: `it cannot be opened (${code ?? 'unknown error'})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { kind: 'refused', reason: 'it is not a regular file' };
    if (options.private && process.platform !== 'win32') {
      const uid = process.getuid?.();
      if (uid !== undefined && stat.uid !== uid) return { kind: 'refused', reason: `it belongs to another user (uid ${stat.uid}, you are ${uid})` };
      if ((stat.mode & 0o077) !== 0) return { kind: 'refused', reason: `other users may read or write it (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}, expected 0600)` };
    }
    if (stat.size > options.maxBytes) return { kind: 'refused', reason: `it is ${stat.size} bytes, more than such a file ever holds (${options.maxBytes})` };
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { kind: 'read', text: buffer.subarray(0, read).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `text` to `path` readable by this user only, atomically: a new file made with
 * O_EXCL and mode 0600 under a random name, then renamed over `path`. Whatever was at `path`
 * before (a file of another mode or owner, a link) is replaced, never written through.
 */
export function writePrivateFile(path: string, text: string): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
