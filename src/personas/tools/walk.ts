import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders no review needs, and that would swamp listings and searches. */
export const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.vscode-test', 'dist', 'out']);

/**
 * Files under `dir` (relative paths with "/"), breadth first, never following symbolic links,
 * stopping after `limit` entries.
 */
export async function walkFiles(root: string, dir: string, limit: number, signal: AbortSignal): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  const queue = [dir];
  while (queue.length > 0) {
    if (signal.aborted) break;
    const rel = queue.shift()!;
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) queue.push(path);
      } else if (entry.isFile()) {
        if (files.length >= limit) return { files, truncated: true };
        files.push(path);
      }
    }
  }
  return { files, truncated: false };
}
