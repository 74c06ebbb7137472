import { readWorkspaceFile } from './safeFile';

/** UTF-8 takes at most 4 bytes a character: reading 4 × maxChars bytes gives the formatter all it can use. */
const BYTES_PER_CHAR = 4;

/**
 * Reads a text file named by input (an MCP argument, a command argument) as context for a
 * review, through the safe reader: at most 4 × `maxChars` bytes of a regular text file inside
 * the workspace (the context is cut to `maxChars` characters anyway). Anything else is an
 * INVALID_INPUT (or PATH_REFUSED) naming the path as given, never the absolute one.
 */
export async function readWorkspaceText(root: string, input: string, maxChars: number): Promise<string> {
  return (await readWorkspaceFile(root, input, { what: 'file', maxBytes: maxChars * BYTES_PER_CHAR })).text;
}
