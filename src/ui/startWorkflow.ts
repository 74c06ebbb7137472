import { statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import { PRIVATE_FOLDER } from '../core/privateFolder';
import { resolveInWorkspace } from '../core/workspacePath';
import type { JobSummary } from '../jobs/types';
import type { PersonaServices } from '../services';
import type { Workflow, WorkflowTarget } from '../workflows/types';
import type { WorkflowSession } from '../workflows/workflowSessions';
import { explainNoFolder } from './askPersona';
import { gitChanges } from './gitChanges';
import { followJob } from './jobProgress';
import { sourceLabel, targetLabel } from './workflowPresentation';
import { countOf } from '../core/plural';

/** Arguments accepted by `agentOsPersonas.startWorkflow`, so tests and other extensions need no UI. */
export interface StartWorkflowArgs {
  /** A workflow id, as list_workflows shows it. */
  workflowId?: string;
  /** A workspace-relative file or folder, or "changes" for the uncommitted git changes. */
  target?: string;
  /** What to pay attention to (optional). */
  task?: string;
  priority?: number;
  /** Show the pickers, the progress notification and the result (default: true unless workflowId and target are given). */
  interactive?: boolean;
}

type TargetKind = Exclude<WorkflowTarget, 'any'>;
const CHANGES = 'changes';
const MAX_PICKED_FILES = 5000;
const EXCLUDED = `{**/node_modules/**,**/.git/**,**/${PRIVATE_FOLDER}/**}`;

/**
 * Starts a phase-gated workflow run: the workflow, what it runs on (a file, a folder or the
 * git changes, as the workflow allows), what to pay attention to; then the session and the
 * workflow executor's job, followed in a progress notification like Ask a Persona's.
 */
export async function startWorkflowCommand(services: PersonaServices | undefined, args: StartWorkflowArgs = {}): Promise<{ session: WorkflowSession; job: JobSummary } | undefined> {
  if (!services) {
    await explainNoFolder();
    return undefined;
  }
  const interactive = args.interactive ?? (args.workflowId === undefined || args.target === undefined);
  const workflow = args.workflowId !== undefined ? services.workflowRegistry.require(args.workflowId) : await pickWorkflow(services.workflowRegistry.list());
  if (!workflow) return undefined;
  let target = args.target;
  if (target === undefined) {
    if (interactive) {
      target = await pickTarget(services.workspaceRoot, workflow);
      if (target === undefined) return undefined;
    } else if (workflow.target === 'changes') {
      target = CHANGES;
    } else {
      throw new PersonaError('INVALID_INPUT', `No target was given for "${workflow.id}".`, `Pass target: a workspace-relative ${targetLabel(workflow)}${workflow.target === 'any' ? ' ("changes" for the git changes)' : ''}.`);
    }
  }
  const checked = checkTarget(services.workspaceRoot, workflow, target);
  let task = args.task;
  if (task === undefined && interactive) {
    task = await vscode.window.showInputBox({
      title: `${workflow.title} on ${checked.target}`,
      prompt: 'What should the review pay attention to? Optional: press Enter to run the workflow as written.',
      placeHolder: 'e.g. the retry logic in the payment client',
      ignoreFocusOut: true,
    });
    if (task === undefined) return undefined;
  }
  if (checked.kind === 'changes') await requireChanges(services.workspaceRoot);
  const started = await services.startWorkflow({
    workflowId: workflow.id,
    target: checked.target,
    task,
    // The executor has no git tool: the changes go along as the job's context.
    context: checked.kind === 'changes' ? { diff: true } : undefined,
    priority: args.priority,
  });
  if (interactive) void followJob(services, started.job, `${workflow.title} on ${checked.target}`);
  return started;
}

async function pickWorkflow(workflows: Workflow[]): Promise<Workflow | undefined> {
  if (workflows.length === 0) {
    throw new PersonaError('UNKNOWN_WORKFLOW', 'No workflows are loaded.', 'Check the "workflows" folder of the extension and .agent-os/workflows in the workspace; the Problems panel lists files that failed to load.');
  }
  const items = workflows.map((w) => ({
    label: w.title,
    description: `${w.id} · on ${targetLabel(w)} · ${countOf(w.phases.length, 'phase')}`,
    detail: `${sourceLabel(w.source)}${w.warnings.length > 0 ? ` (${countOf(w.warnings.length, 'warning')}: see the Problems panel)` : ''} — ${w.description}`,
    workflow: w,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Start Workflow', placeHolder: 'Which workflow? Each phase must pass its evidence gate before the next one starts.', matchOnDescription: true, matchOnDetail: true });
  return picked?.workflow;
}

type TargetItem = vscode.QuickPickItem & ({ target: string } | { browse: 'file' | 'folder' });

async function pickTarget(root: string, workflow: Workflow): Promise<string | undefined> {
  const kinds: TargetKind[] = workflow.target === 'any' ? ['file', 'folder', 'changes'] : [workflow.target];
  const items: TargetItem[] = [];
  if (kinds.includes('file')) {
    const active = activeWorkspaceFile(root);
    if (active) items.push({ label: '$(file) Active file', description: active, target: active });
    items.push({ label: '$(files) Pick a file…', description: 'a file of the workspace', browse: 'file' });
  }
  if (kinds.includes('folder')) items.push({ label: '$(folder) Pick a folder…', description: 'a folder of the workspace, or all of it', browse: 'folder' });
  if (kinds.includes('changes')) items.push({ label: '$(git-compare) Git changes', description: 'the working tree against HEAD', target: CHANGES });
  const picked = await vscode.window.showQuickPick(items, { title: `${workflow.title}: what should it run on?`, placeHolder: `This workflow runs on ${targetLabel(workflow)}`, ignoreFocusOut: true });
  if (!picked) return undefined;
  return 'target' in picked ? picked.target : pickWorkspaceEntry(root, picked.browse);
}

/** The active editor's file, workspace-relative, when it is a file of the workspace. */
function activeWorkspaceFile(root: string): string | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme !== 'file') return undefined;
  const rel = relative(root, uri.fsPath);
  return rel === '' || rel.startsWith('..') ? undefined : rel.split(sep).join('/');
}

/** A quick pick of the workspace's files or folders (as the file list shows them, without .git, node_modules and .agent-os). */
async function pickWorkspaceEntry(root: string, kind: 'file' | 'folder'): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const uris = folder ? await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*'), EXCLUDED, MAX_PICKED_FILES) : [];
  const files = uris.map((u) => relative(root, u.fsPath).split(sep).join('/')).filter((p) => p !== '' && !p.startsWith('..'));
  let items: (vscode.QuickPickItem & { path: string })[];
  if (kind === 'file') {
    items = files.sort().map((p) => ({ label: `$(file) ${p}`, path: p }));
  } else {
    const folders = new Set<string>();
    for (const f of files) {
      const parts = f.split('/').slice(0, -1);
      for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    }
    items = [{ label: '$(root-folder) Workspace root', description: 'the whole workspace', path: '.' }, ...[...folders].sort().map((p) => ({ label: `$(folder) ${p}`, path: p }))];
  }
  if (items.length === 0) throw new PersonaError('INVALID_INPUT', `The workspace has no ${kind}s to run on.`, 'Add files to the workspace, or pick another target.');
  const picked = await vscode.window.showQuickPick(items, { title: kind === 'file' ? 'Which file?' : 'Which folder?', placeHolder: 'Type to filter', ignoreFocusOut: true, matchOnDescription: true });
  return picked?.path;
}

/**
 * A target the workflow can run on: "changes", or a file or folder inside the workspace
 * (through the path gate every input passes), of the kind the workflow asks for.
 */
export function checkTarget(root: string, workflow: Workflow, input: string): { target: string; kind: TargetKind } {
  const given = typeof input === 'string' ? input.trim() : '';
  const allowed = (kind: TargetKind): boolean => workflow.target === 'any' || workflow.target === kind;
  const refuseKind = (kind: TargetKind): never => {
    throw new PersonaError('INVALID_INPUT', `"${workflow.title}" runs on ${targetLabel(workflow)}; "${given.slice(0, 200)}" is ${kind === 'changes' ? 'the git changes' : `a ${kind}`}.`, `Pick ${workflow.target === 'changes' ? 'the git changes ("changes")' : `a ${workflow.target} of the workspace`}, or another workflow.`);
  };
  if (given === CHANGES) {
    if (!allowed('changes')) refuseKind('changes');
    return { target: CHANGES, kind: 'changes' };
  }
  const path = resolveInWorkspace(root, given, 'target');
  let kind: TargetKind;
  try {
    kind = statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    throw new PersonaError('INVALID_INPUT', `The target "${given.slice(0, 200)}" does not exist in the workspace.`, `Give a workspace-relative path of an existing ${workflow.target === 'any' ? 'file or folder' : workflow.target}, or "changes".`);
  }
  if (!allowed(kind)) refuseKind(kind);
  const rel = relative(root, path).split(sep).join('/');
  return { target: rel === '' ? '.' : rel, kind };
}

/** The changes must be readable (a git repository) and not empty: a review of nothing is refused before it starts. */
async function requireChanges(root: string): Promise<void> {
  const diff = await gitChanges(root);
  if (diff.trim() === '') throw new PersonaError('INVALID_INPUT', 'There are no uncommitted changes to review (the working tree matches HEAD).', 'Make the change first, or run the workflow on a file or folder.');
}
