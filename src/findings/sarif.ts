import type { StoredFinding } from './types';

/** What a SARIF log is made from (the CLI's `--format sarif`, the editor's Export Findings as SARIF…). */
export interface SarifInput {
  findings: readonly StoredFinding[];
  /** Every persona that ran, found something or not (one run each). */
  personas: readonly { id: string; name: string; description: string }[];
  /** This extension's version (package.json). */
  toolVersion: string;
  /**
   * The workspace folder's path inside the repository, `/`-separated ('' when the workspace is
   * the repository root): findings cite workspace-relative paths, SARIF uris are repository-relative.
   */
  workspaceInRepository: string;
}

/** A SARIF 2.1.0 log of the findings, with what GitHub code scanning requires. */
export function findingsToSarif(_input: SarifInput): Record<string, unknown> {
  throw new Error('not yet built');
}
