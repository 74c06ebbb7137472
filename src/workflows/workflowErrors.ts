/** The workflows' failure codes and what each means. */
export const WORKFLOW_ERROR_CODES = {
  UNKNOWN_WORKFLOW: 'No loaded workflow has that id.',
  WORKFLOW_SESSION_NOT_FOUND: 'No workflow session has that id.',
  WORKFLOW_PHASE_MISMATCH: 'The phase named is not the session\'s current phase (or another caller just completed it).',
  WORKFLOW_NOT_ACTIVE: 'The workflow session is completed or abandoned.',
  WORKFLOW_TASK_NOT_FOUND: 'The current phase has no task with that number.',
  EVIDENCE_REFUSED: 'The evidence did not pass the phase\'s gate; the phase stays current.',
  EVIDENCE_TOO_LARGE: 'The evidence is over the size or nesting limit.',
} as const;

declare module '../core/errors' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this domain's codes to the union (declaration merging)
  interface ErrorCodes extends Record<keyof typeof WORKFLOW_ERROR_CODES, true> {}
}
