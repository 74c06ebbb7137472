import { z } from 'zod';
import { readWorkspaceFile } from '../../core/safeFile';
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
    const file = await readWorkspaceFile(context.root, input.path, { what: 'file path', maxBytes: MAX_FILE_BYTES });
    const lines = file.text.split(/\r?\n/);
    const first = input.startLine ?? 1;
    const last = Math.min(input.endLine ?? lines.length, lines.length);
    const out: string[] = [`File: ${input.path} (lines ${first}-${last} of ${lines.length}${file.truncated ? ', file cut at 512 KB' : ''})`];
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
