import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What a folder tree holds, by path relative to its root: enough to see any file created, changed or removed. */
export type TreeSnapshot = Map<string, string>;

/**
 * Walks `root` without following symbolic links. A file is recorded with its size and mtime,
 * a link with its target, a folder with its sorted entry names (not its mtime: creating an
 * excluded folder such as `.agent-os` changes the parent's mtime, and that is allowed).
 * `exclude` paths (absolute) are left out, with everything under them.
 */
export function snapshotTree(root: string, exclude: readonly string[] = []): TreeSnapshot {
  const out: TreeSnapshot = new Map();
  const walk = (dir: string): void => {
    const names = readdirSync(dir).filter((n) => !exclude.includes(join(dir, n))).sort();
    out.set(relative(root, dir) || '.', `dir [${names.join(', ')}]`);
    for (const name of names) {
      const path = join(dir, name);
      const info = lstatSync(path);
      const rel = relative(root, path);
      if (info.isDirectory()) walk(path);
      else if (info.isSymbolicLink()) out.set(rel, `link -> ${readlinkSync(path)}`);
      else if (info.isFile()) out.set(rel, `file ${info.size} bytes, mtime ${info.mtimeMs}`);
      else out.set(rel, `special (mode ${info.mode.toString(8)}), mtime ${info.mtimeMs}`);
    }
  };
  walk(root);
  return out;
}

/** Each path whose entry differs between two snapshots, as "path: before → after". */
export function diffSnapshots(before: TreeSnapshot, after: TreeSnapshot): string[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.filter((p) => before.get(p) !== after.get(p)).map((p) => `${p}: ${before.get(p) ?? '(absent)'} → ${after.get(p) ?? '(absent)'}`);
}
