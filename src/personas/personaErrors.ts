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

/**
 * What to do about each code, in general: the troubleshooting table of docs/persona-guide.md is
 * generated from it (a thrown error's own hint is more specific).
 * Typed by the table's codes, so a new code does not compile without its hint.
 */
export const PERSONA_ERROR_HINTS: Record<keyof typeof PERSONA_ERROR_CODES, string> = {
  NO_API_KEY: 'Run "Personas: Set Anthropic API Key" or set ANTHROPIC_API_KEY; or set agentOsPersonas.model.provider to "demo" (CLI: AGENT_OS_PROVIDER=demo) to try the offline demo model.',
  BAD_API_KEY: 'Set a valid key again ("Personas: Set Anthropic API Key" or ANTHROPIC_API_KEY), and check agentOsPersonas.model.baseUrl points at the server the key is for.',
  MODEL_NOT_FOUND: 'Set "model:" in the persona file, or agentOsPersonas.model.name (CLI: AGENT_OS_MODEL), to a model your key can use.',
  MODEL_BAD_REQUEST: 'Check the persona\'s "model:" and the agentOsPersonas.model.* settings (maxTokens above what the model allows is a common cause), then retry.',
  MODEL_RATE_LIMITED: 'Wait a minute and retry the job, or lower agentOsPersonas.jobs.workerCount so fewer jobs call the model at once.',
  MODEL_OVERLOADED: 'Retry the job in a few minutes.',
  MODEL_CONTEXT_TOO_LONG: 'Send a smaller selection or fewer files, or lower agentOsPersonas.context.maxChars.',
  MODEL_UNREACHABLE: 'Check the network, a proxy, and agentOsPersonas.model.baseUrl (CLI: ANTHROPIC_BASE_URL), then retry the job.',
  MODEL_TIMEOUT: 'Retry the job; a slow gateway may need a larger agentOsPersonas.model.requestTimeoutSeconds.',
  MODEL_ERROR: 'Retry the job; the message quotes what the model server said.',
  MODEL_UNAVAILABLE: 'vscode-lm works only inside VS Code: in the CLI use ANTHROPIC_API_KEY or AGENT_OS_PROVIDER=demo.',
  NO_CHAT_MODEL: 'Install and sign in to a chat model provider (such as GitHub Copilot), check agentOsPersonas.model.vscodeLmSelector, or set agentOsPersonas.model.provider to "anthropic" or "demo".',
  MODEL_NO_PERMISSION: 'Run the job again and allow Agent OS Personas to use the model when VS Code asks, or set agentOsPersonas.model.provider to "anthropic" or "demo".',
  MODEL_BLOCKED: 'Wait and retry, pick another model with agentOsPersonas.model.vscodeLmSelector, or set agentOsPersonas.model.provider to "anthropic" or "demo".',
  UNKNOWN_PERSONA: 'Use an id that list_personas (or `npx agent-os-personas personas`) shows; the message lists the known ones. A persona file that did not load is in the Problems panel.',
  TOOL_ERROR: 'Read the message: it says which tool and why. Narrow the call (a smaller folder, a simpler pattern) or run the job from the editor or the CLI in the workspace.',
  PANEL_FAILED: 'Open the panel\'s personas in Persona Jobs: each has its own error and hint. Fix the cause, then Retry Job on the panel.',
};

declare module '../core/errors' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds this domain's codes to the union (declaration merging)
  interface ErrorCodes extends Record<keyof typeof PERSONA_ERROR_CODES, true> {}
}
