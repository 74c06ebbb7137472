import * as vscode from 'vscode';
import { PersonaError } from '../core/errors';
import { resolveInWorkspace } from '../core/workspacePath';
import type { StandardHit } from '../personas/tools/types';
import type { PersonaServices } from '../services';
import { countOf } from '../core/plural';

/** Arguments accepted by `agentOsPersonas.searchStandards`: with `query`, no UI, the hits are returned. */
export interface SearchStandardsArgs {
  query?: string;
  domain?: string;
  tags?: string[];
  limit?: number;
}

const PICK_LIMIT = 20;

/**
 * Personas: Search Standards… — asks for words, shows the best-matching sections of the
 * approved standards (heading, file, snippet) and opens the picked one at its section.
 * Called with `{ query }` it shows nothing and returns the hits (for tests and other extensions).
 */
export async function searchStandards(services: PersonaServices, args: SearchStandardsArgs = {}): Promise<StandardHit[] | undefined> {
  if (args.query !== undefined) {
    if (typeof args.query !== 'string' || !args.query.trim()) {
      throw new PersonaError('INVALID_INPUT', 'The search needs words to look for.', 'Pass { query: "words" }.');
    }
    return services.standards.search({ query: args.query, domain: args.domain, tags: args.tags, limit: args.limit ?? PICK_LIMIT });
  }
  const query = await vscode.window.showInputBox({ title: 'Search Standards', prompt: 'Words to look for in the approved standards (.agent-os/standards)', placeHolder: 'e.g. sql injection parameterised' });
  if (!query?.trim()) return undefined;
  const hits = await services.standards.search({ query, limit: PICK_LIMIT });
  if (hits.length === 0) {
    const { files } = services.standards.size;
    void vscode.window.showInformationMessage(files === 0 ? 'There are no approved standards yet: approve a proposal, or add a file under .agent-os/standards/<domain>/<topic>.md.' : `No approved standard matches "${query}" (${countOf(files, 'standard')} searched).`);
    return hits;
  }
  const items = hits.map((hit) => ({ label: hit.heading || hit.title, description: `${hit.path}:${hit.line}`, detail: hit.snippet, hit }));
  const picked = await vscode.window.showQuickPick(items, { title: `Standards matching "${query}"`, placeHolder: 'Open a section', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return hits;
  // The path comes from the index, which only holds files under the workspace; check it all the same.
  const uri = vscode.Uri.file(resolveInWorkspace(services.workspaceRoot, picked.hit.path));
  const line = Math.max(0, picked.hit.line - 1);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0), preview: true });
  return hits;
}
