import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import type { JobSummary } from '../jobs/types';
import type { PersonaServices } from '../services';
import { contextForCommand, type ContextSourceKind } from './contextPicker';
import { followJob } from './jobProgress';
import { groupPersonas } from './personaGroups';
import type { Persona } from '../personas/personaFile';

/** Arguments accepted by `agentOsPersonas.askPersona`, so tests and other extensions need no UI. */
export interface AskArgs {
  persona?: string;
  task?: string;
  /** Text to review; when absent, `contextSource` decides. */
  context?: string;
  /** Where the context comes from when `context` is absent (default: asked when interactive, else `auto`). */
  contextSource?: ContextSourceKind;
  /** Workspace-relative files for `contextSource: 'files'`. */
  files?: string[];
  priority?: number;
  /** Show the progress notification and open the result (default: true when a person runs the command). */
  interactive?: boolean;
}

export const EMPTY_TASK_MESSAGE = 'Describe what the persona should review or answer: the task cannot be empty.';

export async function askPersona(services: PersonaServices | undefined, args: AskArgs = {}): Promise<JobSummary | undefined> {
  if (!services) {
    await explainNoFolder();
    return undefined;
  }
  const interactive = args.interactive ?? (args.persona === undefined || args.task === undefined);
  const personaId = args.persona ?? (await pickPersona(services));
  if (!personaId) return undefined;
  const persona = services.registry.require(personaId);
  const task = args.task ?? (await vscode.window.showInputBox({
    title: `Ask ${persona.name}`,
    prompt: `What should the ${persona.name} persona review or answer? Next you pick what goes along: selection, file, files or git changes.`,
    placeHolder: 'e.g. Review this module for hidden coupling',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? EMPTY_TASK_MESSAGE : undefined),
  }));
  if (task === undefined) return undefined;
  if (task.trim() === '') throw new PersonaError('INVALID_INPUT', EMPTY_TASK_MESSAGE, 'Run the command again with a task.');
  const context = await contextForCommand(services.workspaceRoot, args, interactive);
  if (!context) return undefined;
  const job = await services.jobs.ask({ persona: persona.id, task, context, priority: args.priority, source: 'palette' });
  if (interactive) void followJob(services, job);
  return job;
}

/** Without a folder there is no store: say so, and offer to open one. */
export async function explainNoFolder(): Promise<void> {
  const open = 'Open Folder';
  const choice = await vscode.window.showErrorMessage('Agent OS Personas needs an open folder: persona jobs and their results are kept in the workspace\'s .agent-os folder.', open);
  if (choice === open) await vscode.commands.executeCommand('workbench.action.files.openFolder');
}

async function pickPersona(services: PersonaServices): Promise<string | undefined> {
  const personas = services.registry.list();
  if (personas.length === 0) {
    throw new PersonaError('UNKNOWN_PERSONA', 'No personas are loaded.', 'Check the "personas" folder of the extension and .agent-os/personas in the workspace; the Problems panel lists files that failed to load.');
  }
  const items = groupedPersonaItems(personas, (p) => ({ label: p.name, description: p.specialty ?? '', detail: p.description, id: p.id }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Ask a Persona', placeHolder: 'Which persona?', matchOnDetail: true });
  return picked?.id;
}

/** A separator's item: it has no id, so nothing can pick it. */
export type PersonaPickItem<T extends vscode.QuickPickItem & { id: string }> = T | (vscode.QuickPickItem & { id?: undefined });

/** The personas as picker items: the core team first in the design's order, then the specialists, each under its separator. */
export function groupedPersonaItems<T extends vscode.QuickPickItem & { id: string }>(personas: readonly Persona[], item: (p: Persona) => T): PersonaPickItem<T>[] {
  const { core, specialists } = groupPersonas(personas);
  const separator = (label: string): PersonaPickItem<T> => ({ label, kind: vscode.QuickPickItemKind.Separator });
  return [
    ...(core.length > 0 ? [separator('Core team'), ...core.map(item)] : []),
    ...(specialists.length > 0 ? [separator('Specialists'), ...specialists.map(item)] : []),
  ];
}
