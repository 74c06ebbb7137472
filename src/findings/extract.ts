import type { NewFinding } from './types';

export interface ExtractInput {
  /** The review as the persona answered (the job's result). */
  result: string;
  /** The job's context: a diff in it (`File: … (git diff …)` with `N| + code` lines) scopes the findings. */
  context: string;
  workspaceRoot: string;
}

/**
 * The findings of a completed review (parsed by src/personas/reviewParse.ts), each with its
 * fingerprint, whether it is anchored in the workspace, and its scope against a diff. An answer
 * that does not follow the template has none.
 */
export function extractFindings(_input: ExtractInput): Promise<NewFinding[]> {
  return Promise.resolve([]);
}
