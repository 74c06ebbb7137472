import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import type { JobSummary } from '../jobs/types';
import { MAX_PANEL_PERSONAS, MIN_PANEL_PERSONAS } from '../personas/panelCoordinator';
import type { PersonaServices } from '../services';
import { explainNoFolder, groupedPersonaItems } from './askPersona';
import { contextForCommand, type ContextSourceKind } from './contextPicker';
import { followJob } from './jobProgress';

/** Arguments accepted by `agentOsPersonas.askPanel`, so tests and agents need no UI. */
export interface AskPanelArgs {
  personas?: string[];
  task?: string;
  /** Text to review; when absent, `contextSource` decides. */
  context?: string;
  /** Where the context comes from when `context` is absent (default: asked when interactive, else `auto`). */
  contextSource?: ContextSourceKind;
  /** Workspace-relative files for `contextSource: 'files'`. */
  files?: string[];
  priority?: number;
  /** Show the progress notification and open the merged report (default: true when a person runs the command). */
  interactive?: boolean;
}

/** Pre-selected in the picker when they exist: the core reviewers. */
export const DEFAULT_PANEL = ['architect', 'engineer', 'security'];
export const EMPTY_PANEL_TASK_MESSAGE = 'Describe what the panel should review or answer: the task cannot be empty.';

/** Several personas on the same task and context; returns the panel's parent job. */
export async function askPanel(services: PersonaServices | undefined, args: AskPanelArgs = {}): Promise<JobSummary | undefined> {
  if (!services) {
    await explainNoFolder();
    return undefined;
  }
  if (args.personas !== undefined && (!Array.isArray(args.personas) || args.personas.some((p) => typeof p !== 'string'))) {
    throw new PersonaError('INVALID_INPUT', `"personas" must be a list of persona ids; got ${JSON.stringify(args.personas)}.`, 'Pass e.g. { personas: ["architect", "engineer", "security"], task: "…" }.');
  }
  const interactive = args.interactive ?? (args.personas === undefined || args.task === undefined);
  const personas = args.personas ?? (await pickPersonas(services));
  if (!personas) return undefined;
  const task = args.task ?? (await vscode.window.showInputBox({
    title: `Ask the Panel: ${personas.join(', ')}`,
    prompt: 'What should the panel review or answer? Each persona gets the same task; next you pick what goes along.',
    placeHolder: 'e.g. Review this module before merge',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? EMPTY_PANEL_TASK_MESSAGE : undefined),
  }));
  if (task === undefined) return undefined;
  if (task.trim() === '') throw new PersonaError('INVALID_INPUT', EMPTY_PANEL_TASK_MESSAGE, 'Run the command again with a task.');
  const context = await contextForCommand(services.workspaceRoot, args, interactive, 'panel');
  if (!context) return undefined;
  const { parent } = await services.jobs.askPanel({ personas, task, context, priority: args.priority, source: 'palette' });
  if (interactive) void followJob(services, parent);
  return parent;
}

async function pickPersonas(services: PersonaServices): Promise<string[] | undefined> {
  const personas = services.registry.list();
  if (personas.length < MIN_PANEL_PERSONAS) {
    throw new PersonaError('UNKNOWN_PERSONA', `A panel needs ${MIN_PANEL_PERSONAS} personas; ${personas.length} ${personas.length === 1 ? 'is' : 'are'} loaded.`, 'Check the "personas" folder of the extension and .agent-os/personas in the workspace; the Problems panel lists files that failed to load.');
  }
  const items = groupedPersonaItems(personas, (p) => ({ label: p.name, description: p.specialty ?? '', detail: p.description, id: p.id, picked: DEFAULT_PANEL.includes(p.id) }));
  for (;;) {
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Ask the Panel',
      placeHolder: `Pick ${MIN_PANEL_PERSONAS} to ${MAX_PANEL_PERSONAS} personas; one merged report`,
      canPickMany: true,
      matchOnDetail: true,
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const ids = picked.flatMap((p) => (p.id === undefined ? [] : [p.id]));
    if (ids.length >= MIN_PANEL_PERSONAS && ids.length <= MAX_PANEL_PERSONAS) return ids;
    // Keep what was picked and ask again, saying why.
    for (const item of items) item.picked = picked.includes(item);
    const again = await vscode.window.showWarningMessage(`A panel takes ${MIN_PANEL_PERSONAS} to ${MAX_PANEL_PERSONAS} personas; ${ids.length} ${ids.length === 1 ? 'was' : 'were'} picked.`, 'Pick Again');
    if (again !== 'Pick Again') return undefined;
  }
}
