import * as vscode from 'vscode';
import { PersonaError } from '../../core/errors';
import { guardCommand } from '../commandGuard';
import type { PersonaServices } from '../../services';
import { findingsSummary, unanchoredNote, type FindingsGrouping } from './findingGroups';
import type { FindingsModel } from './findingsModel';
import { FindingsTreeProvider, type FindingsTreeElement } from './findingsTree';
import { exportFindingsAsSarif, type ExportSarifArgs } from './sarifExport';

export const FINDINGS_VIEW_ID = 'agentOsPersonas.findings';
/** Which grouping the view shows, for the title bar's toggle (package.json `menus`). */
const GROUPED_BY_CONTEXT = 'agentOsPersonas.findingsGroupedBy';

/** What Show Findings returns: the view's rows as shown (for tests, and extensions that build on this one). */
export interface FindingsViewSnapshot {
  groupedBy: FindingsGrouping;
  /** How many findings the view shows (its title says so with the severities). */
  count: number;
  message: string | undefined;
  groups: { label: string; description: string; rows: { label: string; description: string; command: vscode.Command | undefined }[] }[];
}

/** The Findings view (by file or by severity) and its commands: Show Findings, Clear Findings, Export Findings as SARIF…. */
export function registerFindingsView(model: FindingsModel, ready: () => Promise<PersonaServices | undefined>, log: vscode.LogOutputChannel): vscode.Disposable[] {
  let root: string | undefined;
  const provider = new FindingsTreeProvider(model, () => root);
  // `ready` is the extension's promise, assigned only after the UI registers: ask for it a turn later.
  void Promise.resolve()
    .then(() => ready())
    .then(
      (services) => {
        root = services?.workspaceRoot;
        provider.refresh();
      },
      () => undefined,
    );
  const view = vscode.window.createTreeView<FindingsTreeElement>(FINDINGS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const showCounts = (): void => {
    const shown = model.current();
    // Counts in the title, not a badge: the Personas icon's badge means proposals wait for a
    // person (the Standards view); the Problems panel counts the findings already.
    view.description = shown.length > 0 ? findingsSummary(shown) : undefined;
    view.message = unanchoredNote(shown);
  };
  const groupBy = async (grouping: FindingsGrouping): Promise<void> => {
    provider.groupBy(grouping);
    await vscode.commands.executeCommand('setContext', GROUPED_BY_CONTEXT, grouping);
  };
  const requireServices = async (): Promise<PersonaServices> => {
    const services = await ready();
    if (!services) throw new PersonaError('NO_WORKSPACE', 'No folder is open.', 'Open a folder: findings are kept with its persona jobs in its .agent-os folder.');
    return services;
  };
  const snapshot = async (): Promise<FindingsViewSnapshot> => ({
    groupedBy: provider.groupedBy,
    count: model.current().length,
    message: view.message,
    groups: await Promise.all(
      provider.getChildren().map(async (group) => {
        const item = provider.getTreeItem(group);
        const rows = provider.getChildren(group).map((f) => {
          const row = provider.getTreeItem(f);
          return { label: labelText(row.label), description: String(row.description ?? ''), command: row.command };
        });
        return { label: labelText(item.label), description: String(item.description ?? ''), rows };
      }),
    ),
  });
  const commands: Record<string, (...args: never[]) => unknown> = {
    'agentOsPersonas.showFindings': () =>
      guardCommand(log, 'Show Findings', async () => {
        await vscode.commands.executeCommand(`${FINDINGS_VIEW_ID}.focus`);
        return snapshot();
      }),
    'agentOsPersonas.clearFindings': () =>
      guardCommand(log, 'Clear Findings', async () => {
        // Hides them here and in the Problems panel; they stay with their jobs, and MCP and the CLI still list them.
        await model.clear();
      }),
    'agentOsPersonas.exportFindingsSarif': (args?: ExportSarifArgs) =>
      guardCommand(log, 'Export Findings as SARIF', async () => exportFindingsAsSarif(await requireServices(), model.current(), args ?? {})),
    'agentOsPersonas.findingsGroupBySeverity': () => groupBy('severity'),
    'agentOsPersonas.findingsGroupByFile': () => groupBy('file'),
  };
  showCounts();
  void vscode.commands.executeCommand('setContext', GROUPED_BY_CONTEXT, provider.groupedBy);
  return [
    provider,
    view,
    model.onDidChange(showCounts),
    ...Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
  ];
}

function labelText(label: string | vscode.TreeItemLabel | undefined): string {
  return typeof label === 'object' ? label.label : (label ?? '');
}
