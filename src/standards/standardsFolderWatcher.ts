import { readdirSync, statSync, watch, type FSWatcher, type Stats } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import type { Disposable } from '../core/disposable';
import { nearestExistingFolder } from '../core/nearestFolder';

/**
 * Follows the standards folder outside VS Code (the CLI's MCP server) with `node:fs.watch`, one
 * non-recursive watch per folder: `.agent-os/standards` and each folder under it. Measured with
 * 5,000 standards in 50 folders (docs/standards.md): 51 inotify watches, armed in ~2 ms, an
 * event ~0.1 ms after a rename; Node 20's `recursive: true` on Linux walks the tree
 * synchronously and puts a watch on every file (5,071 watches, ~110 ms blocking), and chokidar 4
 * does the same from JavaScript (5,071 watches, ~560 ms to ready, ~5 ms per event).
 *
 * While the standards folder does not exist, its nearest existing ancestor up to `root` is
 * watched instead, and the watches move as folders appear and disappear. `onPath` gets the
 * absolute path of whatever changed (a file or a folder, which may be gone); the index decides
 * what it means by looking at the disk.
 */
export class StandardsFolderWatcher implements Disposable {
  private readonly watchers = new Map<string, FSWatcher>();
  private disposed = false;

  constructor(
    private readonly folder: string,
    /** The highest folder to fall back to while `folder` does not exist. */
    private readonly root: string,
    private readonly onPath: (path: string) => void,
    private readonly options: { persistent?: boolean } = {},
  ) {
    this.arm();
  }

  /** The folders watched right now. */
  get watched(): string[] {
    return [...this.watchers.keys()].sort();
  }

  /** Watches `folder` and every folder under it, or the nearest existing ancestor when it is missing. */
  private arm(): void {
    if (this.disposed) return;
    const anchor = nearestExistingFolder(this.folder, this.root);
    for (const dir of [...this.watchers.keys()]) {
      if ((dir !== anchor && !isInside(this.folder, dir)) || !statOrUndefined(dir)?.isDirectory()) this.drop(dir);
    }
    if (anchor === undefined) return;
    if (anchor === this.folder) this.armTree(anchor);
    else this.armOne(anchor);
  }

  private armTree(dir: string): void {
    this.armOne(dir);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      // Symbolic links are not followed (the index does not read through them either).
      if (e.isDirectory() && !e.name.startsWith('.')) this.armTree(join(dir, e.name));
    }
  }

  private armOne(dir: string): void {
    if (this.disposed || this.watchers.has(dir)) return;
    try {
      const watcher = watch(dir, { persistent: this.options.persistent ?? false }, (_event, filename) => this.changed(dir, filename));
      // The folder became unreadable or was removed: re-arm from what exists and re-read it.
      watcher.on('error', () => {
        this.drop(dir);
        this.changed(dir, null);
      });
      this.watchers.set(dir, watcher);
    } catch {
      // It vanished between the check and the watch; the parent's event re-arms.
    }
  }

  private changed(dir: string, filename: string | Buffer | null): void {
    if (this.disposed) return;
    const path = filename ? join(dir, filename.toString()) : dir;
    if (dir !== this.folder && !isInside(this.folder, dir)) {
      // An event on an ancestor: the standards folder (or a folder above it) may have appeared.
      this.arm();
      if (this.watchers.has(this.folder)) this.onPath(this.folder);
      return;
    }
    // A new folder is watched with its subfolders; a removed one is dropped with them.
    const stats = statOrUndefined(path);
    if (stats?.isDirectory()) this.armTree(path);
    else if (!stats) for (const watched of [...this.watchers.keys()]) if (watched === path || isInside(path, watched)) this.drop(watched);
    if (!statOrUndefined(this.folder)) this.arm();
    this.onPath(path);
  }

  private drop(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
  }

  dispose(): void {
    this.disposed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

/** True when `path` is strictly inside `folder`. */
function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
