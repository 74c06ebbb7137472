import * as vscode from 'vscode';
import type { StoredFinding } from '../../findings/types';
import type { PersonaServices } from '../../services';

const CLEARED_AT_KEY = 'agentOsPersonas.findings.clearedAt';

/**
 * The findings the editor shows (Problems panel, Findings view): the newest row per fingerprint,
 * none that `.agent-os/suppressions.json` dismisses, none on unchanged lines of a diff review,
 * and none from before "Personas: Clear Findings". It reads again when a job completes, jobs are
 * removed, or the suppressions change.
 */
export class FindingsModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly unsubscribers: (() => void)[] = [];
  private services: PersonaServices | undefined;
  private findings: StoredFinding[] = [];

  constructor(private readonly state: vscode.Memento) {}

  follow(services: PersonaServices): void {
    this.services = services;
    const refresh = (): void => this.refresh();
    this.unsubscribers.push(
      services.store.events.on('job:completed', refresh),
      services.store.events.on('jobs:removed', refresh),
      services.findings.events.on('suppressions:changed', refresh),
    );
    this.refresh();
  }

  /** What is shown now. */
  current(): readonly StoredFinding[] {
    return this.findings;
  }

  refresh(): void {
    const services = this.services;
    if (!services) return;
    const clearedAt = this.state.get<number>(CLEARED_AT_KEY, 0);
    const seen = new Set<string>();
    const shown: StoredFinding[] = [];
    // Newest first, so the first row of a fingerprint is its latest review's.
    for (const f of services.findings.list({ includePreexisting: false, limit: 1000 })) {
      if (f.createdAt <= clearedAt || seen.has(f.fingerprint)) continue;
      seen.add(f.fingerprint);
      shown.push(f);
    }
    this.findings = shown;
    this.changed.fire();
  }

  /** Hides every finding shown now (they stay with their jobs); later reviews show theirs. */
  async clear(): Promise<void> {
    const newest = Math.max(Date.now(), ...this.findings.map((f) => f.createdAt));
    await this.state.update(CLEARED_AT_KEY, newest);
    this.refresh();
  }

  dispose(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    this.changed.dispose();
  }
}
