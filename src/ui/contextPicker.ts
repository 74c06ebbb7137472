import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import type { ContextSource } from '../personas/context';
import { defaultBaseRef, type ContextRequest } from '../personas/jobContext';
import { isReviewableScheme } from './reviewableDocument';

/** Where a review's context comes from. `auto`: the selection, else the active file. `branch`: the changes since the branch point with a base ref. */
export type ContextSourceKind = 'auto' | 'selection' | 'file' | 'files' | 'diff' | 'branch' | 'none';
export const CONTEXT_SOURCES: readonly ContextSourceKind[] = ['auto', 'selection', 'file', 'files', 'diff', 'branch', 'none'];

/** What a command's arguments may say about context (Ask a Persona, Ask the Panel). */
export interface ContextArgs {
  context?: string;
  contextSource?: ContextSourceKind;
  files?: string[];
  /** For `branch`: the base ref (default: the upstream's default branch, else main or master). */
  base?: string;
}

/**
 * What goes along with a command's task: the given text, else the given source, else
 * (interactive) the person's pick, else `auto`. Undefined when the person dismissed the pick.
 * PersonaJobs reads and formats it under the context limit.
 */
export async function contextForCommand(root: string, args: ContextArgs, interactive: boolean, audience: ContextAudience = 'persona'): Promise<ContextRequest | undefined> {
  if (args.contextSource !== undefined && !CONTEXT_SOURCES.includes(args.contextSource)) {
    throw new PersonaError('INVALID_INPUT', `Unknown context source "${String(args.contextSource)}".`, `Use one of: ${CONTEXT_SOURCES.join(', ')}.`);
  }
  if (args.context !== undefined) return { text: args.context };
  let source = args.contextSource;
  if (source === undefined && interactive) {
    source = await pickContextSource(audience);
    if (source === undefined) return undefined;
  }
  if (source === 'branch') {
    const suggested = args.base ?? (await defaultBaseRef(root)) ?? 'main';
    const base = args.base ?? (interactive ? await askBaseRef(suggested) : suggested);
    return base === undefined ? undefined : { base };
  }
  return collectContext(root, source ?? 'auto', args.files);
}

/** Who the context goes to, for the picker's words: one persona, or a panel of them. */
export type ContextAudience = 'persona' | 'panel';

/** Asks what goes along with the task; the first item keeps the old default (selection, else file). */
export async function pickContextSource(audience: ContextAudience = 'persona'): Promise<ContextSourceKind | undefined> {
  const editor = reviewableEditor();
  const items: (vscode.QuickPickItem & { kind2: ContextSourceKind })[] = [];
  if (editor && !editor.selection.isEmpty) items.push({ label: '$(selection) Selection', description: `lines ${editor.selection.start.line + 1}-${editor.selection.end.line + 1}`, kind2: 'selection' });
  if (editor) items.push({ label: '$(file) Active file', description: vscode.workspace.asRelativePath(editor.document.uri), kind2: 'file' });
  items.push(
    { label: '$(files) Pick files…', description: 'one or more files of the workspace', kind2: 'files' },
    { label: '$(git-compare) Git changes', description: 'the working tree against HEAD', kind2: 'diff' },
    { label: '$(git-pull-request) Changes since branch point', description: 'what this branch changed since it left its base (git merge-base)', kind2: 'branch' },
    { label: '$(circle-slash) No context', description: audience === 'panel' ? 'the personas look around the workspace with their tools' : 'the persona looks around the workspace with its tools', kind2: 'none' },
  );
  const picked = await vscode.window.showQuickPick(items, { title: `What should the ${audience} look at?`, placeHolder: 'Context for the review', ignoreFocusOut: true });
  return picked?.kind2;
}

/**
 * The context a source names: the editor's selection or file as read now, the files (picked
 * when none were given), or the git changes. `files` are workspace-relative; PersonaJobs reads
 * them through the path validator.
 */
export async function collectContext(root: string, source: ContextSourceKind, files: readonly string[] = []): Promise<ContextRequest> {
  switch (source) {
    case 'none':
      return {};
    case 'diff':
      return { diff: true };
    case 'branch': {
      // Without a base to measure from (no remote, no main or master), the changes against HEAD.
      const base = await defaultBaseRef(root);
      return base === null ? { diff: true } : { base };
    }
    case 'files': {
      const paths = files.length > 0 ? [...files] : await pickFiles(root);
      return { files: paths };
    }
    default: {
      const editorSource = editorContext(source);
      return editorSource ? { sources: [editorSource] } : {};
    }
  }
}

/** Asks for the base ref, suggesting the upstream's default branch; undefined when dismissed. */
async function askBaseRef(suggested: string): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'Changes since the branch point with…',
    prompt: 'The branch, tag or commit this branch will merge into (git merge-base with it, then the diff to the working tree).',
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' || v.trim().startsWith('-') ? 'Name a branch, tag or commit, such as main or origin/main.' : undefined),
  });
  return value === undefined ? undefined : value.trim();
}

async function pickFiles(root: string): Promise<string[]> {
  const uris = await vscode.window.showOpenDialog({ canSelectMany: true, canSelectFiles: true, canSelectFolders: false, defaultUri: vscode.Uri.file(root), openLabel: 'Review these files' });
  return (uris ?? []).map((u) => vscode.workspace.asRelativePath(u, false));
}

/**
 * The editor whose file or selection is offered: the active one when it shows a file a person
 * could mean (a workspace file or an untitled buffer), else a visible one that does. The Output
 * panel, a job's result or a diff's left side are editors too, but never what is under review.
 */
export function reviewableEditor(): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active && isReviewableScheme(active.document.uri.scheme)) return active;
  return vscode.window.visibleTextEditors.find((e) => isReviewableScheme(e.document.uri.scheme));
}

function editorContext(source: 'auto' | 'selection' | 'file'): ContextSource | undefined {
  const editor = reviewableEditor();
  if (!editor) {
    if (source === 'auto') return undefined;
    throw new PersonaError('INVALID_INPUT', `There is no file open in an editor to take the ${source} from.`, 'Open a file, or pick other context (files or git changes).');
  }
  const selection = editor.selection;
  const useSelection = source === 'selection' || (source === 'auto' && !selection.isEmpty);
  if (useSelection && selection.isEmpty) throw new PersonaError('INVALID_INPUT', 'Nothing is selected.', 'Select the code to review, or pick the active file.');
  return documentContext(editor.document, useSelection ? selection : undefined);
}

/**
 * A document as context: the whole of it, or the lines a range touches (whole lines, numbered
 * from the range's first). Also what a chat request's selection reference becomes.
 */
export function documentContext(doc: vscode.TextDocument, selection: vscode.Range | undefined): ContextSource {
  const path = doc.uri.scheme !== 'untitled' ? vscode.workspace.asRelativePath(doc.uri) : doc.uri.path.split('/').pop() ?? 'untitled';
  const range = selection ? new vscode.Range(selection.start.line, 0, selection.end.line, doc.lineAt(selection.end.line).text.length) : undefined;
  return { path, text: doc.getText(range), startLine: selection ? selection.start.line + 1 : 1, kind: selection ? 'selection' : 'file' };
}
