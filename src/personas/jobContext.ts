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
  /**
   * A branch, tag or commit: the working tree's changes since the branch point with it
   * (`git diff $(git merge-base <base> HEAD)`), what a pull request changes. Takes the place of `diff`.
   */
  base?: string;
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

/** Runs git in the workspace (no shell); rejects with git's own words. */
function git(root: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: root, encoding: 'utf8', maxBuffer: MAX_DIFF_BYTES }, (err, stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve(stdout)));
  });
}

/** What git needs to find a base that this checkout lacks, for a person at a terminal or in CI. */
const baseHint = (ref: string): string =>
  `Fetch it (git fetch origin ${ref}), list what this clone has (git branch -a), or name a commit. In GitHub Actions, check out with actions/checkout and fetch-depth: 0 so the base branch and its history are there.`;

/**
 * The working tree's changes since the branch point with `ref`: `git merge-base <ref> HEAD`,
 * then `git diff <merge-base>` (committed and uncommitted changes of the branch, not those made on
 * `ref` since). Returns the raw diff and how a header names it. Throws INVALID_INPUT naming the
 * ref when it is not in this clone or shares no history with HEAD, with how to fetch it.
 */
export async function gitDiffSinceBase(root: string, ref: string): Promise<{ diff: string; against: string }> {
  const shown = ref.slice(0, 100);
  // A ref is never an option: "--output=…" would be read by git as one.
  if (!ref.trim() || ref.startsWith('-') || [...ref].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) {
    throw new PersonaError('INVALID_INPUT', `The base "${shown}" is not a branch, tag or commit name.`, 'Name the branch the changes will merge into, for example main or origin/main.');
  }
  const commitOf = async (name: string): Promise<string> => (await git(root, ['rev-parse', '--verify', '--quiet', `${name}^{commit}`])).trim();
  let commit: string;
  let used = shown;
  try {
    commit = await commitOf(ref);
  } catch (err) {
    if (err instanceof Error && /not a git repository/i.test(err.message)) throw new PersonaError('INVALID_INPUT', `The base "${shown}" cannot be used: this folder is not in a git repository.`, 'Run the review inside the repository\'s clone, or pass files instead of --base.');
    // A CI checkout has the base branch only as a remote branch (origin/main), not as a local one.
    const remote = `origin/${ref}`;
    commit = await commitOf(remote).catch(() => {
      throw new PersonaError('INVALID_INPUT', `The base "${shown}" cannot be used: this clone has no branch, tag or commit of that name (nor ${remote.slice(0, 110)}).`, baseHint(ref));
    });
    used = remote.slice(0, 110);
  }
  let mergeBase: string;
  try {
    mergeBase = (await git(root, ['merge-base', commit, 'HEAD'])).trim();
  } catch {
    throw new PersonaError('INVALID_INPUT', `The base "${shown}" shares no history with HEAD here (no merge-base; a shallow clone has too little history).`, baseHint(ref));
  }
  try {
    const diff = await git(root, ['diff', '--no-color', '--no-ext-diff', mergeBase]);
    return { diff, against: `the branch point with ${used} (${mergeBase.slice(0, 12)})` };
  } catch (err) {
    throw new PersonaError('INVALID_INPUT', `"git diff ${mergeBase.slice(0, 12)}" failed: ${err instanceof Error ? err.message : String(err)}`, 'Review the changes inside a git repository, or pass files instead.');
  }
}

/**
 * The base a branch's changes are usually measured from: the upstream's default branch
 * (`origin/HEAD`, e.g. origin/main), else a local main or master. Null when none exists (no
 * remote and neither branch), so a caller can fall back to the changes against HEAD.
 */
export async function defaultBaseRef(root: string): Promise<string | null> {
  const upstream = await git(root, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']).then((s) => s.trim(), () => '');
  if (upstream) return upstream;
  for (const name of ['main', 'master']) {
    const found = await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${name}`]).then(() => true, () => false);
    if (found) return name;
  }
  return null;
}

/** The changes since the branch point with `ref`, formatted as context (the CLI formats it itself when another process owns the store). */
export async function baseDiffContext(root: string, ref: string, maxChars: number): Promise<FormattedContext> {
  const { diff, against } = await gitDiffSinceBase(root, ref);
  return formatDiff(diff, maxChars, against);
}

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
  if (request.base !== undefined) add(await baseDiffContext(root, request.base, left));
  else if (request.diff) add(formatDiff(await diffSource(root), left));
  if (request.text) {
    if (request.text.length > left) add({ context: `${request.text.slice(0, left)}\n… [cut]`, note: `The given context was cut to ${left} of ${request.text.length} characters.` });
    else add({ context: request.text, note: null });
  }
  return { context: parts.join('\n\n'), note: notes.length > 0 ? notes.join(' ') : null };
}
