import { Document, isSeq } from 'yaml';
import { COPILOT_AGENT_SUFFIX } from './agentFiles';
import type { Persona } from './personaFile';
import { modelToClaude, modelToCopilot } from './modelNames';
import { toolsToClaude, toolsToCopilot } from './toolNames';

/** The formats a persona can be exported to. */
export type PersonaExportFormat = 'claude' | 'copilot';

export const EXPORT_FORMATS: readonly { format: PersonaExportFormat; label: string; detail: string }[] = [
  { format: 'claude', label: 'Claude Code subagent', detail: '.claude/agents/<id>.md' },
  { format: 'copilot', label: 'Copilot custom agent', detail: `.github/agents/<id>${COPILOT_AGENT_SUFFIX}` },
];

export interface PersonaExport {
  /** Workspace-relative, with "/" separators. */
  relativePath: string;
  text: string;
  /** What the target format cannot hold, said plainly (empty when nothing is lost). */
  notes: string[];
}

/**
 * Writes a persona in another tool's format, with our tools and model mapped back to that
 * tool's names (src/personas/toolNames.ts, modelNames.ts). Loading the result gives the same
 * name (for Claude Code: the id, which is its name), description, prompt and tools.
 * Tools are always listed: both formats read a missing list as "every tool", edits included.
 */
export function exportPersona(persona: Persona, format: PersonaExportFormat): PersonaExport {
  const notes: string[] = [];
  if (persona.specialty) notes.push(`"specialty: ${persona.specialty}" has no field in this format and is not exported`);
  let fields: Record<string, unknown>;
  let relativePath: string;
  if (format === 'claude') {
    relativePath = `.claude/agents/${persona.id}.md`;
    if (persona.name !== persona.id) notes.push(`Claude Code uses the name as the id: the name "${persona.name}" is written as "${persona.id}"`);
    fields = { name: persona.id, description: persona.description, tools: toolsToClaude(persona.tools).join(', '), model: modelToClaude(persona.model) };
  } else {
    relativePath = `.github/agents/${persona.id}${COPILOT_AGENT_SUFFIX}`;
    const model = modelToCopilot(persona.model);
    if (model.note) notes.push(model.note);
    // The name is the id when loaded back, so only a name that lower-cases to the id is kept.
    const name = persona.name.toLowerCase() === persona.id ? persona.name : persona.id;
    if (name !== persona.name) notes.push(`the name "${persona.name}" is not usable as an id and is written as "${persona.id}"`);
    fields = { name, description: persona.description, tools: toolsToCopilot(persona.tools), ...(model.value ? { model: model.value } : {}) };
  }
  const doc = new Document(fields);
  // Flow style (`tools: ['read/readFile', ...]`) is how the VS Code docs write tool lists.
  const tools = doc.get('tools', true);
  if (isSeq(tools)) tools.flow = true;
  const frontMatter = doc.toString({ lineWidth: 0 });
  return { relativePath, text: `---\n${frontMatter}---\n${persona.systemPrompt.trim()}\n`, notes };
}
