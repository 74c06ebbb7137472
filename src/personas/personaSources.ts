import { basename, join } from 'node:path';
import { COPILOT_AGENT_SUFFIX, parseClaudeAgentFile, parseCopilotAgentFile } from './agentFiles';
import { parsePersonaFile, type Persona, type PersonaFormat } from './personaFile';

/** One folder of persona files in one format. */
export interface PersonaSource {
  format: PersonaFormat;
  folder: string;
  /** Files in `folder` whose names end with this are personas. */
  suffix: string;
  /**
   * The workspace folder this source lives in: set for sources that can change while we run,
   * which the watchers follow; absent for the shipped personas.
   */
  workspaceRoot?: string;
}

/** The workspace's persona folders, workspace-relative, in precedence order. */
export const WORKSPACE_PERSONA_FOLDERS: readonly { format: PersonaFormat; folder: string }[] = [
  { format: 'agent-os', folder: '.agent-os/personas' },
  { format: 'claude', folder: '.claude/agents' },
  { format: 'copilot', folder: '.github/agents' },
];

/**
 * Every persona source, in precedence order (a later source overrides an earlier one by id):
 * the shipped `personas/*.md`, then the workspace's `.agent-os/personas/*.md`,
 * `.claude/agents/*.md` and `.github/agents/*.agent.md`.
 */
export function personaSources(extensionRoot: string, workspaceRoot: string | undefined): PersonaSource[] {
  const shipped: PersonaSource = { format: 'agent-os', folder: join(extensionRoot, 'personas'), suffix: '.md' };
  if (workspaceRoot === undefined) return [shipped];
  return [
    shipped,
    ...WORKSPACE_PERSONA_FOLDERS.map(({ format, folder }) => ({
      format,
      folder: join(workspaceRoot, ...folder.split('/')),
      suffix: format === 'copilot' ? COPILOT_AGENT_SUFFIX : '.md',
      workspaceRoot,
    })),
  ];
}

/** Parses one file of `format`; throws a PersonaError carrying the problem (file and line). */
export function parsePersonaFileAs(format: PersonaFormat, text: string, file: string): Persona {
  switch (format) {
    case 'agent-os':
      return parsePersonaFile(text, file, basename(file, '.md'));
    case 'claude':
      return parseClaudeAgentFile(text, file);
    case 'copilot':
      return parseCopilotAgentFile(text, file);
  }
}
