/**
 * Which lines of a review's context were changed: a diff part as src/personas/context.ts's
 * formatDiff writes it (a `File: <path> (git diff …)` header, then `N| + code` for an added
 * line and `N|   code` for an unchanged one, numbered as in the working tree; removed lines
 * carry no number). Any other `File:` header ends a diff part.
 */

import type { FindingScope } from './types';

const HEADER = /^File: (.+?) \((.*)\)\s*$/;
const ADDED = /^\s*(\d+)\| \+ /;

/** Per file in a diff part of the context: its added lines (an empty set: only unchanged lines were shown). */
export function changedLines(context: string): Map<string, Set<number>> {
  const changed = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of context.split(/\r?\n/)) {
    if (line.startsWith('File: ')) {
      const header = HEADER.exec(line);
      current = undefined;
      if (header && /\bgit diff\b/.test(header[2]!)) {
        const file = cleanPath(header[1]!);
        current = changed.get(file) ?? new Set<number>();
        changed.set(file, current);
      }
      continue;
    }
    const added = current ? ADDED.exec(line) : null;
    if (added) current!.add(Number(added[1]));
  }
  return changed;
}

/**
 * `changed` when any cited line (start..end) was added by the diff, `preexisting` when the file
 * is in the diff but none was; null when the file is not in a diff part (or no line is cited).
 */
export function scopeOf(changed: Map<string, Set<number>>, file: string | null, startLine: number | null, endLine: number | null): FindingScope | null {
  if (file === null || startLine === null) return null;
  const added = changed.get(cleanPath(file));
  if (!added) return null;
  const end = Math.max(startLine, endLine ?? startLine);
  // A range is bounded by the lines the diff itself numbers, so a runaway `1-999999999` is cheap.
  for (const n of added) if (n >= startLine && n <= end) return 'changed';
  return 'preexisting';
}

function cleanPath(file: string): string {
  return file.trim().replace(/\\/g, '/').replace(/^\.\//, '');
}
