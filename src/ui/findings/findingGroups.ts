// How the Findings view arranges what the editor shows: by file or by severity, and the words of
// its rows. Pure (no `vscode`), so the unit tests check the grouping and the wording.
import { countOf } from '../../core/plural';
import { FINDING_SEVERITIES, type FindingSeverity, type StoredFinding } from '../../findings/types';

export type FindingsGrouping = 'file' | 'severity';

/** The group of findings that cite no file, or a file or line the workspace does not have. */
export const UNANCHORED_GROUP = 'Not in the workspace';

export interface FindingGroup {
  /** A file path, a severity, or UNANCHORED_GROUP. */
  key: string;
  label: string;
  /** "3 findings · 1 high" */
  description: string;
  findings: StoredFinding[];
}

const RANK: Record<FindingSeverity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/**
 * By file: files in path order, each file's findings by line; by severity: critical first, each
 * severity's findings by file and line. Findings that have no place in the workspace (anchored
 * false) come last in a group of their own either way, since a click on them can only open
 * their review's result.
 */
export function groupFindings(findings: readonly StoredFinding[], by: FindingsGrouping): FindingGroup[] {
  const anchored = findings.filter((f) => f.anchored && f.file !== null);
  const unanchored = findings.filter((f) => !(f.anchored && f.file !== null));
  const groups: FindingGroup[] = [];
  if (by === 'file') {
    const files = [...new Set(anchored.map((f) => f.file!))].sort();
    for (const file of files) {
      const own = anchored.filter((f) => f.file === file).sort(byPlace);
      groups.push({ key: file, label: file, description: countsText(own), findings: own });
    }
  } else {
    for (const severity of FINDING_SEVERITIES) {
      const own = anchored.filter((f) => f.severity === severity).sort(byPlace);
      if (own.length > 0) groups.push({ key: severity, label: severityLabel(severity), description: countOf(own.length, 'finding'), findings: own });
    }
  }
  if (unanchored.length > 0) {
    const own = [...unanchored].sort((a, b) => RANK[a.severity] - RANK[b.severity] || byPlace(a, b));
    groups.push({ key: UNANCHORED_GROUP, label: UNANCHORED_GROUP, description: countsText(own), findings: own });
  }
  return groups;
}

/** A row: the title; after it where (by file: the line; by severity: file:line) and who. */
export function findingRowText(f: StoredFinding, by: FindingsGrouping): { label: string; description: string } {
  const where = f.file === null ? 'no file cited' : by === 'file' && f.anchored ? `line ${lineText(f)}` : `${f.file}${f.startLine !== null ? `:${lineText(f)}` : ''}`;
  return { label: f.title, description: `${where} · ${f.persona}` };
}

/** The view's badge tooltip and description: "5 findings: 1 critical, 2 high, 2 medium". */
export function findingsSummary(findings: readonly StoredFinding[]): string {
  if (findings.length === 0) return 'No findings';
  return `${countOf(findings.length, 'finding')}: ${severityCounts(findings)}`;
}

/**
 * The line under the view's title when some findings have no place in the workspace: they are
 * in their reviews' results, never in the Problems panel.
 */
export function unanchoredNote(findings: readonly StoredFinding[]): string | undefined {
  const n = findings.filter((f) => !(f.anchored && f.file !== null)).length;
  if (n === 0) return undefined;
  return `${countOf(n, 'finding')} ${n === 1 ? 'cites' : 'cite'} no file, or a file or line the workspace does not have: listed under "${UNANCHORED_GROUP}", not in the Problems panel.`;
}

export function severityLabel(severity: FindingSeverity): string {
  return severity[0]!.toUpperCase() + severity.slice(1);
}

function countsText(findings: readonly StoredFinding[]): string {
  return `${countOf(findings.length, 'finding')} · ${severityCounts(findings)}`;
}

function severityCounts(findings: readonly StoredFinding[]): string {
  return FINDING_SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

function lineText(f: StoredFinding): string {
  return f.endLine !== null && f.startLine !== null && f.endLine > f.startLine ? `${f.startLine}-${f.endLine}` : String(f.startLine ?? '');
}

function byPlace(a: StoredFinding, b: StoredFinding): number {
  return (a.file ?? '').localeCompare(b.file ?? '') || (a.startLine ?? 0) - (b.startLine ?? 0) || RANK[a.severity] - RANK[b.severity] || a.title.localeCompare(b.title);
}
