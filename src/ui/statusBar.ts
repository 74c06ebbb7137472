import * as vscode from 'vscode';
import type { JobStore } from '../jobs/jobStore';
import { PersonaError } from '../core/errors';
import { countOf } from '../core/plural';
import { JOBS_VIEW_ID } from './jobTree';
import { SHOW_METRICS_COMMAND } from './metricsView';

/** What a click on the status bar item runs: the model and job actions in one quick pick. */
export const STATUS_ACTIONS_COMMAND = 'agentOsPersonas.showStatusActions';
export const PICK_PROVIDER_COMMAND = 'agentOsPersonas.pickModelProvider';

/** "Personas: 2 running (demo model)": running count and which model answers. */
export class PersonasStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('agentOsPersonas.status', vscode.StatusBarAlignment.Left, 10);
  private readonly unsubscribers: (() => void)[] = [];
  private modelLabel = '';
  private isDemo = false;
  private running = 0;

  constructor() {
    this.item.name = 'Agent OS Personas';
    this.item.command = STATUS_ACTIONS_COMMAND;
    this.render();
    this.item.show();
  }

  /** What the item shows now: the model's label ('' with no folder) and the jobs running. */
  get state(): { modelLabel: string; running: number } {
    return { modelLabel: this.modelLabel, running: this.running };
  }

  follow(store: JobStore): void {
    const update = (): void => {
      // A running panel is its children at work, not one more job.
      this.running = store.countByStatus().running - store.parents('running').length;
      this.render();
    };
    for (const event of ['job:requeued', 'job:started', 'job:completed', 'job:failed', 'job:cancelled'] as const) {
      this.unsubscribers.push(store.events.on(event, update));
    }
    update();
  }

  setModel(label: string, isDemo: boolean): void {
    this.modelLabel = label;
    this.isDemo = isDemo;
    const click = 'Click for the model and job actions.';
    this.item.tooltip = label === ''
      ? 'Open a folder to run persona jobs: they are kept in its .agent-os folder.'
      : isDemo
      ? `Persona jobs are answered by the built-in offline demo model (scripted, not an AI): set an Anthropic API key or pick a provider for real reviews. ${click}`
      : `Persona jobs are answered by ${label}. ${click}`;
    this.render();
  }

  private render(): void {
    const running = this.running;
    const model = this.isDemo ? ' (demo model)' : '';
    this.item.text = running > 0 ? `$(sync~spin) Personas: ${running} running${model}` : `$(organization) Personas${model}`;
    this.item.accessibilityInformation = { label: `Agent OS Personas, ${running} running${model ? `, ${this.modelLabel}` : ''}` };
  }

  dispose(): void {
    for (const u of this.unsubscribers) u();
    this.item.dispose();
  }
}

/** One row of the status bar's quick pick: a command and its arguments. */
interface StatusAction extends vscode.QuickPickItem {
  command: string;
  args?: unknown[];
}

const PROVIDERS: { value: string; label: string; detail: string }[] = [
  { value: 'auto', label: 'Automatic', detail: 'Anthropic when an API key is set, otherwise the offline demo model.' },
  { value: 'anthropic', label: 'Anthropic', detail: 'Always Anthropic; jobs fail with a hint when no key is set.' },
  { value: 'vscode-lm', label: 'VS Code chat models', detail: 'A chat model VS Code offers (for example GitHub Copilot\'s); VS Code may ask once for access.' },
  { value: 'demo', label: 'Demo model', detail: 'The built-in offline demo model: scripted reviews, no network.' },
];

/**
 * What a click on the status bar offers: the jobs, the key (Clear only when one is stored), the
 * provider and the settings. Resolves with the command run, undefined when dismissed.
 */
export async function showStatusActions(state: { modelLabel: string; hasStoredKey: boolean; running: number }): Promise<string | undefined> {
  const actions: StatusAction[] = [
    { label: '$(list-tree) Show Persona Jobs', description: state.running > 0 ? `${countOf(state.running, 'job')} running` : '', command: `${JOBS_VIEW_ID}.focus` },
    { label: '$(graph) Show Metrics', description: 'runs, tokens and cost per persona', command: SHOW_METRICS_COMMAND },
    { label: '$(key) Set Anthropic API Key', description: state.hasStoredKey ? 'replace the stored key' : '', command: 'agentOsPersonas.setApiKey' },
  ];
  if (state.hasStoredKey) actions.push({ label: '$(trash) Clear Anthropic API Key', description: 'remove it from SecretStorage', command: 'agentOsPersonas.clearApiKey' });
  actions.push(
    { label: '$(server-environment) Pick Model Provider…', description: state.modelLabel ? `now: ${state.modelLabel}` : '', command: PICK_PROVIDER_COMMAND },
    { label: '$(gear) Open Model Settings', command: 'workbench.action.openSettings', args: ['agentOsPersonas.model'] },
  );
  const picked = await vscode.window.showQuickPick(actions, { title: 'Agent OS Personas', placeHolder: state.modelLabel ? `Persona jobs are answered by ${state.modelLabel}` : 'Open a folder to run persona jobs' });
  if (!picked) return undefined;
  await vscode.commands.executeCommand(picked.command, ...(picked.args ?? []));
  return picked.command;
}

/** Sets "agentOsPersonas.model.provider" where it is decided now (the workspace's value wins over the user's). */
export async function pickModelProvider(value?: string): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration('agentOsPersonas.model');
  const current = config.get<string>('provider', 'auto');
  const chosen = value ?? (await vscode.window.showQuickPick(
    PROVIDERS.map((p) => ({ label: p.label, description: p.value === current ? 'current' : p.value, detail: p.detail, value: p.value })),
    { title: 'Model Provider', placeHolder: 'Which model answers persona jobs?' },
  ))?.value;
  if (chosen === undefined) return undefined;
  if (!PROVIDERS.some((p) => p.value === chosen)) {
    throw new PersonaError('INVALID_INPUT', `Unknown model provider "${chosen.slice(0, 40)}".`, `Use one of: ${PROVIDERS.map((p) => p.value).join(', ')}.`);
  }
  const inspected = config.inspect<string>('provider');
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('provider', chosen, target);
  return chosen;
}
