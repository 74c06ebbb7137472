import { redactSecrets } from './redact';

/**
 * The one error type every user- or agent-visible failure is expressed in.
 * `code` is stable (tests and agents branch on it); `hint` says what to do next.
 *
 * The codes live with their domain: each module that fails in its own ways keeps a table of
 * its codes (`src/jobs/jobErrors.ts`, `src/personas/personaErrors.ts`,
 * `src/standards/standardErrors.ts`) and adds them to `ErrorCodes` by declaration merging, so
 * the type knows every code while this file knows none of those modules. The codes here are
 * the few that belong to no one domain: bad input, a refused path, no folder, a cancel, a bug.
 */
export const CORE_ERROR_CODES = {
  NO_WORKSPACE: 'No folder is open, so there is no store for jobs and standards.',
  INVALID_INPUT: 'An argument was missing, malformed or out of range; nothing was changed.',
  PATH_REFUSED: 'A path from the input points outside the workspace or into a private folder.',
  CANCELLED: 'The work was cancelled by whoever started it.',
  INTERNAL: 'A bug in Agent OS Personas; the output channel has the details.',
} as const;

/**
 * What to do about each code, in general: the troubleshooting table of docs/persona-guide.md is
 * generated from it (a thrown error's own hint is more specific).
 * Typed by the table's codes, so a new code does not compile without its hint.
 */
export const CORE_ERROR_HINTS: Record<keyof typeof CORE_ERROR_CODES, string> = {
  NO_WORKSPACE: 'Open a folder (File > Open Folder, or run the CLI in the project folder): jobs and standards are kept in its .agent-os folder.',
  INVALID_INPUT: 'Read the message: it names the argument and what it takes. Fix that one argument and call again.',
  PATH_REFUSED: 'Give a path relative to the workspace root, such as "src/index.ts", with no ".." and no link out of it; of .agent-os/ only standards/ can be read.',
  CANCELLED: 'Nothing to do; Retry Job (or retry_persona_job) runs it again.',
  INTERNAL: 'Retry once; if it happens again, report it with the lines of the output channel "Agent OS Personas" (or the CLI\'s stderr).',
};

/** Every code, by declaration merging: each domain's table adds its own. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the domains' tables extend it (declaration merging)
export interface ErrorCodes extends Record<keyof typeof CORE_ERROR_CODES, true> {}

export type PersonaErrorCode = keyof ErrorCodes;

export interface SerializedError {
  code: PersonaErrorCode;
  message: string;
  hint: string;
}

export class PersonaError extends Error {
  readonly code: PersonaErrorCode;
  readonly hint: string;

  constructor(code: PersonaErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PersonaError';
    this.code = code;
    this.hint = hint;
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, hint: this.hint };
  }

  static from(serialized: SerializedError): PersonaError {
    return new PersonaError(serialized.code, serialized.message, serialized.hint);
  }
}

/**
 * Any thrown value as a SerializedError, keeping a PersonaError's code and hint. This is what
 * crosses from a worker to the job store and to callers, so credentials are redacted here too
 * (by pattern: the key itself is not known here), whatever the error quoted.
 */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof PersonaError) {
    return { code: err.code, message: redactSecrets(err.message), hint: redactSecrets(err.hint) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'INTERNAL',
    message: `Unexpected error: ${redactSecrets(message)}`,
    hint: 'This is a bug in Agent OS Personas; the output channel "Agent OS Personas" has details.',
  };
}
