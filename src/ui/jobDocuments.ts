import * as vscode from 'vscode';
import type { JobStore } from '../jobs/jobStore';
import type { JobSummary } from '../jobs/types';
import { jobDocument } from './jobPresentation';
import { jobUsage, type JobCostSource } from '../metrics/wording';

export const JOB_SCHEME = 'agent-os-job';

/** Read-only `agent-os-job:/<persona>-<id>.md` documents, so results open as markdown without a save prompt. */
export class JobDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    private readonly store: () => JobStore | undefined,
    private readonly costs: () => JobCostSource | undefined = () => undefined,
  ) {}

  static uriFor(jobId: string, persona: string): vscode.Uri {
    return vscode.Uri.from({ scheme: JOB_SCHEME, path: `/${persona}-${jobId.slice(0, 8)}.md`, query: jobId });
  }

  /**
   * An open document follows its job: it turns into the result when the job ends (a panel's
   * also when one of its personas ends), so a tab opened while the job ran is never stale.
   */
  follow(store: JobStore): void {
    const onEnd = (job: JobSummary): void => {
      this.changed.fire(JobDocumentProvider.uriFor(job.id, job.persona));
      const parent = job.parentId ? store.summary(job.parentId) : undefined;
      if (parent) this.changed.fire(JobDocumentProvider.uriFor(parent.id, parent.persona));
    };
    for (const event of ['job:completed', 'job:failed', 'job:cancelled'] as const) {
      this.unsubscribers.push(store.events.on(event, onEnd));
    }
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const store = this.store();
    const job = store?.get(uri.query);
    if (!store || !job) return `No job with id ${uri.query} (it may have been cleaned up).`;
    const children = store.list({ parentId: job.id, limit: 500 }).reverse();
    return jobDocument(job, children, jobUsage(job, children, this.costs()));
  }

  dispose(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    this.changed.dispose();
  }
}

export async function openJobDocument(jobId: string, persona: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(JobDocumentProvider.uriFor(jobId, persona));
  return vscode.window.showTextDocument(doc, { preview: false });
}
