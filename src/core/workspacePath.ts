import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { PersonaError } from './errors';

/** Windows device names: refused as any path segment so a file written here opens on every OS. */
const RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** True for a Windows device name (`con`, `nul.md`, `COM1.txt`), which no path segment may be. */
export function isReservedName(segment: string): boolean {
  return RESERVED_NAMES.test(segment);
}

/**
 * The one gate every path from input passes (model tool calls, MCP arguments, webview
 * messages): a relative path inside `root`, no `..`, no NUL, no absolute or drive paths, and,
 * when the target exists, no symlink that leads out of `root`.
 * Returns the absolute path; throws PATH_REFUSED saying which rule was broken.
 */
export function resolveInWorkspace(root: string, input: string, what = 'path'): string {
  return resolveWithRealRoot(root, input, what).path;
}

/** resolveInWorkspace, also giving the root's real path it checked against (the safe reader checks an opened file against it too). */
export function resolveWithRealRoot(root: string, input: string, what = 'path'): { path: string; realRoot: string } {
  const refuse = (why: string): never => {
    throw new PersonaError('PATH_REFUSED', `The ${what} "${printable(input)}" was refused: ${why}.`, `Give a path relative to the workspace root, such as "src/index.ts", with no ".." segments.`);
  };
  if (typeof input !== 'string') refuse('it is not text');
  if (input.includes('\0')) refuse('it contains a NUL character');
  const trimmed = input.trim();
  if (trimmed === '') refuse('it is empty');
  if (trimmed.length > 1024) refuse('it is longer than 1,024 characters');
  if (isAbsolute(trimmed) || /^[a-zA-Z]:/.test(trimmed) || trimmed.startsWith('\\') || trimmed.startsWith('~')) refuse('it is absolute; only paths inside the workspace can be used');
  // A backslash separates on Windows and is a name character elsewhere: refused so both agree.
  if (trimmed.includes('\\')) refuse('it contains a backslash; use "/"');
  if (hasLookAlike(trimmed)) refuse('it contains characters that read as "." or "/"');
  const segments = trimmed.split(/\/+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) refuse('it climbs out with ".."');
  if (segments.some((s) => RESERVED_NAMES.test(s))) refuse('it uses a reserved device name');
  const target = join(root, ...segments);
  const realRoot = realpathSync(root);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    // It does not exist (yet): its nearest existing parent must still be inside the root.
    real = realParentOf(target);
  }
  if (!isInside(realRoot, real)) refuse('it leads outside the workspace through a symbolic link');
  return { path: target, realRoot };
}

/** Like resolveInWorkspace, and the path must also lie under `subfolder` (e.g. ".agent-os"). */
export function resolveUnder(root: string, subfolder: string, input: string, what = 'path'): string {
  const target = resolveInWorkspace(root, input, what);
  const base = join(root, subfolder);
  if (!isInside(base, target)) {
    throw new PersonaError('PATH_REFUSED', `The ${what} "${printable(input)}" was refused: it must be inside ${subfolder}/.`, `Only files under ${subfolder}/ can be written.`);
  }
  return target;
}

/** True when `child` is `parent` or below it. A name that merely starts with ".." (`..notes.md`) is inside. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

function realParentOf(target: string): string {
  const rest: string[] = [];
  let dir = target;
  for (;;) {
    const parent = dirname(dir);
    if (parent === dir) return target;
    rest.unshift(basename(dir));
    try {
      return join(realpathSync(parent), ...rest);
    } catch {
      dir = parent;
    }
  }
}

/** A character other than "." and "/" whose compatibility (NFKC) form contains "." "/" or "\\" (e.g. full-width "．．／"). */
function hasLookAlike(path: string): boolean {
  for (const c of path) {
    if (c === '.' || c === '/') continue;
    if (/[./\\]/.test(c.normalize('NFKC'))) return true;
  }
  return false;
}

function printable(input: unknown): string {
  return String(input).replace(/\0/g, '\\0').slice(0, 200);
}

/**
 * Whether a cited path names a file of the workspace, asked once per path for the life of the
 * returned function (one document, one chat reply): a review cites the same file many times.
 */
export function workspaceFileCheck(root: string): (path: string) => boolean {
  const known = new Map<string, boolean>();
  return (path) => {
    let yes = known.get(path);
    if (yes === undefined) {
      try {
        yes = statSync(resolveInWorkspace(root, path)).isFile();
      } catch {
        yes = false;
      }
      known.set(path, yes);
    }
    return yes;
  };
}
