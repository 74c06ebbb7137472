import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import type { Disposable } from '../core/disposable';
import { nearestExistingFolder } from '../core/nearestFolder';

export interface WatchedFolder {
  folder: string;
  /** The highest folder the watcher may fall back to while `folder` does not exist. */
  root: string;
}

/**
 * Follows persona folders outside VS Code with `node:fs.watch`. It is cheap enough to keep for
 * a whole CLI session: one non-recursive watch per folder (one inotify watch on Linux, no
 * polling, no third-party watcher), on at most three folders. A folder that does not exist yet
 * is followed through its nearest existing ancestor inside the workspace, so creating
 * `.claude/agents` is seen too; the watches move as folders appear and disappear.
 *
 * `onChange` is called for every raw event (several per save): debounce it.
 */
export class PersonaFolderWatcher implements Disposable {
  private readonly watchers = new Map<string, FSWatcher>();
  private disposed = false;

  constructor(
    private readonly folders: readonly WatchedFolder[],
    private readonly onChange: () => void,
    private readonly options: { persistent?: boolean } = {},
  ) {
    this.arm();
  }

  /** The folders watched right now (the persona folders, or their nearest existing ancestors). */
  get watched(): string[] {
    return [...this.watchers.keys()].sort();
  }

  private arm(): void {
    if (this.disposed) return;
    const wanted = new Set(this.folders.map(({ folder, root }) => nearestExistingFolder(folder, root)).filter((d): d is string => d !== undefined));
    for (const dir of this.watchers.keys()) {
      if (!wanted.has(dir) || !existsSync(dir)) this.drop(dir);
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: this.options.persistent ?? false }, (_event, filename) => {
          // An event naming the folder itself: it was removed or replaced, and this watch is
          // dead even if a new folder now has the same path (and, seen on ext4, the same inode).
          if (filename === basename(dir)) this.drop(dir);
          this.changed();
        });
        // The folder became unreadable: re-arm (on its parent if it is gone) and reload.
        watcher.on('error', () => {
          this.drop(dir);
          this.changed();
        });
        this.watchers.set(dir, watcher);
      } catch {
        // It vanished between the check and the watch; the parent's event re-arms.
      }
    }
  }

  private drop(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
  }

  private changed(): void {
    if (this.disposed) return;
    this.arm();
    this.onChange();
  }

  dispose(): void {
    this.disposed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
