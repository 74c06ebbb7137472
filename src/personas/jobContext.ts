import { execFile } from 'node:child_process';
import { PersonaError } from '../core/errors';
import { readWorkspaceText } from '../core/workspaceFile';
import { formatContext, formatDiff, formatSources, type ContextSource, type FormattedContext } from './context';

/**
 * What goes along with a persona's task, as any surface describes it; `PersonaJobs` turns it
 * into the job's context under one size limit (setting "agentOsPersonas.context.maxChars").
 * The parts come in this order, each cut to what the ones before it left.
 */
export interface ContextRequest {
  /** Material the editor already holds (a selection or the active file), numbered from its first line. */
  sources?: ContextSource[];
  /** Workspace-relative files, read here through the one path validator. */
  files?: string[];
  /** The working tree's changes against HEAD. */
  diff?: boolean;
  /** Text as given (a diff or a file an agent pasted). */
  text?: string;
}

/** `git diff HEAD` of a workspace: the editor reads it through its Git extension, the CLI runs git. */
export type DiffSource = (workspaceRoot: string) => Promise<string>;

const MAX_DIFF_BYTES = 64 * 1024 * 1024;

/** Runs `git diff HEAD` in the workspace (no shell). */
export const gitDiffHead: DiffSource = (root) =>
  new Promise((resolve, reject) => {
    execFile('git', ['diff', 'HEAD'], { cwd: root, encoding: 'utf8', maxBuffer: MAX_DIFF_BYTES }, (err, stdout, stderr) => {
      if (!err) {
        resolve(stdout);
        return;
      }
      const why = stderr.trim() || err.message;
      reject(new PersonaError('INVALID_INPUT', `"git diff HEAD" failed: ${why}`, 'Review the changes inside a git repository with at least one commit, or pass files instead.'));
    });
  });

export async function resolveContext(root: string, request: ContextRequest, maxChars: number, diffSource: DiffSource): Promise<FormattedContext> {
  const parts: string[] = [];
  const notes: string[] = [];
  let left = maxChars;
  const add = (formatted: FormattedContext): void => {
    if (formatted.context) parts.push(formatted.context);
    if (formatted.note) notes.push(formatted.note);
    left = Math.max(0, left - formatted.context.length);
  };
  for (const source of request.sources ?? []) add(formatContext(source, left));
  if (request.files && request.files.length > 0) {
    const budget = left;
    const sources = await Promise.all(request.files.map(async (path) => ({ path, text: await readWorkspaceText(root, path, budget), startLine: 1, kind: 'file' as const })));
    add(formatSources(sources, budget));
  }
  if (request.diff) add(formatDiff(await diffSource(root), left));
  if (request.text) {
    if (request.text.length > left) add({ context: `${request.text.slice(0, left)}\n… [cut]`, note: `The given context was cut to ${left} of ${request.text.length} characters.` });
    else add({ context: request.text, note: null });
  }
  return { context: parts.join('\n\n'), note: notes.length > 0 ? notes.join(' ') : null };
}
