/**
 * The one error type every user- or agent-visible failure is expressed in.
 * `code` is stable (tests and agents branch on it); `hint` says what to do next.
 */
export type PersonaErrorCode =
  | 'NO_WORKSPACE'
  | 'NO_API_KEY'
  | 'BAD_API_KEY'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_BAD_REQUEST'
  | 'MODEL_RATE_LIMITED'
  | 'MODEL_OVERLOADED'
  | 'MODEL_CONTEXT_TOO_LONG'
  | 'MODEL_UNREACHABLE'
  | 'MODEL_TIMEOUT'
  | 'MODEL_ERROR'
  /** A provider that cannot run here (vscode-lm outside VS Code). */
  | 'MODEL_UNAVAILABLE'
  /** VS Code offers no chat model matching the selector. */
  | 'NO_CHAT_MODEL'
  /** The user has not allowed this extension to use the chat model (VS Code's consent). */
  | 'MODEL_NO_PERMISSION'
  /** The chat model's provider refused the request (quota, policy). */
  | 'MODEL_BLOCKED'
  | 'UNKNOWN_PERSONA'
  | 'INVALID_INPUT'
  | 'PATH_REFUSED'
  | 'TOOL_ERROR'
  | 'JOB_NOT_FOUND'
  | 'INVALID_TRANSITION'
  | 'STORE_NEWER_VERSION'
  | 'STORE_CORRUPT'
  | 'STORE_CLOSED'
  | 'STORE_LOCKED'
  | 'STORE_FULL'
  | 'JOB_INTERRUPTED'
  | 'WORKER_CRASHED'
  | 'PANEL_FAILED'
  /** Approval would overwrite an existing standard file; never done. */
  | 'STANDARD_EXISTS'
  | 'PROPOSAL_NOT_FOUND'
  /** The proposal was already approved or rejected. */
  | 'PROPOSAL_DECIDED'
  | 'CANCELLED'
  | 'INTERNAL';

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

/** Any thrown value as a SerializedError, keeping a PersonaError's code and hint. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof PersonaError) {
    return err.toJSON();
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'INTERNAL',
    message: `Unexpected error: ${message}`,
    hint: 'This is a bug in Agent OS Personas; the output channel "Agent OS Personas" has details.',
  };
}
