// Personas written for other tools: Claude Code subagents (`.claude/agents/*.md`) and GitHub
// Copilot / VS Code custom agents (`.github/agents/*.agent.md`). Both are markdown with YAML
// front matter; the body is the system prompt.
//
// Claude Code: https://code.claude.com/docs/en/sub-agents ("Supported frontmatter fields"):
//   name (required; lowercase letters and hyphens), description (required), tools (optional,
//   comma-separated; all tools when absent), model (optional: sonnet | opus | haiku | a full
//   model id | inherit). Other fields (permissionMode, hooks, skills, ...) do not apply here.
// VS Code: https://code.visualstudio.com/docs/copilot/customization/custom-agents ("Header"):
//   description, name (optional; else the file name), tools (a list of tool or tool-set names;
//   a tool that is not available is ignored), model (a name, or a prioritised list of names).
import { basename } from 'node:path';
import { readFrontMatter } from './frontMatter';
import { mappedTools, notesOf, personaId, requiredPrompt, requiredText, type Persona } from './personaFile';
import { modelFromClaude, modelFromCopilot } from './modelNames';
import { toolsFromClaude, toolsFromCopilot } from './toolNames';

export const COPILOT_AGENT_SUFFIX = '.agent.md';

export function parseClaudeAgentFile(text: string, file: string): Persona {
  const fm = readFrontMatter(text, file);
  const name = requiredText(fm, 'name', file, 2);
  const id = personaId(name, file, fm.lineOf('name'), 'the name');
  const description = requiredText(fm, 'description', file, fm.lineOf('name'));
  const systemPrompt = requiredPrompt(fm, file);
  const tools = mappedTools(fm, toolsFromClaude);
  const model = modelFromClaude(fm.fields['model']);
  return { id, name, description, tools: tools.tools, model: model.model, specialty: null, systemPrompt, source: file, format: 'claude', notes: notesOf(tools.note, model.note) };
}

export function parseCopilotAgentFile(text: string, file: string): Persona {
  const fm = readFrontMatter(text, file);
  const hasName = 'name' in fm.fields;
  const name = hasName ? requiredText(fm, 'name', file, 2) : basename(file).slice(0, -COPILOT_AGENT_SUFFIX.length);
  const id = personaId(name, file, hasName ? fm.lineOf('name') : 1, hasName ? 'the name' : 'the file name');
  const description = requiredText(fm, 'description', file, 2);
  const systemPrompt = requiredPrompt(fm, file);
  const tools = mappedTools(fm, toolsFromCopilot);
  const model = modelFromCopilot(fm.fields['model']);
  return { id, name, description, tools: tools.tools, model: model.model, specialty: null, systemPrompt, source: file, format: 'copilot', notes: notesOf(tools.note, model.note) };
}
