import { z } from 'zod';
import { readWorkspaceText } from '../core/workspaceFile';
import { formatSources } from '../personas/context';

/** The context an agent may send with a job: text, or workspace files read here. */
export const CONTEXT_FIELDS = {
  context: z.string().max(400_000).optional().describe('Code or text to review, e.g. a diff or a file\'s content. Cut to 60,000 characters with a note.'),
  files: z.array(z.string().min(1).max(1024)).max(20).optional().describe('Workspace-relative files to review, read by the server (preferred over pasting them into "context").'),
  priority: z.number().int().min(-10).max(10).optional().describe('Higher runs first; default 0.'),
};

export const CONTEXT_MAX_CHARS = 60_000;

export async function contextFrom(root: string, input: { context?: string; files?: string[] }): Promise<{ context: string; note: string | null }> {
  const parts: string[] = [];
  const notes: string[] = [];
  if (input.files && input.files.length > 0) {
    const sources = await Promise.all(input.files.map(async (path) => ({ path, text: await readWorkspaceText(root, path, CONTEXT_MAX_CHARS), startLine: 1, kind: 'file' as const })));
    const formatted = formatSources(sources, CONTEXT_MAX_CHARS);
    parts.push(formatted.context);
    if (formatted.note) notes.push(formatted.note);
  }
  if (input.context) {
    const left = Math.max(0, CONTEXT_MAX_CHARS - (parts[0]?.length ?? 0));
    if (input.context.length > left) {
      notes.push(`The given context was cut to ${left} of ${input.context.length} characters.`);
      parts.push(`${input.context.slice(0, left)}\n… [cut]`);
    } else {
      parts.push(input.context);
    }
  }
  return { context: parts.join('\n\n'), note: notes.length ? notes.join(' ') : null };
}
