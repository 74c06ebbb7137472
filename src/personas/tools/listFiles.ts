import { z } from 'zod';
import { listWorkspaceFolder } from '../../core/safeFile';
import type { PersonaTool } from './types';
import { SKIPPED_FOLDERS, walkFiles } from './walk';

const MAX_ENTRIES = 300;

const schema = z.object({
  path: z.string().default('.').describe('Folder relative to the workspace root; "." is the root.'),
  recursive: z.boolean().default(false).describe('List every file below the folder (up to 300), not just its direct entries.'),
});

export const listFilesTool: PersonaTool<typeof schema> = {
  name: 'list_files',
  description: 'List files in a workspace folder (folders end with "/"). Use it to find the files worth reading. .git and node_modules are skipped; at most 300 entries.',
  schema,
  phase: 'searching',
  async run(input, context) {
    const rel = normalised(input.path);
    if (input.recursive) {
      const { files, truncated } = await walkFiles(context.root, rel, MAX_ENTRIES, context.signal);
      return [...files, ...(truncated ? [`[more than ${MAX_ENTRIES} files: list a subfolder]`] : [])].join('\n') || '(no files)';
    }
    const entries = await listWorkspaceFolder(context.root, input.path, 'folder path');
    const shown = entries.filter((e) => !SKIPPED_FOLDERS.has(e.name)).sort((a, b) => a.name.localeCompare(b.name));
    const names = shown.slice(0, MAX_ENTRIES).map((e) => `${rel ? `${rel}/` : ''}${e.name}${e.kind === 'folder' ? '/' : ''}`);
    if (shown.length > MAX_ENTRIES) names.push(`[${shown.length - MAX_ENTRIES} more entries not shown]`);
    return names.join('\n') || '(empty folder)';
  },
};

/** The folder as the listing names it: "a/b" for "./a//b/", "" for the root. */
function normalised(path: string): string {
  return path
    .split(/\/+/)
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}
