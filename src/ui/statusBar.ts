import * as vscode from 'vscode';
import type { JobStore } from '../jobs/jobStore';

/** "Personas: 2 running (demo model)": running count and which model answers. */
export class PersonasStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('agentOsPersonas.status', vscode.StatusBarAlignment.Left, 10);
  private readonly unsubscribers: (() => void)[] = [];
  private modelLabel = '';
  private isDemo = false;
  private running = 0;

  constructor() {
    this.item.name = 'Agent OS Personas';
    this.item.command = 'workbench.view.extension.agentOsPersonas';
    this.render();
    this.item.show();
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
    this.item.tooltip = label === ''
      ? 'Open a folder to run persona jobs: they are kept in its .agent-os folder.'
      : isDemo
      ? 'Persona jobs are answered by the built-in offline demo model (scripted, not an AI). Run "Personas: Set Anthropic API Key" for real reviews.'
      : `Persona jobs are answered by ${label}.`;
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
