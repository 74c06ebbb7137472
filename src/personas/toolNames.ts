// Tool names in the three persona formats and how they map to ours. Every persona tool is
// read-only towards the workspace (propose_standard only proposes; a person approves).
//
// Claude Code tool names: https://code.claude.com/docs/en/tools-reference (the names used in
// subagent `tools` lists). VS Code / Copilot tool and tool-set names:
// https://code.visualstudio.com/docs/agents/reference/tools-reference and the older flat names
// (`codebase`, `usages`, `fetch`) that custom agent examples still use.

/** The review tools: what a persona file that names no tools gets. */
export const PERSONA_TOOLS = ['search_standards', 'read_file', 'list_files', 'grep', 'propose_standard'] as const;
/**
 * The phase-gated workflow tools. They run in the host (the sessions live in the store) and a
 * persona gets them only by naming them, as the workflow executor does.
 */
export const WORKFLOW_TOOLS = ['list_workflows', 'start_workflow', 'get_current_phase', 'get_task', 'complete_phase', 'get_workflow_state'] as const;
export type WorkflowToolName = (typeof WORKFLOW_TOOLS)[number];
export type PersonaTool = (typeof PERSONA_TOOLS)[number] | WorkflowToolName;
const KNOWN_TOOLS: readonly string[] = [...PERSONA_TOOLS, ...WORKFLOW_TOOLS];

/** The MCP server name under which our tools are expected in other tools' configuration. */
export const MCP_SERVER_NAME = 'agent-os-personas';

export interface MappedTools {
  tools: PersonaTool[];
  /** Names that have no read-only equivalent here: dropped, and said so on the persona. */
  dropped: string[];
}

function isPersonaTool(name: string): name is PersonaTool {
  return KNOWN_TOOLS.includes(name);
}

/** Keys are lower case: Claude Code spells them `Read`, people also write `read`. */
const FROM_CLAUDE: Record<string, readonly PersonaTool[]> = {
  read: ['read_file'],
  notebookread: ['read_file'],
  grep: ['grep'],
  glob: ['list_files'],
  ls: ['list_files'],
};

const TO_CLAUDE: Partial<Record<PersonaTool, string>> = {
  read_file: 'Read',
  grep: 'Grep',
  list_files: 'Glob',
};

const EVERY_READ: readonly PersonaTool[] = ['grep', 'list_files', 'read_file'];

/** Keys are lower case; both the qualified (`search/textSearch`) and the flat names. */
const FROM_COPILOT: Record<string, readonly PersonaTool[]> = {
  read: ['read_file'],
  'read/readfile': ['read_file'],
  readfile: ['read_file'],
  search: EVERY_READ,
  codebase: EVERY_READ,
  'search/codebase': EVERY_READ,
  textsearch: ['grep'],
  'search/textsearch': ['grep'],
  // Symbol references: text search is the nearest read-only tool we have.
  usages: ['grep'],
  'search/usages': ['grep'],
  filesearch: ['list_files'],
  'search/filesearch': ['list_files'],
  listdirectory: ['list_files'],
  'search/listdirectory': ['list_files'],
};

const TO_COPILOT: Partial<Record<PersonaTool, string>> = {
  read_file: 'read/readFile',
  grep: 'search/textSearch',
  list_files: 'search/listDirectory',
};

/** A `tools` value as a list of names: a YAML list, or Claude's comma-separated text. */
export function toolNameList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

function mapNames(names: string[], lookup: (name: string) => readonly PersonaTool[] | undefined): MappedTools {
  const tools: PersonaTool[] = [];
  const dropped: string[] = [];
  for (const name of names) {
    const mapped = isPersonaTool(name) ? [name] : lookup(name);
    if (!mapped) {
      dropped.push(name);
      continue;
    }
    for (const tool of mapped) if (!tools.includes(tool)) tools.push(tool);
  }
  return { tools, dropped };
}

/** Our own format: our names only. */
export function toolsFromAgentOs(names: string[]): MappedTools {
  return mapNames(names, () => undefined);
}

export function toolsFromClaude(names: string[]): MappedTools {
  return mapNames(names, (name) => {
    const mcp = /^mcp__(.+)__([a-z_]+)$/.exec(name);
    if (mcp) return mcp[1] === MCP_SERVER_NAME && isPersonaTool(mcp[2]!) ? [mcp[2]] : undefined;
    return FROM_CLAUDE[name.toLowerCase()];
  });
}

export function toolsFromCopilot(names: string[]): MappedTools {
  return mapNames(names, (name) => {
    const [server, tool] = name.split('/', 2);
    if (server === MCP_SERVER_NAME && tool !== undefined) {
      if (tool === '*') return PERSONA_TOOLS;
      return isPersonaTool(tool) ? [tool] : undefined;
    }
    return FROM_COPILOT[name.toLowerCase()];
  });
}

/** Our other tools are MCP tools there: Claude Code names one mcp__<server>__<tool>. */
export function toolsToClaude(tools: readonly PersonaTool[]): string[] {
  return tools.map((t) => TO_CLAUDE[t] ?? `mcp__${MCP_SERVER_NAME}__${t}`);
}

/** VS Code names an MCP tool <server>/<tool>. */
export function toolsToCopilot(tools: readonly PersonaTool[]): string[] {
  return tools.map((t) => TO_COPILOT[t] ?? `${MCP_SERVER_NAME}/${t}`);
}

/** The note kept on a persona whose file named tools we do not have. */
export function droppedToolsNote(dropped: string[]): string | undefined {
  if (dropped.length === 0) return undefined;
  return `tools without a read-only equivalent here were dropped: ${dropped.join(', ')}`;
}
