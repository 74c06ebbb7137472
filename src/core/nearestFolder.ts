import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';

/**
 * `folder` if it is a folder on disk, else its nearest ancestor that is, not above `root`
 * (undefined when none is). The folder watchers follow a folder that does not exist yet
 * through this ancestor, so they see it being created.
 */
export function nearestExistingFolder(folder: string, root: string): string | undefined {
  let dir = folder;
  for (;;) {
    if (isFolder(dir)) return dir;
    const up = dirname(dir);
    const rel = relative(root, up);
    if (up === dir || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    dir = up;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
