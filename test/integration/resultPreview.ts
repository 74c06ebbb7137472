// A job's result opens rendered (the built-in markdown preview of its `agent-os-job:` document):
// what the tests that open a result read, now that no text editor is active.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from '../harness/waitFor';

const JOB_SCHEME = 'agent-os-job';

/** Runs Open Result, waits for the markdown preview to be the active tab, and returns the result document's text. */
export async function openResultPreview(jobId: string): Promise<string> {
  await vscode.commands.executeCommand('agentOsPersonas.openJobResult', jobId);
  await waitFor(() => isPreviewTab(vscode.window.tabGroups.activeTabGroup.activeTab), { timeoutMs: 15_000, message: `the result of ${jobId} did not open in a markdown preview` });
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === JOB_SCHEME && d.uri.query === jobId);
  assert.ok(doc, `the result document of ${jobId} is open`);
  return doc.getText();
}

export function isPreviewTab(tab: vscode.Tab | undefined): boolean {
  return tab?.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType);
}
