import { readdir, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { z } from 'zod';
import { PersonaError } from '../../core/errors';
import { resolveInWorkspace } from '../../core/workspacePath';
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
    const dir = resolveInWorkspace(context.root, input.path, 'folder path');
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new PersonaError('TOOL_ERROR', `There is no folder "${input.path}" in the workspace.`, 'List "." to start from the root.');
    const rel = relative(context.root, dir).split('\\').join('/');
    if (input.recursive) {
      const { files, truncated } = await walkFiles(context.root, rel, MAX_ENTRIES, context.signal);
      return [...files, ...(truncated ? [`[more than ${MAX_ENTRIES} files: list a subfolder]`] : [])].join('\n') || '(no files)';
    }
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !SKIPPED_FOLDERS.has(e.name)).sort((a, b) => a.name.localeCompare(b.name));
    const names = entries.slice(0, MAX_ENTRIES).map((e) => `${rel ? `${rel}/` : ''}${e.name}${e.isDirectory() ? '/' : ''}`);
    if (entries.length > MAX_ENTRIES) names.push(`[${entries.length - MAX_ENTRIES} more entries not shown]`);
    return names.join('\n') || '(empty folder)';
  },
};
