/**
 * Exit status of `agent-os-personas review` (and of any command that cannot start). Scripts and
 * CI branch on these, so they only ever gain meanings, never change them.
 */
export const EXIT = {
  /** The review completed; its findings are on stdout. */
  COMPLETED: 0,
  /** The job ran and failed (or was cancelled): the model refused the key, timed out, … */
  JOB_FAILED: 1,
  /** The review completed and a finding at or above --fail-on (default high) remains after suppressions (a CI gate). */
  FINDINGS: 2,
  /** Nothing ran: bad arguments, an unknown persona, a refused path, a store owned by a process that cannot be reached. */
  COULD_NOT_RUN: 3,
} as const;

/** The exit codes as `--help` lists them. */
export const EXIT_HELP = `Exit status of review: 0 the review completed with no finding at or above --fail-on
(default high) left after suppressions, 2 it completed with such a finding, 1 the job failed or
was cancelled, 3 could not run (bad arguments, unknown persona, refused path, unknown --base
ref, store owned by a process that cannot be reached). Ctrl+C cancels the job: 130 (SIGTERM: 143).`;
