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

/**
 * What to do about each code, in general: the troubleshooting table of docs/persona-guide.md is
 * generated from it (a thrown error's own hint is more specific).
 * Typed by the table's codes, so a new code does not compile without its hint.
 */
export const WORKFLOW_ERROR_HINTS: Record<keyof typeof WORKFLOW_ERROR_CODES, string> = {
  UNKNOWN_WORKFLOW: 'Use an id that list_workflows shows (the message lists them); a workflow file that did not load is in the Problems panel.',
  WORKFLOW_SESSION_NOT_FOUND: 'Use the session_id that start_workflow or invoke_workflow_executor returned, or start a new session.',
  WORKFLOW_PHASE_MISMATCH: 'Call get_current_phase and work on the phase it shows.',
  WORKFLOW_NOT_ACTIVE: 'Start a new session with start_workflow; get_workflow_state still shows this one\'s evidence.',
  WORKFLOW_TASK_NOT_FOUND: 'Use a task number that get_current_phase lists for the current phase.',
  EVIDENCE_REFUSED: 'Fix exactly the fields the refusal names, with facts you read (counts, path:line locations), and call complete_phase again; the phase stays current.',
  EVIDENCE_TOO_LARGE: 'Send only the fields the gate asks for, as flat lists of counts, locations and findings (at most 256 KB, 32 levels deep).',
};

declare module '../core/errors' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this domain's codes to the union (declaration merging)
  interface ErrorCodes extends Record<keyof typeof WORKFLOW_ERROR_CODES, true> {}
}
