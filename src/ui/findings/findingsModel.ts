import * as vscode from 'vscode';
import type { StoredFinding, SuppressionsRead } from '../../findings/types';
import type { PersonaServices } from '../../services';

const CLEARED_AT_KEY = 'agentOsPersonas.findings.clearedAt';
/** The newest rows the editor keeps; older findings stay with their jobs (list_findings, the CLI). */
const MAX_ROWS = 1000;

/**
 * The findings the editor shows (Problems panel, Findings view): the newest row per fingerprint,
 * none that `.agent-os/suppressions.json` dismisses, none on unchanged lines of a diff review,
 * and none from before "Personas: Clear Findings".
 *
 * It keeps the newest rows (suppressed ones too) and reads only what changed: a completed job's
 * own rows, everything again only when jobs are removed. A dismissal or a hand edit of the
 * suppressions file (followed while the model follows the services) filters the kept rows again.
 */
export class FindingsModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly unsubscribers: (() => void)[] = [];
  private services: PersonaServices | undefined;
  /** Newest first, suppressed ones included, pre-existing ones left out. */
  private rows: StoredFinding[] = [];
  private findings: StoredFinding[] = [];

  constructor(private readonly state: vscode.Memento) {}

  follow(services: PersonaServices): void {
    this.services = services;
    const watch = services.findings.watch();
    this.unsubscribers.push(
      services.store.events.on('job:completed', (job) => this.add(job.id)),
      services.store.events.on('jobs:removed', () => this.refresh()),
      services.findings.events.on('suppressions:changed', (read) => this.show(read)),
      () => void watch.dispose(),
    );
    this.refresh();
  }

  /** What is shown now. */
  current(): readonly StoredFinding[] {
    return this.findings;
  }

  /** Reads the kept rows again from the store. */
  refresh(): void {
    const services = this.services;
    if (!services) return;
    this.rows = services.findings.list({ includePreexisting: false, includeSuppressed: true, limit: MAX_ROWS });
    this.show(services.findings.suppressions());
  }

  /** A completed job's rows go first (a retried job's replace its old ones); a panel's parent has none of its own. */
  private add(jobId: string): void {
    const services = this.services;
    if (!services) return;
    const fresh = services.findings.forJob(jobId).filter((f) => f.jobId === jobId && f.scope !== 'preexisting');
    const kept = this.rows.filter((f) => f.jobId !== jobId);
    if (fresh.length === 0 && kept.length === this.rows.length) return;
    this.rows = [...fresh, ...kept].slice(0, MAX_ROWS);
    this.show(services.findings.suppressions());
  }

  private show(suppressions: SuppressionsRead): void {
    const clearedAt = this.state.get<number>(CLEARED_AT_KEY, 0);
    const suppressed = new Set(suppressions.entries.map((s) => s.fingerprint));
    const seen = new Set<string>();
    const shown: StoredFinding[] = [];
    // Newest first, so the first row of a fingerprint is its latest review's.
    for (const f of this.rows) {
      if (f.createdAt <= clearedAt || seen.has(f.fingerprint) || suppressed.has(f.fingerprint)) continue;
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
