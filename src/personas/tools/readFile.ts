import { open, stat } from 'node:fs/promises';
import { z } from 'zod';
import { PersonaError } from '../../core/errors';
import { resolveInWorkspace } from '../../core/workspacePath';
import type { PersonaTool } from './types';

const MAX_FILE_BYTES = 512 * 1024;
const MAX_RESULT_CHARS = 24_000;

const schema = z.object({
  path: z.string().min(1).describe('File path relative to the workspace root, e.g. "src/app.ts".'),
  startLine: z.number().int().min(1).optional().describe('First line to return (1-based). Default 1.'),
  endLine: z.number().int().min(1).optional().describe('Last line to return (inclusive).'),
});

export const readFileTool: PersonaTool<typeof schema> = {
  name: 'read_file',
  description: 'Read a text file in the workspace. Returns its lines numbered "N| code", so findings can cite file:line. Long files are cut; ask for a line range to see more. Paths outside the workspace are refused.',
  schema,
  phase: 'searching',
  async run(input, context) {
    const path = resolveInWorkspace(context.root, input.path, 'file path');
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new PersonaError('TOOL_ERROR', `There is no file "${input.path}" in the workspace.`, 'Use list_files to see what exists.');
    if (!info.isFile()) throw new PersonaError('TOOL_ERROR', `"${input.path}" is a folder, not a file.`, 'Use list_files on a folder.');
    const handle = await open(path, 'r');
    let text: string;
    try {
      const bytes = Buffer.alloc(Math.min(info.size, MAX_FILE_BYTES));
      await handle.read(bytes, 0, bytes.length, 0);
      if (bytes.subarray(0, 8192).includes(0)) throw new PersonaError('TOOL_ERROR', `"${input.path}" is a binary file.`, 'Read text files only.');
      text = bytes.toString('utf8');
    } finally {
      await handle.close();
    }
    const lines = text.split(/\r?\n/);
    const first = input.startLine ?? 1;
    const last = Math.min(input.endLine ?? lines.length, lines.length);
    const out: string[] = [`File: ${input.path} (lines ${first}-${last} of ${lines.length}${info.size > MAX_FILE_BYTES ? ', file cut at 512 KB' : ''})`];
    let size = out[0]!.length;
    for (let n = first; n <= last; n++) {
      const line = `${n}| ${lines[n - 1] ?? ''}`;
      size += line.length + 1;
      if (size > MAX_RESULT_CHARS) {
        out.push(`[cut at line ${n - 1}: ask for startLine ${n} to read on]`);
        break;
      }
      out.push(line);
    }
    return out.join('\n');
  },
};
