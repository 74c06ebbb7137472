import { constants, existsSync, readlinkSync, type Stats } from 'node:fs';
import { open, readdir, realpath, type FileHandle } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { PersonaError } from './errors';
import { isPrivatePath, PRIVATE_FOLDER } from './privateFolder';
import { isInside, resolveInWorkspace, resolveWithRealRoot } from './workspacePath';

/**
 * The one way to read a file or list a folder named by input (an MCP argument, a model's tool
 * call, a CLI argument): what is opened is what is checked.
 *
 * 1. The path passes resolveInWorkspace (lexical rules; a link that already leads out is
 *    refused with that reason, before anything is opened) and is not in the private `.agent-os/`.
 * 2. It is opened read-only, non-blocking (a named pipe cannot hold one of libuv's four shared
 *    I/O threads, which the store's journal writes also need) and without following a last
 *    link where the platform allows.
 * 3. The open handle is checked: its kind (fstat) and where it really is. On Linux that is the
 *    descriptor's own path (/proc/self/fd/N), so a link swapped in after step 1 is caught; where
 *    /proc is absent, the device and inode of the handle must equal those of a fresh realpath.
 * 4. At most the bound is read, until end of file, so a file that shrinks is read as it is.
 */

/** Bytes looked at for a NUL, the sign of a binary file. */
const BINARY_SNIFF_BYTES = 8192;

const PROC_FD = '/proc/self/fd';
/** Whether this platform names an open descriptor's file (Linux); checked once. */
const hasProcFd = process.platform === 'linux' && existsSync(PROC_FD);
// O_NONBLOCK and O_NOFOLLOW are undefined on Windows, where opening a pipe by path
// does not wait for a writer and links are not followed by default for these opens.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export interface WorkspaceFileText {
  /** The file's text (UTF-8), at most `maxBytes` bytes of it. */
  text: string;
  /** The file's size when it was opened. */
  size: number;
  /** True when the file holds more than was read. */
  truncated: boolean;
}

export interface ReadOptions {
  /** What the path is, for messages: "file", "file path". */
  what?: string;
  maxBytes: number;
  /** False: a path whose last part is a link is refused, even one that stays inside (the standards index follows none). */
  followLinks?: boolean;
}

/** Reads a text file named by input; refuses anything else with a message naming the path as given. */
export async function readWorkspaceFile(root: string, input: string, options: ReadOptions): Promise<WorkspaceFileText> {
  const what = options.what ?? 'file';
  const handle = await openChecked(root, input, what, options.followLinks ?? true);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notA(what, input, info, 'file');
    const bytes = await readUpTo(handle, options.maxBytes, info.size);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
      throw new PersonaError('INVALID_INPUT', `The ${what} "${shown(input)}" is a binary file.`, 'Give text files only.');
    }
    // More than the bound was there if the handle said so, or one more byte can still be read.
    const truncated = bytes.length === options.maxBytes && (info.size > bytes.length || (await handle.read(Buffer.alloc(1), 0, 1, bytes.length)).bytesRead > 0);
    return { text: bytes.toString('utf8'), size: info.size, truncated };
  } finally {
    await handle.close();
  }
}

export interface FolderEntry {
  name: string;
  kind: 'file' | 'folder';
}

/**
 * Lists a folder named by input: its regular files and folders (links, pipes and devices are
 * left out, so a walk never follows a link out). On Linux the listing is read through the
 * opened descriptor, so it is the checked folder's. `.agent-os/` is never listed.
 */
export async function listWorkspaceFolder(root: string, input: string, what = 'folder'): Promise<FolderEntry[]> {
  const handle = await openChecked(root, input, what);
  let entries: Dirent[];
  try {
    const info = await handle.stat();
    if (!info.isDirectory()) throw notA(what, input, info, 'folder');
    entries = hasProcFd ? await readdir(`${PROC_FD}/${handle.fd}`, { withFileTypes: true }) : await readdir(resolveInWorkspace(root, input, what), { withFileTypes: true });
    if (!hasProcFd) await confirmSameFile(root, input, what, info);
  } finally {
    await handle.close();
  }
  const atRoot = isRootPath(input);
  return entries.flatMap((e): FolderEntry[] => {
    if (atRoot && e.name === PRIVATE_FOLDER) return [];
    if (e.isFile()) return [{ name: e.name, kind: 'file' }];
    if (e.isDirectory()) return [{ name: e.name, kind: 'folder' }];
    return [];
  });
}

/** Whether the path named by input is a file or a folder (checked as above); anything else is refused with its kind. */
export async function fileOrFolder(root: string, input: string, what = 'path'): Promise<'file' | 'folder'> {
  const handle = await openChecked(root, input, what);
  try {
    const info = await handle.stat();
    if (info.isFile()) return 'file';
    if (info.isDirectory()) return 'folder';
    throw new PersonaError('INVALID_INPUT', `The ${what} "${shown(input)}" is ${kindOf(info)}, not a file or a folder.`, 'Give a file or a folder of the workspace; "." is the root.');
  } finally {
    await handle.close();
  }
}

/** What kind of thing a path is, in words, for a refusal. */
function kindOf(info: Stats): string {
  if (info.isFile()) return 'a file';
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function notA(what: string, input: string, info: Stats, wanted: 'file' | 'folder'): PersonaError {
  const hint = wanted === 'file' ? (info.isDirectory() ? 'Name the files in it one by one, or list it first.' : 'Give a regular text file of the workspace.') : 'Give a folder of the workspace; "." is the root.';
  return new PersonaError('INVALID_INPUT', `The ${what} "${shown(input)}" is ${kindOf(info)}, not a ${wanted}.`, hint);
}

/** Opens the path as described at the top, and checks where the opened handle really is. */
async function openChecked(root: string, input: string, what: string, followLinks = true): Promise<FileHandle> {
  // The path is resolved before the open too, so a link that already leads out is refused
  // without opening what it names (a device outside must not even be opened).
  const { path, realRoot } = resolveWithRealRoot(root, input, what);
  refusePrivate(root, path, input, what);
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS | NO_FOLLOW);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code;
    // The last part is a link: open what it leads to; the check on the handle below decides.
    if (errno === 'ELOOP' && !followLinks) throw new PersonaError('INVALID_INPUT', `The ${what} "${shown(input)}" is a symbolic link, which is not followed here.`, 'Put the file itself there, not a link to it.');
    if (errno === 'ELOOP') {
      handle = await openFollowing(path, input, what);
    } else {
      throw openRefusal(err, input, what);
    }
  }
  try {
    // procfs answers from memory, never from a disk: read at once rather than through the
    // thread pool, which saves a round trip on every read.
    const real = hasProcFd ? readlinkSync(`${PROC_FD}/${handle.fd}`) : await realpath(path);
    if (!isInside(realRoot, real)) throw outside(input, what);
    refusePrivate(realRoot, real, input, what);
    if (!hasProcFd) await confirmSameFile(root, input, what, await handle.stat());
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

async function openFollowing(path: string, input: string, what: string): Promise<FileHandle> {
  try {
    return await open(path, READ_FLAGS);
  } catch (err) {
    throw openRefusal(err, input, what);
  }
}

/** Without /proc: the handle must be the file a fresh resolve of the path finds (device and inode). */
async function confirmSameFile(root: string, input: string, what: string, info: Stats): Promise<void> {
  const again = await open(resolveInWorkspace(root, input, what), READ_FLAGS).catch(() => undefined);
  try {
    const now = await again?.stat();
    if (!now || now.dev !== info.dev || now.ino !== info.ino) throw outside(input, what);
  } finally {
    await again?.close();
  }
}

function openRefusal(err: unknown, input: string, what: string): PersonaError {
  const code = 'INVALID_INPUT';
  const errno = (err as NodeJS.ErrnoException).code;
  if (errno === 'ENOENT' || errno === 'ENOTDIR') return new PersonaError(code, `The ${what} "${shown(input)}" does not exist in the workspace.`, 'Give the path of an existing file relative to the workspace root, such as "src/index.ts"; list_files shows what exists.');
  if (errno === 'EACCES' || errno === 'EPERM') return new PersonaError(code, `The ${what} "${shown(input)}" cannot be read (permission denied).`, 'Check that the file is readable, or leave it out.');
  if (errno === 'ENXIO') return new PersonaError(code, `The ${what} "${shown(input)}" is a socket or device, not a file.`, 'Give a regular text file of the workspace.');
  return new PersonaError(code, `The ${what} "${shown(input)}" cannot be opened (${errno ?? 'error'}).`, 'Check that the file is readable, or leave it out.');
}

function outside(input: string, what: string): PersonaError {
  return new PersonaError('PATH_REFUSED', `The ${what} "${shown(input)}" was refused: it leads outside the workspace through a symbolic link.`, 'Give a path relative to the workspace root, such as "src/index.ts", that is not a link out of it.');
}

function refusePrivate(realRoot: string, path: string, input: string, what: string): void {
  if (isPrivatePath(realRoot, path)) {
    throw new PersonaError('PATH_REFUSED', `The ${what} "${shown(input)}" was refused: ${PRIVATE_FOLDER}/ is private to Agent OS Personas (only ${PRIVATE_FOLDER}/standards/ can be read).`, 'Search the approved standards with search_standards; nothing else in .agent-os/ is for reviews.');
  }
}

/**
 * Reads from the start until end of file or `maxBytes`. The size the handle reported is only the
 * first guess of the buffer: a file that shrinks is read as it is (no zero-filled tail to be
 * taken for binary), one that grows is read on up to the bound.
 */
export async function readUpTo(handle: FileHandle, maxBytes: number, sizeHint: number): Promise<Buffer> {
  let bytes = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(sizeHint, 0) + 1));
  let filled = 0;
  for (;;) {
    if (filled === bytes.length) {
      if (bytes.length >= maxBytes) break;
      const grown = Buffer.allocUnsafe(Math.min(maxBytes, bytes.length * 2));
      bytes.copy(grown, 0, 0, filled);
      bytes = grown;
    }
    const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
    // As long as the handle said: done, without one more read to meet the end (a file that
    // grows after it was opened is read as it was; one reporting size 0, as procfs does, is read to its end).
    if (sizeHint > 0 && filled >= sizeHint) break;
  }
  // Only what was read is returned: the rest of an allocUnsafe buffer is never seen.
  return bytes.subarray(0, filled);
}

function isRootPath(input: string): boolean {
  return input.split(/\/+/).every((s) => s === '' || s === '.');
}

function shown(input: string): string {
  return String(input).replace(/\0/g, '\\0').slice(0, 200);
}
