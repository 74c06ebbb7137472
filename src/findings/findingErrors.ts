/** The findings' failure codes and what each means. */
export const FINDING_ERROR_CODES = {
  SUPPRESSIONS_INVALID: 'The suppressions file .agent-os/suppressions.json does not parse or validate; nothing is suppressed and the file is not written until it is fixed.',
} as const;

/**
 * What to do about each code, in general: the troubleshooting table of docs/persona-guide.md is
 * generated from it (a thrown error's own hint is more specific).
 * Typed by the table's codes, so a new code does not compile without its hint.
 */
export const FINDING_ERROR_HINTS: Record<keyof typeof FINDING_ERROR_CODES, string> = {
  SUPPRESSIONS_INVALID: 'Fix the line the message names (git diff .agent-os/suppressions.json shows the hand edit), or restore it with git checkout; each entry needs fingerprint, persona, title, file, reason (false-positive, wont-fix or accepted-risk), note, by and at.',
};

declare module '../core/errors' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this domain's codes to the union (declaration merging)
  interface ErrorCodes extends Record<keyof typeof FINDING_ERROR_CODES, true> {}
}
