import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FindingSeverity, StoredFinding } from '../../findings/types';
import { findingRowText, groupFindings, severityLabel, type FindingGroup, type FindingsGrouping } from './findingGroups';
import type { FindingsModel } from './findingsModel';

export type FindingsTreeElement = FindingGroup | StoredFinding;

function isGroup(element: FindingsTreeElement): element is FindingGroup {
  return 'findings' in element;
}

const SEVERITY_ICON: Record<FindingSeverity, vscode.ThemeIcon> = {
  critical: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  high: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  medium: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  low: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

/**
 * The Findings view's rows: groups (a file, or a severity) and under them the findings the
 * editor shows (FindingsModel). A row opens its file at its line; a finding with no place in
 * the workspace opens its review's result instead.
 */
export class FindingsTreeProvider implements vscode.TreeDataProvider<FindingsTreeElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FindingsTreeElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private grouping: FindingsGrouping = 'file';

  constructor(
    private readonly model: FindingsModel,
    private readonly workspaceRoot: () => string | undefined,
  ) {
    this.subscription = model.onDidChange(() => this.changed.fire(undefined));
  }

  get groupedBy(): FindingsGrouping {
    return this.grouping;
  }

  groupBy(grouping: FindingsGrouping): void {
    if (grouping === this.grouping) return;
    this.grouping = grouping;
    this.changed.fire(undefined);
  }

  /** Rows again (the workspace folder became known: rows gain their file's place). */
  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: FindingsTreeElement): FindingsTreeElement[] {
    if (!element) return groupFindings(this.model.current(), this.grouping);
    return isGroup(element) ? element.findings : [];
  }

  getTreeItem(element: FindingsTreeElement): vscode.TreeItem {
    return isGroup(element) ? this.groupItem(element) : this.findingItem(element);
  }

  private groupItem(group: FindingGroup): vscode.TreeItem {
    const item = new vscode.TreeItem(group.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `group:${this.grouping}:${group.key}`;
    item.description = group.description;
    item.contextValue = 'findings-group';
    const root = this.workspaceRoot();
    if (this.grouping === 'file' && group.findings[0]?.anchored && root) {
      // The file's own icon, as the Problems panel shows it.
      item.resourceUri = vscode.Uri.file(path.join(root, group.key));
      item.iconPath = vscode.ThemeIcon.File;
    } else if (this.grouping === 'severity' && group.findings[0]?.anchored) {
      item.iconPath = SEVERITY_ICON[group.findings[0].severity];
    } else {
      item.iconPath = new vscode.ThemeIcon('question');
    }
    return item;
  }

  private findingItem(f: StoredFinding): vscode.TreeItem {
    const { label, description } = findingRowText(f, this.grouping);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `finding:${f.jobId}:${f.ordinal}`;
    item.description = description;
    item.iconPath = SEVERITY_ICON[f.severity];
    item.contextValue = f.anchored ? 'finding' : 'finding-unanchored';
    item.tooltip = findingTooltip(f);
    item.accessibilityInformation = { label: `${severityLabel(f.severity)}: ${label}, ${description}` };
    const root = this.workspaceRoot();
    if (f.anchored && f.file !== null && f.startLine !== null && root) {
      const line = f.startLine - 1;
      const selection = new vscode.Range(line, 0, line, 0);
      item.command = { command: 'vscode.open', title: 'Open at the Finding', arguments: [vscode.Uri.file(path.join(root, f.file)), { selection, preview: true } satisfies vscode.TextDocumentShowOptions] };
    } else {
      item.command = { command: 'agentOsPersonas.openJobResult', title: 'Open Result', arguments: [f.rootJobId] };
    }
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function findingTooltip(f: StoredFinding): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**[${f.severity.toUpperCase()}]** `);
  md.appendText(f.title);
  md.appendMarkdown('\n\n');
  if (f.file) md.appendText(`${f.file}${f.startLine !== null ? `:${f.startLine}` : ''} · ${f.persona}\n\n`);
  else md.appendText(`${f.persona} (no file cited)\n\n`);
  if (!f.anchored && f.file) md.appendText('The workspace has no such file or line: this finding is in its review\'s result only.\n\n');
  if (f.evidence) md.appendText(`Evidence: ${f.evidence}\n\n`);
  if (f.why) md.appendText(`Why: ${f.why}\n\n`);
  if (f.recommendation) md.appendText(`Recommendation: ${f.recommendation}\n`);
  return md;
}
