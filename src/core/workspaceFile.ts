import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { PersonaError } from './errors';
import { resolveInWorkspace } from './workspacePath';

/** Bytes looked at for a NUL, the sign of a binary file. */
const BINARY_SNIFF_BYTES = 8192;
/** UTF-8 takes at most 4 bytes a character: reading 4 × maxChars bytes gives the formatter all it can use. */
const BYTES_PER_CHAR = 4;

/**
 * Reads a text file named by input (an MCP argument, a command argument) as context for a
 * review: the path goes through resolveInWorkspace, and only a regular text file is read, at
 * most 4 × `maxChars` bytes of it (the context is cut to `maxChars` characters anyway).
 * A missing file, a folder, a pipe or device, or a binary file is an INVALID_INPUT naming the
 * path as given, never the absolute one.
 *
 * Invariant: nothing here may block. The file is opened with O_NONBLOCK and checked on the
 * open handle, so a named pipe (even one swapped in after a check) cannot hold one of the
 * four libuv threads that the store's journal writes also need.
 */
export async function readWorkspaceText(root: string, input: string, maxChars: number): Promise<string> {
  const path = resolveInWorkspace(root, input, 'file');
  const refuse = (why: string, hint: string): PersonaError => new PersonaError('INVALID_INPUT', `The file "${input.slice(0, 200)}" ${why}.`, hint);
  // O_NONBLOCK is not defined on Windows, where opening a pipe by path does not wait for a writer.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw refuse('does not exist in the workspace', 'Give the path of an existing file relative to the workspace root, such as "src/index.ts".');
    if (code === 'EISDIR') throw refuse('is a folder', 'Name the files in it one by one.');
    throw refuse(`cannot be opened (${code ?? 'error'})`, 'Check that the file is readable, or leave it out.');
  });
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw refuse('is a folder', 'Name the files in it one by one.');
    if (!info.isFile()) throw refuse('is not a regular file (a pipe, socket or device)', 'Give a text file of the workspace.');
    const bytes = Buffer.alloc(Math.min(info.size, maxChars * BYTES_PER_CHAR));
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    const read = bytes.subarray(0, bytesRead);
    if (read.subarray(0, BINARY_SNIFF_BYTES).includes(0)) throw refuse('is a binary file', 'Give text files only.');
    return read.toString('utf8');
  } finally {
    await handle.close();
  }
}
