/** The personas' failure codes (models, personas, tools, panels) and what each means. */
export const PERSONA_ERROR_CODES = {
  NO_API_KEY: 'The Anthropic provider was chosen and no API key is set.',
  BAD_API_KEY: 'The model server refused the API key.',
  MODEL_NOT_FOUND: 'The model server does not know the model named.',
  MODEL_BAD_REQUEST: 'The model server refused the request as malformed.',
  MODEL_RATE_LIMITED: 'The model server kept answering 429 after the retries.',
  MODEL_OVERLOADED: 'The model server kept answering 529 (overloaded) after the retries.',
  MODEL_CONTEXT_TOO_LONG: 'The request was longer than the model takes.',
  MODEL_UNREACHABLE: 'The model server could not be reached.',
  MODEL_TIMEOUT: 'The model sent nothing for longer than the request timeout.',
  MODEL_ERROR: 'The model server failed in a way not listed here.',
  MODEL_UNAVAILABLE: 'The chosen provider cannot run here (vscode-lm outside VS Code).',
  NO_CHAT_MODEL: 'VS Code offers no chat model matching the selector.',
  MODEL_NO_PERMISSION: 'VS Code\'s consent to use the chat model was not given.',
  MODEL_BLOCKED: 'The chat model\'s provider refused the request (quota, policy).',
  UNKNOWN_PERSONA: 'No loaded persona has that id.',
  TOOL_ERROR: 'A persona tool could not run here.',
  PANEL_FAILED: 'No persona on a panel answered.',
} as const;

declare module '../core/errors' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this domain's codes to the union (declaration merging)
  interface ErrorCodes extends Record<keyof typeof PERSONA_ERROR_CODES, true> {}
}
