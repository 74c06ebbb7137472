import * as vscode from 'vscode';
import { resolveInWorkspace, workspaceFileCheck } from '../core/workspacePath';
import type { FindingsService } from '../findings/findingsService';
import type { JobStore } from '../jobs/jobStore';
import type { JobSummary } from '../jobs/types';
import { jobDocument } from './jobPresentation';
import { jobUsage, type JobCostSource } from '../metrics/wording';
import { findResultLinks, linkPathLines } from './resultLinks';

export const JOB_SCHEME = 'agent-os-job';

/** What a result document reads: the store, the findings (a result is shown as presented: suppressions cut), the workspace's files. */
export interface JobDocumentSources {
  store: JobStore;
  findings?: FindingsService;
  workspaceRoot?: string;
  costs?: JobCostSource;
}

/**
 * Read-only `agent-os-job:/<persona>-<id>.md` documents, so results open as markdown without a
 * save prompt. A completed review reads as every surface presents it (suppressed findings cut,
 * with the audit footer; findings on unchanged lines apart), each `path:line` of a workspace file
 * a link (see resultLinks.ts).
 */
export class JobDocumentProvider implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly unsubscribers: (() => void)[] = [];

  constructor(private readonly sources: () => JobDocumentSources | undefined) {}

  static uriFor(jobId: string, persona: string): vscode.Uri {
    return vscode.Uri.from({ scheme: JOB_SCHEME, path: `/${persona}-${jobId.slice(0, 8)}.md`, query: jobId });
  }

  /**
   * An open document follows its job: it turns into the result when the job ends (a panel's
   * also when one of its personas ends), so a tab opened while the job ran is never stale; and
   * it reads again when `.agent-os/suppressions.json` changes, since that changes what it shows.
   */
  follow(store: JobStore, findings?: FindingsService): void {
    const onEnd = (job: JobSummary): void => {
      this.changed.fire(JobDocumentProvider.uriFor(job.id, job.persona));
      const parent = job.parentId ? store.summary(job.parentId) : undefined;
      if (parent) this.changed.fire(JobDocumentProvider.uriFor(parent.id, parent.persona));
    };
    for (const event of ['job:completed', 'job:failed', 'job:cancelled'] as const) {
      this.unsubscribers.push(store.events.on(event, onEnd));
    }
    if (findings) {
      this.unsubscribers.push(
        findings.events.on('suppressions:changed', () => {
          for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === JOB_SCHEME) this.changed.fire(doc.uri);
        }),
      );
    }
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const sources = this.sources();
    const job = sources?.store.get(uri.query);
    if (!sources || !job) return `No job with id ${uri.query} (it may have been cleaned up).`;
    const { store, findings, workspaceRoot, costs } = sources;
    const children = store.list({ parentId: job.id, limit: 500 }).reverse();
    // The editor shows findings on unchanged lines apart, as MCP and chat do (the CLI drops them).
    let presented: string | undefined;
    try {
      presented = job.status === 'completed' ? findings?.present(job.id, 'apart').markdown : undefined;
    } catch (err) {
      // The raw result beats no result: the review is still worth reading with nothing cut.
      presented = `> The suppressions could not be applied (${err instanceof Error ? err.message : String(err)}); this is the review as the persona wrote it.\n\n${job.result ?? ''}`;
    }
    const text = jobDocument(job, children, jobUsage(job, children, costs), presented);
    return workspaceRoot ? linkPathLines(text, workspaceFileCheck(workspaceRoot)) : text;
  }

  /** The source view's links: the ones the document's text was written with, to the file at the line. */
  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const root = this.sources()?.workspaceRoot;
    if (!root) return [];
    const isFile = workspaceFileCheck(root);
    return findResultLinks(document.getText())
      .filter((l) => isFile(l.path))
      .map((l) => {
        const target = vscode.Uri.file(resolveInWorkspace(root, l.path)).with({ fragment: `L${l.line}` });
        const link = new vscode.DocumentLink(new vscode.Range(document.positionAt(l.start), document.positionAt(l.end)), target);
        link.tooltip = `Open ${l.path} at line ${l.line}`;
        return link;
      });
  }

  dispose(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    this.changed.dispose();
  }
}

/**
 * Opens a job's result rendered: the built-in markdown preview of its document (links open the
 * cited file at the line; the preview's "Open Source" shows the markdown). Returns the document.
 */
export async function openJobDocument(jobId: string, persona: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(JobDocumentProvider.uriFor(jobId, persona));
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  return doc;
}
