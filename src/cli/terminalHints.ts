import type { PersonaErrorCode } from '../core/errors';

/**
 * An error's hint is written for the editor ("Run Personas: Set Anthropic API Key", a setting
 * name). In a terminal the same failure has another remedy: an environment variable, a flag.
 * Only the codes whose hint names the editor's way are listed; every other hint reads the same
 * on both surfaces and is printed as it is.
 */
const TERMINAL_HINTS: Partial<Record<PersonaErrorCode, string>> = {
  NO_API_KEY: 'Set the key in the environment (export ANTHROPIC_API_KEY=…), or run with AGENT_OS_PROVIDER=demo for the offline demo model.',
  BAD_API_KEY: 'Check the key in ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=…), or run with AGENT_OS_PROVIDER=demo for the offline demo model.',
  MODEL_NOT_FOUND: 'Set "model:" in the persona file, or AGENT_OS_MODEL to a model your key can use.',
  MODEL_BAD_REQUEST: 'Check the persona\'s "model:", AGENT_OS_MODEL and ANTHROPIC_BASE_URL; if they look right, report the request as a bug.',
  MODEL_UNREACHABLE: 'Check the network and ANTHROPIC_BASE_URL, then run the review again.',
  MODEL_TIMEOUT: 'Run the review again; if it keeps happening, check the network and ANTHROPIC_BASE_URL.',
  MODEL_RATE_LIMITED: 'Wait a minute and run the review again.',
  MODEL_CONTEXT_TOO_LONG: 'Review fewer or smaller files.',
  MODEL_ERROR: 'Run the review again; if it persists, check the service status.',
  JOB_TIMEOUT: 'Review fewer or smaller files, or split the review.',
  STORE_FULL: 'Remove old jobs with the reset_persona_jobs tool of `agent-os-personas mcp` (from any MCP client), then run the review again; queued and running jobs are kept.',
  STORE_LOCKED:
    'If VS Code has this folder open, reload its window (Developer: Reload Window) so that it publishes a fresh endpoint; if you did not create .agent-os/mcp-endpoint.json, delete it; otherwise close the other process using this folder. Then run the command again.',
  INTERNAL: 'This is a bug in Agent OS Personas; run again with the same arguments and report the output above.',
};

/** The hint to print in a terminal for an error with this code and editor hint. */
export function terminalHint(code: string, hint: string): string {
  return Object.hasOwn(TERMINAL_HINTS, code) ? TERMINAL_HINTS[code as PersonaErrorCode]! : hint;
}

/** The codes that have a terminal hint of their own (for the test that keeps them free of editor-only remedies). */
export const TERMINAL_HINT_CODES = Object.keys(TERMINAL_HINTS) as PersonaErrorCode[];
