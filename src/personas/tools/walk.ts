import { listWorkspaceFolder } from '../../core/safeFile';

/** Folders no review needs, and that would swamp listings and searches. */
export const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.vscode-test', 'dist', 'out']);

/**
 * Files under `dir` (relative paths with "/"), breadth first, stopping after `limit` entries.
 * Every folder is listed through the safe reader, so a link (or a folder swapped for one) is
 * never followed out, and `.agent-os/` is never entered. A refusal of `dir` itself is thrown.
 */
export async function walkFiles(root: string, dir: string, limit: number, signal: AbortSignal): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  const queue = [dir];
  while (queue.length > 0) {
    if (signal.aborted) break;
    const rel = queue.shift()!;
    // A folder below that went away or was swapped for a link since its parent was listed is skipped.
    const entries = await listWorkspaceFolder(root, rel === '' ? '.' : rel, 'folder path').catch((err: unknown) => {
      if (rel === dir) throw err;
      return [];
    });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.kind === 'folder') {
        if (!SKIPPED_FOLDERS.has(entry.name)) queue.push(path);
      } else {
        if (files.length >= limit) return { files, truncated: true };
        files.push(path);
      }
    }
  }
  return { files, truncated: false };
}
