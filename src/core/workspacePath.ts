import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import { PersonaError } from './errors';

/**
 * Resolves a workspace-relative path from any input (a command argument, a tool call, a file we
 * generate) to an absolute path that stays inside `root`, or throws INVALID_INPUT naming the
 * path and the root. Checks, in order: NUL bytes; absolute paths (POSIX, drive letters, UNC);
 * backslashes (a separator on Windows, a name character elsewhere: refused so both agree);
 * characters whose compatibility form is a dot or a separator (full-width "．．／"); the
 * normalised path against the root plus a separator; then the real path (symlinks resolved) of
 * the file, or for a file that does not exist yet of its nearest existing parent, against the
 * real path of the root.
 */
export function resolveInsideWorkspace(root: string, relativePath: string): string {
  const refuse = (why: string): never => {
    throw new PersonaError('INVALID_INPUT', `The path "${printable(relativePath)}" is not allowed: ${why} (workspace: ${root}).`, 'Use a path relative to the workspace folder, without "..", that stays inside it.');
  };
  if (relativePath.includes('\0')) refuse('it contains a NUL byte');
  if (relativePath.trim() === '') refuse('it is empty');
  if (isAbsolute(relativePath) || win32.isAbsolute(relativePath)) refuse('it is absolute');
  if (relativePath.includes('\\')) refuse('it contains a backslash; use "/"');
  if (hasLookAlike(relativePath)) refuse('it contains characters that read as "." or "/"');
  const absoluteRoot = resolve(root);
  const target = resolve(absoluteRoot, relativePath);
  if (!isInside(absoluteRoot, target)) refuse('it leads outside the workspace');
  const realRoot = realpathSync.native(absoluteRoot);
  let existing = target;
  while (!existsSync(existing)) existing = dirname(existing);
  const realExisting = realpathSync.native(existing);
  if (!isInside(realRoot, realExisting)) refuse('a symbolic link in it leads outside the workspace');
  return target;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** A character other than ".", "/" and "\" whose NFKC form contains one of them. */
function hasLookAlike(path: string): boolean {
  for (const c of path) {
    if (c === '.' || c === '/' || c === '\\') continue;
    if (/[./\\]/.test(c.normalize('NFKC'))) return true;
  }
  return false;
}

function printable(path: string): string {
  return path.replace(/\0/g, '\\0');
}
