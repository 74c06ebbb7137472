import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isInside } from './workspacePath';

/** The workspace folder that holds the job store, its lock and the MCP endpoint: ours alone. */
export const PRIVATE_FOLDER = '.agent-os';
/** The one part of it meant to be read by every agent: the approved standards. */
export const SHARED_SUBFOLDER = 'standards';

/**
 * True for a path in `.agent-os/` outside `.agent-os/standards/`. The store's journal and
 * database, the lock and the endpoint file (with the MCP token) are there: no tool, `files`
 * argument or listing may reach them. `root` and `path` must be resolved the same way (both
 * as given, or both real).
 */
export function isPrivatePath(root: string, path: string): boolean {
  const base = join(root, PRIVATE_FOLDER);
  return isInside(base, path) && !isInside(join(base, SHARED_SUBFOLDER), path);
}

/**
 * Creates the store's folder private to this user (0700), and tightens the store's own files
 * made before it was (0644): the journal and database hold every job's context. Only files
 * named `jobs.*` are touched: a file someone else planted there (an endpoint file, say) keeps
 * its mode, which is how the endpoint check tells it was not ours. `standards/` and persona
 * files in subfolders are the team's, meant to be committed.
 */
export function ensurePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  tighten(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // A Dirent's type is the entry's own: a link is not "file", so no link is followed.
    if (entry.isFile() && entry.name.startsWith('jobs.')) tighten(join(dir, entry.name), 0o600);
  }
}

/** A file of another user (a shared checkout) cannot be tightened by us; that is not a reason to refuse to start. */
function tighten(path: string, mode: number): void {
  try {
    if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
  } catch {
    // EPERM or gone: left as it is.
  }
}
