import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import { readWorkspaceText } from '../core/workspaceFile';
import { formatContext, formatDiff, formatSources, type FormattedContext } from '../personas/context';
import { readContextMaxChars } from './settings';

/** Where a review's context comes from. `auto`: the selection, else the active file. */
export type ContextSourceKind = 'auto' | 'selection' | 'file' | 'files' | 'diff' | 'none';
export const CONTEXT_SOURCES: readonly ContextSourceKind[] = ['auto', 'selection', 'file', 'files', 'diff', 'none'];

/** The minimal slice of the built-in git extension's API (`vscode.git`, API version 1) used here. */
interface GitChange {
  readonly uri: vscode.Uri;
}
interface GitRepository {
  diffWithHEAD(): Promise<GitChange[]>;
  diffWithHEAD(path: string): Promise<string>;
}
interface GitApi {
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}
interface GitExtension {
  getAPI(version: 1): GitApi;
}

/** What a command's arguments may say about context (Ask a Persona, Ask the Panel). */
export interface ContextArgs {
  context?: string;
  contextSource?: ContextSourceKind;
  files?: string[];
}

/**
 * The context for a command: the given text, else the given source, else (interactive) the
 * person's pick, else `auto`. Undefined when the person dismissed the pick.
 */
export async function contextForCommand(root: string, args: ContextArgs, interactive: boolean): Promise<FormattedContext | undefined> {
  if (args.contextSource !== undefined && !CONTEXT_SOURCES.includes(args.contextSource)) {
    throw new PersonaError('INVALID_INPUT', `Unknown context source "${String(args.contextSource)}".`, `Use one of: ${CONTEXT_SOURCES.join(', ')}.`);
  }
  if (args.context !== undefined) return { context: args.context, note: null };
  let source = args.contextSource;
  if (source === undefined && interactive) {
    source = await pickContextSource();
    if (source === undefined) return undefined;
  }
  return collectContext(root, source ?? 'auto', args.files);
}

/** Asks what goes along with the task; the first item keeps the old default (selection, else file). */
export async function pickContextSource(): Promise<ContextSourceKind | undefined> {
  const editor = vscode.window.activeTextEditor;
  const items: (vscode.QuickPickItem & { kind2: ContextSourceKind })[] = [];
  if (editor && !editor.selection.isEmpty) items.push({ label: '$(selection) Selection', description: `lines ${editor.selection.start.line + 1}-${editor.selection.end.line + 1}`, kind2: 'selection' });
  if (editor) items.push({ label: '$(file) Active file', description: vscode.workspace.asRelativePath(editor.document.uri), kind2: 'file' });
  items.push(
    { label: '$(files) Pick files…', description: 'one or more files of the workspace', kind2: 'files' },
    { label: '$(git-compare) Git changes', description: 'the working tree against HEAD', kind2: 'diff' },
    { label: '$(circle-slash) No context', description: 'the persona looks around the workspace with its tools', kind2: 'none' },
  );
  const picked = await vscode.window.showQuickPick(items, { title: 'What should the persona look at?', placeHolder: 'Context for the review', ignoreFocusOut: true });
  return picked?.kind2;
}

/**
 * Collects the context: numbered lines with file headers, bounded by
 * "agentOsPersonas.context.maxChars", with a note when cut. `files` are workspace-relative
 * and go through the path validator.
 */
export async function collectContext(root: string, source: ContextSourceKind, files: readonly string[] = []): Promise<FormattedContext> {
  const maxChars = readContextMaxChars();
  switch (source) {
    case 'none':
      return { context: '', note: null };
    case 'diff':
      return formatDiff(await gitDiff(root), maxChars);
    case 'files': {
      const paths = files.length > 0 ? [...files] : await pickFiles(root);
      if (paths.length === 0) return { context: '', note: null };
      const sources = await Promise.all(
        paths.map(async (path) => ({ path, text: await readWorkspaceText(root, path, maxChars), startLine: 1, kind: 'file' as const })),
      );
      return formatSources(sources, maxChars);
    }
    default:
      return editorContext(source, maxChars);
  }
}

async function pickFiles(root: string): Promise<string[]> {
  const uris = await vscode.window.showOpenDialog({ canSelectMany: true, canSelectFiles: true, canSelectFolders: false, defaultUri: vscode.Uri.file(root), openLabel: 'Review these files' });
  return (uris ?? []).map((u) => vscode.workspace.asRelativePath(u, false));
}

function editorContext(source: 'auto' | 'selection' | 'file', maxChars: number): FormattedContext {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    if (source === 'auto') return { context: '', note: null };
    throw new PersonaError('INVALID_INPUT', `There is no active editor to take the ${source} from.`, 'Open a file, or pick other context (files or git changes).');
  }
  const doc = editor.document;
  const path = doc.uri.scheme === 'file' ? vscode.workspace.asRelativePath(doc.uri) : doc.uri.path.split('/').pop() ?? 'untitled';
  const selection = editor.selection;
  const useSelection = source === 'selection' || (source === 'auto' && !selection.isEmpty);
  if (useSelection && selection.isEmpty) throw new PersonaError('INVALID_INPUT', 'Nothing is selected.', 'Select the code to review, or pick the active file.');
  const range = useSelection ? new vscode.Range(selection.start.line, 0, selection.end.line, doc.lineAt(selection.end.line).text.length) : undefined;
  return formatContext({ path, text: doc.getText(range), startLine: useSelection ? selection.start.line + 1 : 1, kind: useSelection ? 'selection' : 'file' }, maxChars);
}

/** `git diff HEAD` of the workspace, through the built-in git extension. */
async function gitDiff(root: string): Promise<string> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) throw new PersonaError('INVALID_INPUT', 'The built-in Git extension is not available, so the git changes cannot be read.', 'Enable the "Git" extension, or pick files instead.');
  const api = (extension.isActive ? extension.exports : await extension.activate()).getAPI(1);
  const rootUri = vscode.Uri.file(root);
  const repository = api.getRepository(rootUri) ?? (await api.openRepository?.(rootUri)) ?? null;
  if (!repository) throw new PersonaError('INVALID_INPUT', 'This workspace is not a git repository, so there are no changes to review.', 'Pick files or the active file instead, or run "git init".');
  const changes = await repository.diffWithHEAD();
  const diffs = await Promise.all(changes.map((c) => repository.diffWithHEAD(c.uri.fsPath)));
  return diffs.join('\n');
}
