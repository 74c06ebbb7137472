/** The standards' failure codes and what each means. */
export const STANDARD_ERROR_CODES = {
  STANDARD_EXISTS: 'Approval would overwrite an existing standard file; it never does.',
  PROPOSAL_NOT_FOUND: 'No proposal has that id.',
  PROPOSAL_DECIDED: 'The proposal was already approved or rejected.',
} as const;

declare module '../core/errors' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this domain's codes to the union (declaration merging)
  interface ErrorCodes extends Record<keyof typeof STANDARD_ERROR_CODES, true> {}
}
