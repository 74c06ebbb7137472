// Model names in the three persona formats and how they map to Anthropic model ids.
// `null` means "the configured model" (agentOsPersonas.model.name, or AGENT_OS_MODEL in the CLI).

/**
 * Claude Code's aliases, resolved to the newest model of each family: the one table to update
 * when a family gets a new model. Taken from the model ids of the @anthropic-ai/sdk version this
 * project ships (its `Model` type, newest first), which match what the aliases resolve to in
 * Claude Code (https://code.claude.com/docs/en/sub-agents, "model").
 */
export const CLAUDE_MODEL_ALIASES: Readonly<Record<string, string>> = {
  opus: 'claude-opus-5-5',
  sonnet: 'claude-sonnet-5-5',
  haiku: 'claude-haiku-5-5',
};

/** The model a persona runs on when neither it nor the settings name one: Claude Code's `sonnet`. */
export const DEFAULT_ANTHROPIC_MODEL: string = CLAUDE_MODEL_ALIASES['sonnet']!;

/**
 * Anthropic ids that a display name such as "Claude Sonnet 4.5" may stand for. A Copilot model
 * name whose id is not here is reported, not guessed.
 */
const KNOWN_ANTHROPIC_MODELS: ReadonlySet<string> = new Set([
  'claude-opus-5-5',
  'claude-sonnet-5-5',
  'claude-haiku-5-5',
  'claude-opus-5',
  'claude-sonnet-5',
  'claude-opus-4-8',
  'claude-opus-4-7',
  'claude-opus-4-6',
  'claude-sonnet-4-6',
  'claude-opus-4-5',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-opus-4-1',
  'claude-opus-4-0',
  'claude-sonnet-4-0',
]);

export interface MappedModel {
  model: string | null;
  /** Set when the file named a model we could not use: kept on the persona. */
  note?: string;
}

/** Our own format: an alias or `inherit` like Claude Code; any other text is the model id as written. */
export function modelFromAgentOs(value: unknown): MappedModel {
  if (typeof value !== 'string' || value.trim() === '' || value.trim() === 'inherit') return { model: null };
  const v = value.trim();
  return { model: CLAUDE_MODEL_ALIASES[v.toLowerCase()] ?? v };
}

/** Claude Code: `sonnet | opus | haiku | inherit` or a full model id. */
export function modelFromClaude(value: unknown): MappedModel {
  if (value === undefined || value === null) return { model: null };
  if (typeof value !== 'string') return { model: null, note: `model ${JSON.stringify(value)} is not text; the configured model is used` };
  const v = value.trim();
  if (v === '' || v === 'inherit') return { model: null };
  const alias = CLAUDE_MODEL_ALIASES[v.toLowerCase()];
  if (alias) return { model: alias };
  if (/^claude-[a-z0-9.-]+$/i.test(v)) return { model: v };
  return { model: null, note: `model "${v}" is not an alias or a Claude model id we know; the configured model is used` };
}

/**
 * Copilot: a display name ("Claude Sonnet 4.5", "Claude Sonnet 4.5 (copilot)") or a prioritised
 * list of them; the first one that names a known Anthropic model wins.
 */
export function modelFromCopilot(value: unknown): MappedModel {
  if (value === undefined || value === null) return { model: null };
  const names = (Array.isArray(value) ? value : [value]).map((v) => String(v).trim()).filter(Boolean);
  for (const name of names) {
    const id = anthropicIdFromDisplayName(name);
    if (id) return { model: id };
  }
  if (names.length === 0) return { model: null };
  return { model: null, note: `model ${names.map((n) => `"${n}"`).join(', ')} is not an Anthropic model we recognise; the configured model is used` };
}

function anthropicIdFromDisplayName(name: string): string | undefined {
  if (KNOWN_ANTHROPIC_MODELS.has(name.toLowerCase())) return name.toLowerCase();
  // "Claude Sonnet 4.5 (copilot)": family, version, optional vendor in parentheses.
  const m = /^claude\s+([a-z]+)\s+(\d+)(?:\.(\d+))?(?:\s*\([^)]*\))?$/i.exec(name);
  if (!m) return undefined;
  const family = m[1]!.toLowerCase();
  const candidates = m[3] !== undefined ? [`claude-${family}-${m[2]}-${m[3]}`] : [`claude-${family}-${m[2]}`, `claude-${family}-${m[2]}-0`];
  return candidates.find((id) => KNOWN_ANTHROPIC_MODELS.has(id));
}

/** For a Claude Code file: the alias when the id is what the alias means, else the id; null is `inherit`. */
export function modelToClaude(model: string | null): string {
  if (model === null) return 'inherit';
  const alias = Object.entries(CLAUDE_MODEL_ALIASES).find(([, id]) => id === model)?.[0];
  return alias ?? model;
}

/** For a Copilot file: "Claude Sonnet 4.5" from `claude-sonnet-4-5[-date]`; undefined (no field) otherwise. */
export function modelToCopilot(model: string | null): MappedModel & { value?: string } {
  if (model === null) return { model };
  const m = /^claude-([a-z]+)-(\d+)(?:-(\d{1,2}))?(?:-\d{8})?$/.exec(model);
  if (!m) return { model, note: `model "${model}" has no Copilot display name; the exported agent uses the model picker's choice` };
  const family = m[1]!.charAt(0).toUpperCase() + m[1]!.slice(1);
  const version = m[3] !== undefined && m[3] !== '0' ? `${m[2]}.${m[3]}` : m[2]!;
  return { model, value: `Claude ${family} ${version}` };
}
