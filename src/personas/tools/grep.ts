import { open } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { PersonaError } from '../../core/errors';
import { resolveInWorkspace } from '../../core/workspacePath';
import type { PersonaTool } from './types';
import { walkFiles } from './walk';

const MAX_FILES = 2000;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_MATCHES = 100;
const MAX_LINE_CHARS = 400;

const schema = z.object({
  pattern: z.string().min(1).max(200).describe('Text to find; a regular expression when "regex" is true.'),
  path: z.string().default('.').describe('Folder (or file) to search, relative to the workspace root.'),
  regex: z.boolean().default(false).describe('Treat the pattern as a JavaScript regular expression.'),
  ignoreCase: z.boolean().default(true),
});

export const grepTool: PersonaTool<typeof schema> = {
  name: 'grep',
  description: 'Search the workspace\'s text files for a pattern. Returns up to 100 matches as "path:line: text", so findings can cite them. Use it to check whether a pattern recurs before reporting or proposing a standard.',
  schema,
  phase: 'searching',
  async run(input, context) {
    const base = resolveInWorkspace(context.root, input.path, 'search path');
    let matcher: RegExp;
    try {
      matcher = new RegExp(input.regex ? input.pattern : input.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), input.ignoreCase ? 'i' : '');
    } catch (err) {
      throw new PersonaError('TOOL_ERROR', `The pattern is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`, 'Fix the pattern or set "regex" to false.');
    }
    const rel = relative(context.root, base).split('\\').join('/');
    const single = await isFile(base);
    const { files, truncated } = single ? { files: [rel], truncated: false } : await walkFiles(context.root, rel, MAX_FILES, context.signal);
    const matches: string[] = [];
    for (const file of files) {
      if (context.signal.aborted || matches.length >= MAX_MATCHES) break;
      const text = await readText(join(context.root, file));
      if (text === undefined) continue;
      const lines = text.split(/\r?\n/);
      for (let i = 0; i < lines.length && matches.length < MAX_MATCHES; i++) {
        // Long lines (minified code) are cut before matching, which also bounds a slow regex.
        const line = lines[i]!.slice(0, MAX_LINE_CHARS);
        if (matcher.test(line)) matches.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    }
    if (matches.length === 0) return `No matches for "${input.pattern}" in ${files.length} files.`;
    const notes = [matches.length >= MAX_MATCHES ? `[stopped at ${MAX_MATCHES} matches]` : '', truncated ? `[searched the first ${MAX_FILES} files only]` : ''].filter(Boolean);
    return [...matches, ...notes].join('\n');
  },
};

async function isFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) throw new PersonaError('TOOL_ERROR', `Nothing to search at "${path}".`, 'Search "." for the whole workspace.');
  try {
    return (await handle.stat()).isFile();
  } finally {
    await handle.close();
  }
}

async function readText(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const size = (await handle.stat()).size;
    if (size > MAX_FILE_BYTES) return undefined;
    const bytes = Buffer.alloc(size);
    await handle.read(bytes, 0, size, 0);
    return bytes.subarray(0, 8192).includes(0) ? undefined : bytes.toString('utf8');
  } finally {
    await handle.close();
  }
}
