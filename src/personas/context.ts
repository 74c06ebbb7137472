/**
 * Formats the material a persona reviews: a header naming the file and lines, then the code
 * with line numbers, so answers can cite `file:line`. Cut to `maxChars` with a note that says so.
 */
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
    ? `Context cut to ${shown} of ${allLines.length} lines (${maxChars} characters, setting "agentOsPersonas.context.maxChars").`
    : null;
  const header = `File: ${source.path} (${source.kind}, lines ${source.startLine}-${last})`;
  return { context: `${header}\n${out.join('\n')}${cut ? `\n… ${note}` : ''}`, note };
}
