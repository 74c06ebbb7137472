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
 * Creates the store's folder private to this user (0700), and tightens one made before it was
 * (0755, files 0644): the journal and database hold job context, the endpoint file the MCP
 * token. Only the files directly in it are tightened; `standards/` and persona files in
 * subfolders are the team's, meant to be committed.
 */
export function ensurePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(dir, entry.name);
    // lstat-free: a Dirent's type is the entry's own (a link is not "file"), so no link is followed.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}
