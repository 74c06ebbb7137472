/** The job queue's failure codes and what each means (the hint on each error says what to do). */
export const JOB_ERROR_CODES = {
  JOB_NOT_FOUND: 'No job has that id; finished jobs are removed after their retention period.',
  INVALID_TRANSITION: 'The job is not in a state that allows this (e.g. retrying a completed job).',
  STORE_NEWER_VERSION: 'The store was written by a newer version of Agent OS Personas.',
  STORE_CORRUPT: 'A store migration failed; the files are left as they were.',
  STORE_CLOSED: 'The store was closed (the window is reloading or the CLI is stopping).',
  STORE_LOCKED: 'Another process owns this workspace\'s store.',
  STORE_FULL: 'The store is past its size limit even after tightening retention; new jobs are refused.',
  JOB_INTERRUPTED: 'The job\'s process stopped too many times while it ran.',
  WORKER_CRASHED: 'The worker thread running the job stopped unexpectedly.',
  JOB_TIMEOUT: 'The job ran past its wall-clock limit; its worker was stopped.',
  TOOL_TIMEOUT: 'A step of the job (a tool call) ran past its limit without yielding; its worker was stopped.',
} as const;

declare module '../core/errors' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this domain's codes to the union (declaration merging)
  interface ErrorCodes extends Record<keyof typeof JOB_ERROR_CODES, true> {}
}
