// Findings as data: what a completed review raised, one row each, kept with its job.
// The shapes every surface shares (store rows, the editor, the CLI's formats, MCP list_findings).

export const FINDING_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/**
 * Where a finding sits relative to a diff the review was given: `changed` when it cites a line
 * the diff adds or changes, `preexisting` when it cites an unchanged line of a file in the diff.
 * Null when the review's context holds no diff for the cited file (a file or selection review).
 */
export type FindingScope = 'changed' | 'preexisting';

/** A finding as the worker reads it off a completed review (src/findings/extract.ts). */
export interface NewFinding {
  severity: FindingSeverity;
  title: string;
  /** Workspace-relative with `/` separators, as cited; null when the finding cites no `file:line`. */
  file: string | null;
  startLine: number | null;
  endLine: number | null;
  /** The code the evidence quotes, when it does. */
  code: string | null;
  evidence: string | null;
  why: string | null;
  recommendation: string | null;
  /**
   * Survives unrelated edits: the file, the whitespace-normalised text of the cited line and its
   * nearest non-blank neighbours, and the normalised title; never the line number.
   */
  fingerprint: string;
  /** The cited file exists in the workspace and the cited lines are within it (only these become diagnostics). */
  anchored: boolean;
  scope: FindingScope | null;
}

/** A stored finding: a row of the `findings` table. */
export interface StoredFinding extends NewFinding {
  jobId: string;
  /** 1-based position in its review. */
  ordinal: number;
  persona: string;
  /** The job's panel parent when it has one, else the job itself. */
  rootJobId: string;
  createdAt: number;
}

export interface FindingFilter {
  /** Workspace-relative path; exact match. */
  file?: string;
  persona?: string;
  /** At or above this severity. */
  severity?: FindingSeverity;
  /** One job: a panel's id includes its personas' findings. */
  jobId?: string;
  /** Also those a suppression in `.agent-os/suppressions.json` dismisses (default false). */
  includeSuppressed?: boolean;
  /** Also those on unchanged lines of a diff review (default true). */
  includePreexisting?: boolean;
  /** Newest first; default 200, at most 1000. */
  limit?: number;
}

export const DISMISS_REASONS = ['false-positive', 'wont-fix', 'accepted-risk'] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number];

/** One entry of `.agent-os/suppressions.json` (a file meant to be committed, so the team shares it). */
export interface Suppression {
  fingerprint: string;
  persona: string;
  title: string;
  file: string | null;
  reason: DismissReason;
  /** The person's words; may be empty. */
  note: string;
  /** Who dismissed it: git's user.name (and email), else the OS user. */
  by: string;
  /** ISO 8601. */
  at: string;
}

/** `.agent-os/suppressions.json` as read: a hand-edited file that does not validate yields an error and no entries. */
export interface SuppressionsRead {
  entries: Suppression[];
  /** The problem, naming the file and the line; null when the file is absent or valid. */
  error: { message: string; line: number | null } | null;
}

/** How a presentation treats findings on unchanged lines of a diff review. */
export type PreexistingMode = 'drop' | 'apart';

/** A job's result as every surface shows it: suppressed findings cut, with an audit footer. */
export interface PresentedReview {
  markdown: string;
  /** Shown as findings of the review. */
  remaining: StoredFinding[];
  /** Cut by a suppression; listed in the audit footer. */
  suppressed: { finding: StoredFinding; suppression: Suppression }[];
  /** On unchanged lines of a diff review: cut (`drop`) or listed apart (`apart`). */
  preexisting: StoredFinding[];
  /** Cite a file that does not exist or a line past its end: kept in the report, never diagnostics. */
  unanchored: number;
  /** The suppressions file did not validate: nothing was suppressed. */
  suppressionsError: string | null;
  /** A completed review whose answer does not follow the review template: no findings were read from it; it is shown as written, with a note. */
  notInTemplate: boolean;
}
