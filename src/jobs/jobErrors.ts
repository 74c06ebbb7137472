/** The job queue's failure codes and what each means (the hint on each error says what to do). */
export const JOB_ERROR_CODES = {
  JOB_NOT_FOUND: 'No job has that id; finished jobs are removed after their retention period.',
  INVALID_TRANSITION: 'The job is not in a state that allows this (e.g. retrying a completed job).',
  STORE_NEWER_VERSION: 'The store was written by a newer version of Agent OS Personas.',
  STORE_CORRUPT: 'A store migration failed; the files are left as they were.',
  STORE_CLOSED: 'The store was closed (the window is reloading or the CLI is stopping).',
  STORE_LOCKED: 'Another process owns this workspace\'s store.',
  STORE_FULL: 'The store is past its size limit even after tightening retention; new jobs are refused.',
  STORE_DISK_FULL: 'The disk holding the job store (.agent-os) is full: the change was refused and not saved; what was saved before is kept.',
  JOB_INTERRUPTED: 'The job\'s process stopped too many times while it ran.',
  WORKER_CRASHED: 'The worker thread running the job stopped unexpectedly.',
  JOB_TIMEOUT: 'The job ran past its wall-clock limit; its worker was stopped.',
  TOOL_TIMEOUT: 'A step of the job (a tool call) ran past its limit without yielding; its worker was stopped.',
} as const;

/**
 * What to do about each code, in general: the troubleshooting table of docs/persona-guide.md is
 * generated from it (a thrown error's own hint is more specific).
 * Typed by the table's codes, so a new code does not compile without its hint.
 */
export const JOB_ERROR_HINTS: Record<keyof typeof JOB_ERROR_CODES, string> = {
  JOB_NOT_FOUND: 'List the jobs (Persona Jobs view, list_persona_jobs) for the ids that exist; a finished job is removed after agentOsPersonas.jobs.retentionDays.',
  INVALID_TRANSITION: 'Check the job\'s status first: only queued or running jobs can be cancelled, only failed or cancelled ones retried.',
  STORE_NEWER_VERSION: 'Update Agent OS Personas (extension and CLI) to the newest version, or move .agent-os/jobs.* aside to start an empty store.',
  STORE_CORRUPT: 'Report it with the output channel\'s lines; to go on now, move .agent-os/jobs.* aside (the standards in .agent-os/standards are not touched).',
  STORE_CLOSED: 'Reload the window (or start the CLI again) to reopen the store.',
  STORE_LOCKED: 'Close the other VS Code window or CLI using this folder, or let the CLI hand the work to the editor that owns it; a crashed owner\'s lock is taken over automatically.',
  STORE_FULL: 'Raise agentOsPersonas.jobs.maxStoreMegabytes, lower the retention days, or delete old jobs with reset_persona_jobs (confirm: true).',
  STORE_DISK_FULL: 'Free some space on that disk; the store resumes by itself, no restart needed. Nothing saved before was lost.',
  JOB_INTERRUPTED: 'Retry the job; if it keeps stopping, the output channel "Agent OS Personas" has the worker errors.',
  WORKER_CRASHED: 'Retry the job (a new worker replaces the one that stopped); if it crashes again, report it with the output channel\'s lines.',
  JOB_TIMEOUT: 'Retry with a smaller context or fewer files, or raise agentOsPersonas.jobs.timeoutMinutes.',
  TOOL_TIMEOUT: 'Retry the job with a narrower task or a smaller folder; a tool call has 30 s.',
};

declare module '../core/errors' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this domain's codes to the union (declaration merging)
  interface ErrorCodes extends Record<keyof typeof JOB_ERROR_CODES, true> {}
}
