import { relative, resolve } from 'node:path';
import { PersonaError } from '../core/errors';
import { FINDING_SEVERITIES, type FindingSeverity } from '../findings/types';

export const REVIEW_FORMATS = ['markdown', 'json', 'sarif'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

export interface ReviewArgs {
  /** One id, or several for a panel (2 to 8). */
  personas: string[];
  task: string;
  /** Workspace-relative, as the path validator takes them. */
  files: string[];
  diff: boolean;
  /** `--base <ref>`: the changes since the branch point with ref. */
  base: string | null;
  /** Findings on unchanged lines of a `--base`/`--diff` review are listed apart instead of left out. */
  includePreexisting: boolean;
  format: ReviewFormat;
  /** As given (relative to the current folder); null prints to stdout. */
  output: string | null;
  /** Exit 2 when a remaining finding is at or above this. */
  failOn: FindingSeverity;
}

const EXAMPLE = 'agent-os-personas review --persona security,engineer --base main --format sarif --output review.sarif';

/**
 * `review --persona <id>[,<id>…] [--task t] [--diff | --base ref] [--include-preexisting]
 * [--format markdown|json|sarif] [--output FILE] [--fail-on low|medium|high|critical] [file…]`.
 * `cwd` resolves the files given from the shell to workspace paths.
 */
export function parseReviewArgs(args: string[], cwd: string): ReviewArgs {
  const parsed: ReviewArgs = { personas: [], task: 'Review these files.', files: [], diff: false, base: null, includePreexisting: false, format: 'markdown', output: null, failOn: 'high' };
  const value = (i: number, flag: string): string => {
    const v = args[i];
    if (v === undefined || v.startsWith('--')) throw new PersonaError('INVALID_INPUT', `${flag} needs a value.`, `For example: ${flag === '--persona' ? 'agent-os-personas review --persona security src/login.ts' : flag === '--task' ? 'agent-os-personas review --persona security --task "Is the login safe?" src/login.ts' : EXAMPLE}`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--persona') parsed.personas.push(...value(++i, arg).split(',').map((p) => p.trim()).filter(Boolean));
    else if (arg === '--task') parsed.task = value(++i, arg);
    else if (arg === '--diff') parsed.diff = true;
    else if (arg === '--base') parsed.base = value(++i, arg);
    else if (arg === '--include-preexisting') parsed.includePreexisting = true;
    else if (arg === '--format') parsed.format = oneOf(value(++i, arg), REVIEW_FORMATS, arg);
    else if (arg === '--output') parsed.output = value(++i, arg);
    else if (arg === '--fail-on') parsed.failOn = oneOf(value(++i, arg), FINDING_SEVERITIES, arg);
    else if (arg.startsWith('--')) throw new PersonaError('INVALID_INPUT', `review has no option "${arg.slice(0, 40)}".`, 'See agent-os-personas --help.');
    // Paths are given from the shell; the path validator takes them relative to the workspace (the current folder).
    else parsed.files.push(relative(cwd, resolve(cwd, arg)));
  }
  if (parsed.personas.length === 0) throw new PersonaError('INVALID_INPUT', 'review needs --persona <id>.', 'List the ids with agent-os-personas personas; for example: agent-os-personas review --persona security src/login.ts');
  parsed.personas = [...new Set(parsed.personas)];
  if (parsed.personas.length > 8) throw new PersonaError('INVALID_INPUT', `--persona names ${parsed.personas.length} personas; a panel takes 2 to 8.`, 'Name at most 8, comma-separated: --persona security,engineer,qa');
  if (parsed.base !== null && parsed.diff) throw new PersonaError('INVALID_INPUT', '--diff and --base both say which changes to review.', 'Use --base <ref> for a branch\'s changes since it left <ref> (a pull request), or --diff for the uncommitted changes against HEAD.');
  return parsed;
}

function oneOf<T extends string>(v: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new PersonaError('INVALID_INPUT', `${flag} "${v.slice(0, 40)}" is not one of ${allowed.join(', ')}.`, `For example: ${EXAMPLE} --fail-on high`);
}
