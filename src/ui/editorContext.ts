import * as vscode from 'vscode';
import { formatContext } from '../personas/context';
import { readContextMaxChars } from './settings';

/** The selection, else the whole active file, numbered and bounded in size. */
export function editorContext(): { context: string; note: string | null } {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return { context: '', note: null };
  const doc = editor.document;
  const path = doc.uri.scheme === 'file' ? vscode.workspace.asRelativePath(doc.uri) : doc.uri.path.split('/').pop() ?? 'untitled';
  const selection = editor.selection;
  const useSelection = !selection.isEmpty;
  const range = useSelection ? new vscode.Range(selection.start.line, 0, selection.end.line, doc.lineAt(selection.end.line).text.length) : undefined;
  const formatted = formatContext(
    { path, text: doc.getText(range), startLine: useSelection ? selection.start.line + 1 : 1, kind: useSelection ? 'selection' : 'file' },
    readContextMaxChars(),
  );
  return { context: formatted.context, note: formatted.note };
}
