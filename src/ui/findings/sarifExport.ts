import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { countOf } from '../../core/plural';
import { findingsToSarif } from '../../findings/sarif';
import type { StoredFinding } from '../../findings/types';
import type { PersonaServices } from '../../services';

const EXTENSION_ID = 'agent-os.agent-os-personas';

/** What Export Findings as SARIF… takes from a caller (a test, another extension): where to write, so no dialog opens. */
export interface ExportSarifArgs {
  uri?: vscode.Uri | string;
}

/**
 * Writes what the editor shows (the Findings view's findings) as a SARIF 2.1.0 log, one run per
 * persona, for a SARIF viewer or code scanning. Returns the file's uri, or undefined when the
 * person closed the save dialog.
 */
export async function exportFindingsAsSarif(services: PersonaServices, findings: readonly StoredFinding[], args: ExportSarifArgs): Promise<string | undefined> {
  const root = vscode.Uri.file(services.workspaceRoot);
  const target =
    typeof args.uri === 'string'
      ? vscode.Uri.parse(args.uri)
      : (args.uri ??
        (await vscode.window.showSaveDialog({
          title: 'Export Findings as SARIF',
          defaultUri: vscode.Uri.joinPath(root, 'personas-findings.sarif'),
          filters: { SARIF: ['sarif', 'json'] },
          saveLabel: 'Export',
        })));
  if (!target) return undefined;
  const ids = [...new Set(findings.map((f) => f.persona))].sort();
  const personas = ids.map((id) => {
    const persona = services.registry.get(id);
    return { id, name: persona?.name ?? id, description: persona?.description ?? '' };
  });
  const log = findingsToSarif({
    findings,
    personas,
    toolVersion: (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { version?: string } | undefined)?.version ?? '0.0.0',
    workspaceInRepository: await workspaceInRepository(services.workspaceRoot),
  });
  await vscode.workspace.fs.writeFile(target, Buffer.from(`${JSON.stringify(log, null, 2)}\n`, 'utf8'));
  void vscode.window.showInformationMessage(`Exported ${countOf(findings.length, 'finding')} as SARIF to ${vscode.workspace.asRelativePath(target, false)}.`);
  return target.toString();
}

/**
 * The workspace folder's path inside its git repository ('' at the root, or outside git): a
 * finding cites a workspace-relative path, and SARIF uris are relative to the repository.
 */
function workspaceInRepository(root: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--show-prefix'], { cwd: root, timeout: 10_000 }, (err, stdout) => {
      resolve(err ? '' : stdout.trim().replace(/\/+$/, ''));
    });
  });
}
