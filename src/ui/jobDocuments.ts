import * as vscode from 'vscode';
import type { JobStore } from '../jobs/jobStore';
import { jobDocument } from './jobPresentation';

export const JOB_SCHEME = 'agent-os-job';

/** Read-only `agent-os-job:/<persona>-<id>.md` documents, so results open as markdown without a save prompt. */
export class JobDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly store: () => JobStore | undefined) {}

  static uriFor(jobId: string, persona: string): vscode.Uri {
    return vscode.Uri.from({ scheme: JOB_SCHEME, path: `/${persona}-${jobId.slice(0, 8)}.md`, query: jobId });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const job = this.store()?.get(uri.query);
    return job ? jobDocument(job) : `No job with id ${uri.query} (it may have been cleaned up).`;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export async function openJobDocument(jobId: string, persona: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(JobDocumentProvider.uriFor(jobId, persona));
  return vscode.window.showTextDocument(doc, { preview: false });
}
