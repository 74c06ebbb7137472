import { z } from 'zod';
import { MAX_CONTEXT_CHARS, MAX_TASK_CHARS } from '../jobs/jobInput';
import { DEFAULT_CONTEXT_MAX_CHARS } from '../personas/context';
import type { ContextRequest } from '../personas/jobContext';

/** The task an agent gives a persona or a panel. */
export const TASK_FIELD = z.string().min(1).max(MAX_TASK_CHARS);

/** The context an agent may send with a job: text, or workspace files read by the server. */
export const CONTEXT_FIELDS = {
  context: z.string().max(MAX_CONTEXT_CHARS).optional().describe(`Code or text to review, e.g. a diff or a file's content. Cut to the context limit (${DEFAULT_CONTEXT_MAX_CHARS.toLocaleString('en-US')} characters unless the workspace's setting says otherwise) with a note.`),
  files: z.array(z.string().min(1).max(1024)).max(20).optional().describe('Workspace-relative files to review, read by the server (preferred over pasting them into "context").'),
  priority: z.number().int().min(-10).max(10).optional().describe('Higher runs first; default 0.'),
};

/** What PersonaJobs reads for these fields: the named files first, then the given text. */
export function contextRequest(input: { context?: string; files?: string[] }): ContextRequest {
  return { files: input.files, text: input.context };
}
