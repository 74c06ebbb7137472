import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';

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

/** `git diff HEAD` of the workspace, through the built-in git extension (the editor's DiffSource for PersonaJobs). */
export async function gitChanges(root: string): Promise<string> {
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
