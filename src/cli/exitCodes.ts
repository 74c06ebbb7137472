/**
 * Exit status of `agent-os-personas review` (and of any command that cannot start). Scripts and
 * CI branch on these, so they only ever gain meanings, never change them.
 */
export const EXIT = {
  /** The review completed; its findings are on stdout. */
  COMPLETED: 0,
  /** The job ran and failed (or was cancelled): the model refused the key, timed out, … */
  JOB_FAILED: 1,
  /** The review completed and holds a high or critical finding (a CI gate, as before exit 3 existed). */
  FINDINGS: 2,
  /** Nothing ran: bad arguments, an unknown persona, a refused path, a store owned by a process that cannot be reached. */
  COULD_NOT_RUN: 3,
} as const;

/** How a completed review exits: its findings decide between 0 and 2. */
export function completedReviewExit(review: string): number {
  return /\[(CRITICAL|HIGH)\]/.test(review) ? EXIT.FINDINGS : EXIT.COMPLETED;
}

/** The exit codes as `--help` lists them. */
export const EXIT_HELP = `Exit status of review: 0 the review completed with no high or critical finding,
2 it completed with a high or critical finding, 1 the job failed or was cancelled, 3 could not
run (bad arguments, unknown persona, refused path, store owned by a process that cannot be
reached). Ctrl+C cancels the job: 130 (SIGTERM: 143).`;
