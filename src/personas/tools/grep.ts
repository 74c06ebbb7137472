import type { RE2JS } from 're2js';
import { z } from 'zod';
import { PersonaError } from '../../core/errors';
import { fileOrFolder, readWorkspaceFile } from '../../core/safeFile';
import type { PersonaTool } from './types';
import { walkFiles } from './walk';
import { countOf } from '../../core/plural';

const MAX_FILES = 2000;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_MATCHES = 100;
const MAX_LINE_CHARS = 400;

const schema = z.object({
  pattern: z.string().min(1).max(200).describe('Text to find; a regular expression (RE2 syntax: no backreferences or lookaround) when "regex" is true.'),
  path: z.string().default('.').describe('Folder (or file) to search, relative to the workspace root.'),
  regex: z.boolean().default(false).describe('Treat the pattern as a regular expression (RE2 syntax).'),
  ignoreCase: z.boolean().default(true),
});

export const grepTool: PersonaTool<typeof schema> = {
  name: 'grep',
  description: 'Search the workspace\'s text files for a pattern. Returns up to 100 matches as "path:line: text", so findings can cite them. Use it to check whether a pattern recurs before reporting or proposing a standard.',
  schema,
  phase: 'searching',
  async run(input, context) {
    const matcher = compile(input.pattern, input.regex, input.ignoreCase);
    const rel = input.path
      .split(/\/+/)
      .filter((s) => s !== '' && s !== '.')
      .join('/');
    const single = (await fileOrFolder(context.root, input.path, 'search path')) === 'file';
    const { files, truncated } = single ? { files: [rel], truncated: false } : await walkFiles(context.root, rel, MAX_FILES, context.signal);
    const matches: string[] = [];
    for (const file of files) {
      if (context.signal.aborted || matches.length >= MAX_MATCHES) break;
      // Files that went away, turned binary or were swapped for a link since the walk are skipped.
      const read = await readWorkspaceFile(context.root, file, { maxBytes: MAX_FILE_BYTES }).catch(() => undefined);
      if (!read) continue;
      const lines = read.text.split(/\r?\n/);
      for (let i = 0; i < lines.length && matches.length < MAX_MATCHES; i++) {
        // Long lines (minified code) are cut before matching.
        const line = lines[i]!.slice(0, MAX_LINE_CHARS);
        if (matcher.test(line)) matches.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    }
    if (matches.length === 0) return `No matches for "${input.pattern}" in ${countOf(files.length, 'file')}.`;
    const notes = [matches.length >= MAX_MATCHES ? `[stopped at ${MAX_MATCHES} matches]` : '', truncated ? `[searched the first ${MAX_FILES} files only]` : ''].filter(Boolean);
    return [...matches, ...notes].join('\n');
  },
};

/**
 * A pattern from a model runs on RE2 (re2js, a pure-JavaScript port): matching time is linear
 * in the line's length whatever the pattern, so `(a+)+$` cannot pin a worker as it does on
 * JavaScript's backtracking engine. Backreferences and lookaround are not RE2 syntax and are
 * refused with a message the model can act on. Loaded on the first grep: a worker that never
 * greps never carries re2js (a quarter of a megabyte of code) on its heap.
 */
function compile(pattern: string, regex: boolean, ignoreCase: boolean): RE2JS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
  const { RE2JS } = require('re2js') as typeof import('re2js');
  try {
    return RE2JS.compile(regex ? pattern : RE2JS.quote(pattern), ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    throw new PersonaError('TOOL_ERROR', `The pattern is not a valid regular expression in RE2 syntax: ${err instanceof Error ? err.message : String(err)}`, 'Fix the pattern (no backreferences or lookaround) or set "regex" to false.');
  }
}
