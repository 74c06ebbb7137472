/** The standards' failure codes and what each means. */
export const STANDARD_ERROR_CODES = {
  STANDARD_EXISTS: 'Approval would overwrite an existing standard file; it never does.',
  PROPOSAL_NOT_FOUND: 'No proposal has that id.',
  PROPOSAL_DECIDED: 'The proposal was already approved or rejected.',
} as const;

/**
 * What to do about each code, in general: the troubleshooting table of docs/persona-guide.md is
 * generated from it (a thrown error's own hint is more specific).
 * Typed by the table's codes, so a new code does not compile without its hint.
 */
export const STANDARD_ERROR_HINTS: Record<keyof typeof STANDARD_ERROR_CODES, string> = {
  STANDARD_EXISTS: 'Pick another topic in the Standards view before approving, or edit the existing file itself.',
  PROPOSAL_NOT_FOUND: 'Open the Standards view for the proposals that wait; a decided proposal is no longer pending.',
  PROPOSAL_DECIDED: 'Nothing to do: a decision is final. Propose again (propose_standard, or "Personas: New Standard…") to change it.',
};

declare module '../core/errors' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this domain's codes to the union (declaration merging)
  interface ErrorCodes extends Record<keyof typeof STANDARD_ERROR_CODES, true> {}
}
