import * as vscode from 'vscode';
import type { JobSummary } from '../jobs/types';

/** One error message per failed job: what happened, and what to do, with the matching button. */
export async function reportJobFailure(job: JobSummary): Promise<void> {
  const error = job.error;
  if (!error) return;
  const actions: string[] = [];
  if (error.code === 'NO_API_KEY' || error.code === 'BAD_API_KEY') actions.push('Set API Key');
  actions.push('Retry', 'Show Output');
  const choice = await vscode.window.showErrorMessage(`${job.persona} job failed: ${error.message} ${error.hint}`, ...actions);
  if (choice === 'Set API Key') await vscode.commands.executeCommand('agentOsPersonas.setApiKey');
  // The job as it is now: retried or deleted meanwhile, the command says so.
  if (choice === 'Retry') await vscode.commands.executeCommand('agentOsPersonas.retryJob', job.id);
  if (choice === 'Show Output') await vscode.commands.executeCommand('workbench.action.output.show.extension-output-agent-os.agent-os-personas-#1-Agent OS Personas');
}
