import * as vscode from 'vscode';
import type { JobStore } from '../jobs/jobStore';
import type { JobSummary } from '../jobs/types';
import { jobDescription, jobIcon, jobTask, jobTitle, jobTooltip } from './jobPresentation';

export const JOBS_VIEW_ID = 'agentOsPersonas.jobs';
const REFRESH_MS = 100;

/**
 * The Persona Jobs tree: newest first, a panel's personas under it; it follows store events
 * and never polls.
 *
 * A job that changes repaints only its own row. VS Code forgets every row's element while it
 * refetches a refreshed parent (the whole tree, for a root refresh), and a click on a row's
 * Cancel button in that moment reaches the command without its job. So each job keeps one
 * element object for its lifetime (updated in place, which is how VS Code finds the row), a
 * row is repainted only when what it shows changes, and the root only when a top-level job
 * appears or jobs are removed.
 */
export class JobTreeProvider implements vscode.TreeDataProvider<JobSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobSummary | JobSummary[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribers: (() => void)[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The element handed to VS Code for each job id, and the text its row showed. */
  private readonly elements = new Map<string, { job: JobSummary; shown: string }>();
  private readonly dirty = new Set<JobSummary>();
  private rootDirty = false;

  constructor(private readonly store: () => JobStore | undefined) {}

  /** Follows a store's events (called again when the store is replaced). */
  follow(store: JobStore): void {
    this.unsubscribers.push(store.events.on('job:created', (job) => this.onJobChanged(job, true)));
    for (const event of ['job:requeued', 'job:started', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled'] as const) {
      this.unsubscribers.push(store.events.on(event, (job) => this.onJobChanged(job, false)));
    }
    this.unsubscribers.push(
      store.events.on('jobs:removed', () => {
        this.elements.clear();
        this.schedule(undefined);
      }),
    );
    this.schedule(undefined);
  }

  private onJobChanged(job: JobSummary, created: boolean): void {
    const known = this.elements.get(job.id);
    if (known) {
      Object.assign(known.job, job);
      if (rowText(known.job) !== known.shown) this.schedule(known.job);
    } else if (job.parentId === null) {
      this.schedule(undefined);
    } else if (created) {
      // A new child of a panel on screen: the panel's row gains it. (The children of a
      // collapsed panel are not on screen, so their progress repaints nothing.)
      const parent = this.elements.get(job.parentId);
      if (parent) this.schedule(parent.job);
    }
  }

  private schedule(job: JobSummary | undefined): void {
    if (job) this.dirty.add(job);
    else this.rootDirty = true;
    // Progress can arrive many times a second across jobs; one repaint per 100 ms is enough.
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      const rows = [...this.dirty];
      this.dirty.clear();
      if (this.rootDirty) {
        this.rootDirty = false;
        this.changed.fire(undefined);
      } else if (rows.length > 0) {
        this.changed.fire(rows);
      }
    }, REFRESH_MS);
  }

  getTreeItem(job: JobSummary): vscode.TreeItem {
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
    const known = this.elements.get(job.id);
    if (known) known.shown = rowText(job);
    return item;
  }

  /** Top-level jobs, newest first; under a panel, its children in the order they were asked. */
  getChildren(element?: JobSummary): JobSummary[] {
    const store = this.store();
    if (!store) return [];
    const rows = element ? store.listSummaries({ parentId: element.id, limit: 500 }).reverse() : store.listSummaries({ parentId: null, limit: 200 });
    return rows.map((row) => {
      const known = this.elements.get(row.id);
      if (known) return Object.assign(known.job, row);
      this.elements.set(row.id, { job: row, shown: '' });
      return row;
    });
  }

  getParent(job: JobSummary): JobSummary | undefined {
    const parentId = job.parentId;
    if (!parentId) return undefined;
    return this.elements.get(parentId)?.job ?? this.store()?.get(parentId);
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const u of this.unsubscribers) u();
    this.changed.dispose();
  }
}

/** What a row shows; a change that leaves it the same does not repaint the row. */
function rowText(job: JobSummary): string {
  return `${job.status}|${jobDescription(job)}`;
}
