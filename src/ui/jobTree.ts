import * as vscode from 'vscode';
import type { JobStore } from '../jobs/jobStore';
import { TERMINAL_STATUSES, type JobSummary } from '../jobs/types';
import type { WorkflowSession, WorkflowSessions } from '../workflows/workflowSessions';
import { jobDescription, jobIcon, jobTitle, jobTooltip } from './jobPresentation';
import { jobUsage, type JobCostSource } from '../metrics/wording';
import { jobRowText } from './jobText';
import { phaseDescription, phaseIcon, phaseLabel, phaseOf, phaseState, phaseTooltip, sessionProgress, sessionTitle, sessionTooltipLines } from './workflowPresentation';

export const JOBS_VIEW_ID = 'agentOsPersonas.jobs';
export const OPEN_PHASE_COMMAND = 'agentOsPersonas.openWorkflowPhase';
const REFRESH_MS = 100;

/** A phase of the workflow session a job drives: a row under the job. */
export interface PhaseNode {
  readonly kind: 'workflow-phase';
  readonly jobId: string;
  /** Index into the session's phases. */
  readonly index: number;
  /** The session as last seen (updated in place, like a job's element). */
  session: WorkflowSession;
}

export type JobTreeElement = JobSummary | PhaseNode;

export function isPhaseNode(element: JobTreeElement): element is PhaseNode {
  return (element as Partial<PhaseNode>).kind === 'workflow-phase';
}

/** What the Open Phase command receives from a phase row: plain values, so it needs no element. */
export interface PhaseRef {
  sessionId: string;
  index: number;
}

/**
 * The Persona Jobs tree: newest first, a panel's personas under it, a workflow job's phases
 * under it; it follows store and session events and never polls.
 *
 * A job that changes repaints only its own row. VS Code forgets every row's element while it
 * refetches a refreshed parent (the whole tree, for a root refresh), and a click on a row's
 * Cancel button in that moment reaches the command without its job. So each job keeps one
 * element object for its lifetime (updated in place, which is how VS Code finds the row), a
 * row is repainted only when what it shows changes, and the root only when a top-level job
 * appears or jobs are removed. A workflow job's phases follow the same rules: one element per
 * phase for as long as the job drives its session, and a session change repaints the job's row
 * only when its own text changes (phase n of N) and the phase rows whose text changed.
 */
export class JobTreeProvider implements vscode.TreeDataProvider<JobTreeElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobTreeElement | JobTreeElement[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribers: (() => void)[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The element handed to VS Code for each job id, and the text its row showed. */
  private readonly elements = new Map<string, { job: JobSummary; shown: string }>();
  /** The session each job drives (null: none), read once per job and then kept by session events. */
  private readonly sessionByJob = new Map<string, WorkflowSession | null>();
  /** The phase elements under each workflow job, and the text each row showed. */
  private readonly phaseRows = new Map<string, { node: PhaseNode; shown: string }[]>();
  private readonly dirty = new Set<JobTreeElement>();
  private rootDirty = false;

  constructor(
    private readonly store: () => JobStore | undefined,
    private readonly sessions: () => WorkflowSessions | undefined = () => undefined,
    private readonly costs: () => JobCostSource | undefined = () => undefined,
  ) {}

  /** Follows a store's events (called again when the store is replaced). */
  follow(store: JobStore, sessions?: WorkflowSessions): void {
    this.unsubscribers.push(store.events.on('job:created', (job) => this.onJobChanged(job, true)));
    for (const event of ['job:requeued', 'job:started', 'job:progress', 'job:completed', 'job:failed', 'job:cancelled'] as const) {
      this.unsubscribers.push(store.events.on(event, (job) => this.onJobChanged(job, false)));
    }
    this.unsubscribers.push(
      store.events.on('jobs:removed', () => {
        this.elements.clear();
        this.sessionByJob.clear();
        this.phaseRows.clear();
        this.schedule(undefined);
      }),
    );
    if (sessions) this.unsubscribers.push(sessions.events.on('session:changed', (session) => this.onSessionChanged(session)));
    this.schedule(undefined);
  }

  /** The element VS Code knows for a job (to reveal it), or a fresh one the tree will adopt. */
  jobElement(jobId: string): JobSummary | undefined {
    const known = this.elements.get(jobId);
    if (known) return known.job;
    const job = this.store()?.summary(jobId);
    if (job) this.elements.set(job.id, { job, shown: '' });
    return job;
  }

  /** The workflow session a job drives, if any. */
  sessionFor(jobId: string): WorkflowSession | undefined {
    if (!this.sessionByJob.has(jobId)) {
      const sessions = this.sessions();
      if (!sessions) return undefined;
      this.sessionByJob.set(jobId, sessions.forJob(jobId) ?? null);
    }
    return this.sessionByJob.get(jobId) ?? undefined;
  }

  private onJobChanged(job: JobSummary, created: boolean): void {
    const known = this.elements.get(job.id);
    if (known) {
      Object.assign(known.job, job);
      if (this.rowText(known.job) !== known.shown) this.schedule(known.job);
    } else if (job.parentId === null) {
      this.schedule(undefined);
    } else if (created) {
      // A new child of a panel on screen: the panel's row gains it. (The children of a
      // collapsed panel are not on screen, so their progress repaints nothing.)
      const parent = this.elements.get(job.parentId);
      if (parent) this.schedule(parent.job);
    }
  }

  private onSessionChanged(session: WorkflowSession): void {
    const jobId = session.jobId;
    if (!jobId) return;
    const before = this.sessionByJob.get(jobId);
    // A job that started a second session shows its newest (as forJob does).
    if (before && before.id !== session.id && before.createdAt > session.createdAt) return;
    this.sessionByJob.set(jobId, session);
    const known = this.elements.get(jobId);
    if (!known) return;
    const rows = this.phaseRows.get(jobId);
    // Another session under the same job: its phases are new elements, fetched with the job's row.
    const replaced = rows !== undefined && (rows[0]?.node.session.id !== session.id || rows.length !== session.phases.length);
    if (this.rowText(known.job) !== known.shown || replaced) this.schedule(known.job);
    if (!rows || replaced) return;
    for (const row of rows) {
      row.node.session = session;
      if (phaseRowText(row.node, known.job) !== row.shown) this.schedule(row.node);
    }
  }

  private schedule(element: JobTreeElement | undefined): void {
    if (element) this.dirty.add(element);
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

  getTreeItem(element: JobTreeElement): vscode.TreeItem {
    if (isPhaseNode(element)) return this.phaseItem(element);
    const job = element;
    const session = this.sessionFor(job.id);
    // The task is the label and who works on it and how far along follow (jobRowText), so a
    // narrow side bar still tells the jobs apart. A workflow job shows where its session stands
    // instead of its task (which names the session by id). A running panel opens on its
    // personas, as a workflow job's phases are a click away: its rows are the progress.
    const isParent = session !== undefined || (this.store()?.hasChildren(job.id) ?? false);
    const row = jobRowText(job);
    const label = session ? sessionTitle(session) : row.label;
    const state = !isParent
      ? vscode.TreeItemCollapsibleState.None
      : session === undefined && !TERMINAL_STATUSES.has(job.status)
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(label, state);
    item.id = job.id;
    item.description = this.describe(job, session);
    item.iconPath = jobIcon(job);
    const children = isParent && session === undefined ? (this.store()?.listSummaries({ parentId: job.id, limit: 500 }) ?? []) : [];
    const tooltip = jobTooltip(job, jobUsage(job, children, this.costs()));
    if (session) sessionTooltipLines(session, tooltip);
    item.tooltip = tooltip;
    item.contextValue = session ? `job-${job.status}-workflow` : `job-${job.status}`;
    item.accessibilityInformation = { label: `${session ? `${job.persona}: ${sessionTitle(session)}` : jobTitle(job)}, ${item.description}` };
    if (job.status !== 'queued') {
      item.command = { command: 'agentOsPersonas.openJobResult', title: 'Open Result', arguments: [job] };
    }
    const known = this.elements.get(job.id);
    if (known) known.shown = this.rowText(job);
    return item;
  }

  private phaseItem(node: PhaseNode): vscode.TreeItem {
    const { session, index } = node;
    const job = this.elements.get(node.jobId)?.job;
    const item = new vscode.TreeItem(phaseLabel(phaseOf(session, index).phase), vscode.TreeItemCollapsibleState.None);
    item.id = `${node.jobId}/phase/${index}`;
    item.description = phaseDescription(session, index);
    item.iconPath = phaseIcon(session, index, job);
    item.tooltip = phaseTooltip(session, index);
    item.contextValue = `workflow-phase-${phaseState(session, index)}`;
    item.accessibilityInformation = { label: `${item.label as string}, ${item.description}` };
    const ref: PhaseRef = { sessionId: session.id, index };
    item.command = { command: OPEN_PHASE_COMMAND, title: 'Open Phase', arguments: [ref] };
    const row = this.phaseRows.get(node.jobId)?.find((r) => r.node === node);
    if (row) row.shown = phaseRowText(node, job);
    return item;
  }

  /** Top-level jobs, newest first; under a panel, its children in the order they were asked; under a workflow job, its phases. */
  getChildren(element?: JobTreeElement): JobTreeElement[] {
    if (element && isPhaseNode(element)) return [];
    const store = this.store();
    if (!store) return [];
    if (element) {
      const session = this.sessionFor(element.id);
      if (session) return this.phasesOf(element.id, session);
    }
    const rows = element ? store.listSummaries({ parentId: element.id, limit: 500 }).reverse() : store.listSummaries({ parentId: null, limit: 200 });
    return rows.map((row) => {
      const known = this.elements.get(row.id);
      if (known) return Object.assign(known.job, row);
      this.elements.set(row.id, { job: row, shown: '' });
      return row;
    });
  }

  /** The job's phase elements, the same objects for as long as it drives the same session. */
  private phasesOf(jobId: string, session: WorkflowSession): PhaseNode[] {
    let rows = this.phaseRows.get(jobId);
    if (!rows || rows[0]?.node.session.id !== session.id || rows.length !== session.phases.length) {
      rows = session.phases.map((_, index) => ({ node: { kind: 'workflow-phase', jobId, index, session }, shown: '' }));
      this.phaseRows.set(jobId, rows);
    }
    for (const row of rows) row.node.session = session;
    return rows.map((r) => r.node);
  }

  getParent(element: JobTreeElement): JobTreeElement | undefined {
    const parentId = isPhaseNode(element) ? element.jobId : element.parentId;
    if (!parentId) return undefined;
    return this.elements.get(parentId)?.job ?? this.store()?.get(parentId);
  }

  private describe(job: JobSummary, session: WorkflowSession | undefined): string {
    if (session) return `${job.persona} · ${jobDescription(job)} — ${sessionProgress(session)}`;
    return jobRowText(job).description;
  }

  /** What a row shows; a change that leaves it the same does not repaint the row. */
  private rowText(job: JobSummary): string {
    const session = this.sessionByJob.get(job.id);
    return `${job.status}|${this.describe(job, session ?? undefined)}|${session ? 'phases' : ''}`;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const u of this.unsubscribers) u();
    this.changed.dispose();
  }
}

/** What a phase row shows (its icon turns while its job runs). */
function phaseRowText(node: PhaseNode, job: JobSummary | undefined): string {
  return `${phaseDescription(node.session, node.index)}|${phaseState(node.session, node.index)}|${job?.status === 'running'}`;
}
