import { countOf } from '../core/plural';
/**
 * Formats the material a persona reviews: a header naming the file and lines, then the code
 * with line numbers, so answers can cite `file:line`. Cut to `maxChars` with a note that says so.
 */
/** The context limit unless setting "agentOsPersonas.context.maxChars" says otherwise (the CLI and MCP use it too). */
export const DEFAULT_CONTEXT_MAX_CHARS = 60_000;

export interface ContextSource {
  /** Workspace-relative path, or a label such as "untitled". */
  path: string;
  text: string;
  /** 1-based line number of the first line of `text`. */
  startLine: number;
  kind: 'selection' | 'file';
}

export interface FormattedContext {
  context: string;
  note: string | null;
}

export function formatContext(source: ContextSource, maxChars: number): FormattedContext {
  const allLines = source.text.split(/\r?\n/);
  const width = String(source.startLine + allLines.length - 1).length;
  const out: string[] = [];
  let used = 0;
  let shown = 0;
  for (const [i, line] of allLines.entries()) {
    const numbered = `${String(source.startLine + i).padStart(width, ' ')}| ${line}`;
    if (used + numbered.length + 1 > maxChars) break;
    out.push(numbered);
    used += numbered.length + 1;
    shown += 1;
  }
  const last = source.startLine + Math.max(shown, 1) - 1;
  const cut = shown < allLines.length;
  const note = cut
    ? `Context cut to ${shown} of ${countOf(allLines.length, 'line')} (${maxChars} characters, setting "agentOsPersonas.context.maxChars").`
    : null;
  const header = `File: ${source.path} (${source.kind}, lines ${source.startLine}-${last})`;
  return { context: `${header}\n${out.join('\n')}${cut ? `\n… ${note}` : ''}`, note };
}

/**
 * Several files (picked files, or a CLI's paths) under one size budget, in order. A file that
 * does not fit is cut, the ones after it left out, and the note says which.
 */
export function formatSources(sources: ContextSource[], maxChars: number): FormattedContext {
  const parts: string[] = [];
  const notes: string[] = [];
  let left = maxChars;
  for (const [i, source] of sources.entries()) {
    if (left < 200) {
      notes.push(`Left out ${sources.length - i} of ${countOf(sources.length, 'file')} (${sources.slice(i).map((s) => s.path).join(', ')}): the context is limited to ${maxChars} characters (setting "agentOsPersonas.context.maxChars").`);
      break;
    }
    const formatted = formatContext(source, left);
    parts.push(formatted.context);
    if (formatted.note) notes.push(`${source.path}: ${formatted.note}`);
    left -= formatted.context.length + 2;
  }
  return { context: parts.join('\n\n'), note: notes.length > 0 ? notes.join(' ') : null };
}

/**
 * A unified diff (`git diff HEAD`, or `git diff <merge-base>` for a branch's changes) as context:
 * per file, the new side's lines numbered as in the working tree (so findings cite real lines),
 * added lines marked `+`, removed lines shown unnumbered with `-`. Cut to `maxChars` with a note.
 * `against` names what the diff is taken against in each file's header (default `HEAD`); the
 * header keeps `git diff` in it, since the demo model and the findings' scope read it.
 */
export function formatDiff(diff: string, maxChars: number, against = 'HEAD'): FormattedContext {
  const out: string[] = [];
  let newLine = 0;
  let files = 0;
  for (const line of diff.split(/\r?\n/)) {
    const file = /^\+\+\+ (?:b\/)?(.+)$/.exec(line);
    if (file) {
      if (file[1] === '/dev/null') continue;
      files += 1;
      out.push(`${files > 1 ? '\n' : ''}File: ${file[1]} (git diff against ${against}; + added, - removed)`);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/.exec(line);
    if (hunk) {
      newLine = Number(hunk[1]);
      out.push(`   …${hunk[2] ? ` ${hunk[2].trim()}` : ''}`);
      continue;
    }
    if (/^(diff --git|index |--- |new file mode|deleted file mode|similarity|rename |old mode|new mode|Binary files)/.test(line)) continue;
    if (line.startsWith('+')) out.push(`${newLine++}| + ${line.slice(1)}`);
    else if (line.startsWith('-')) out.push(`    | - ${line.slice(1)}`);
    else if (line.startsWith(' ')) out.push(`${newLine++}|   ${line.slice(1)}`);
  }
  if (files === 0) return { context: '', note: `The working tree has no changes against ${against}, so no diff went along.` };
  const full = out.join('\n');
  if (full.length <= maxChars) return { context: full, note: null };
  const cutAt = full.lastIndexOf('\n', maxChars);
  const note = `Diff cut to ${maxChars} of ${full.length} characters (setting "agentOsPersonas.context.maxChars").`;
  return { context: `${full.slice(0, cutAt > 0 ? cutAt : maxChars)}\n… ${note}`, note };
}
