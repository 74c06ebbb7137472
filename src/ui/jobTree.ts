import * as vscode from 'vscode';
import type { JobStore } from '../jobs/jobStore';
import type { Job } from '../jobs/types';
import { jobDescription, jobIcon, jobTask, jobTitle, jobTooltip } from './jobPresentation';

export const JOBS_VIEW_ID = 'agentOsPersonas.jobs';
const REFRESH_MS = 100;

/** The Persona Jobs tree: newest first; it follows store events and never polls. */
export class JobTreeProvider implements vscode.TreeDataProvider<Job>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Job | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribers: (() => void)[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly store: () => JobStore | undefined) {}

  /** Follows a store's events (called again when the store is replaced). */
  follow(store: JobStore): void {
    const refresh = (): void => this.scheduleRefresh();
    for (const event of ['job:created', 'job:started', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled'] as const) {
      this.unsubscribers.push(store.events.on(event, refresh));
    }
    this.unsubscribers.push(store.events.on('jobs:removed', refresh));
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    // Progress can arrive many times a second across jobs; one repaint per 100 ms is enough.
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire(undefined);
    }, REFRESH_MS);
  }

  getTreeItem(job: Job): vscode.TreeItem {
    // The persona is the label and the status leads the description, so a narrow side bar
    // still shows who is working and how far along; the task follows and may be cut. A panel's
    // children share its task, so they show only their status.
    const isParent = this.store()?.hasChildren(job.id) ?? false;
    const item = new vscode.TreeItem(job.persona, isParent ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = job.id;
    item.description = job.parentId ? jobDescription(job) : `${jobDescription(job)} — ${jobTask(job, 80)}`;
    item.iconPath = jobIcon(job);
    item.tooltip = jobTooltip(job);
    item.contextValue = `job-${job.status}`;
    item.accessibilityInformation = { label: `${jobTitle(job)}, ${jobDescription(job)}` };
    if (job.status !== 'queued') {
      item.command = { command: 'agentOsPersonas.openJobResult', title: 'Open Result', arguments: [job] };
    }
    return item;
  }

  /** Top-level jobs, newest first; under a panel, its children in the order they were asked. */
  getChildren(element?: Job): Job[] {
    const store = this.store();
    if (!store) return [];
    if (element) return store.list({ parentId: element.id, limit: 500 }).reverse();
    return store.list({ parentId: null, limit: 200 });
  }

  getParent(job: Job): Job | undefined {
    return job.parentId ? this.store()?.get(job.parentId) : undefined;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const u of this.unsubscribers) u();
    this.changed.dispose();
  }
}
