import * as vscode from 'vscode';
import type { PersonaError } from '../core/errors';

/**
 * What a read-only window shows (see StoreWaiter): a status bar item and the Persona Jobs
 * view's message, both saying why and what to do. Cleared when the window owns the store.
 */
export class ReadOnlyNotice implements vscode.Disposable {
  private item: vscode.StatusBarItem | undefined;

  constructor(private readonly jobsView: vscode.TreeView<unknown>) {}

  show(refusal: PersonaError | undefined): void {
    if (!refusal) {
      this.item?.dispose();
      this.item = undefined;
      this.jobsView.message = undefined;
      return;
    }
    this.item ??= vscode.window.createStatusBarItem('agentOsPersonas.readOnly', vscode.StatusBarAlignment.Left, 9);
    this.item.name = 'Agent OS Personas: read-only';
    this.item.text = '$(lock) Personas: read-only';
    this.item.tooltip = `${refusal.message} ${refusal.hint}`;
    this.item.show();
    this.jobsView.message = `${refusal.message} ${refusal.hint}`;
  }

  dispose(): void {
    this.item?.dispose();
  }
}
