import { z } from 'zod';
import { isReservedName } from '../../core/workspacePath';
import type { PersonaTool } from './types';

/** Lower-case words joined by hyphens: safe as a folder and a file name on every OS. */
export const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A slug that is also a file or folder name approval can write on every OS (not `con`, `nul`, `com1`…). */
const fileSlug = (example: string): z.ZodString =>
  z
    .string()
    .regex(SLUG, `lower-case letters, digits and hyphens, e.g. "${example}"`)
    .refine((s) => !isReservedName(s), 'a Windows device name (con, prn, aux, nul, com1-9, lpt1-9) cannot be a file or folder name; choose another word');

/** A proposal's fields, shared with the MCP tool of the same name (which adds who proposes it). */
export const STANDARD_PROPOSAL_FIELDS = {
  domain: fileSlug('security').describe('The area, e.g. "security", "testing", "api".'),
  topic: fileSlug('parameterised-queries').describe('File name for the standard, e.g. "parameterised-queries".'),
  title: z.string().min(3).max(120).describe('The title the standard is found by, e.g. "Validate input at the boundary".'),
  body: z.string().min(20).max(20_000).describe('Markdown with the sections Context, Pattern, Examples, Anti-Patterns, When to Revisit.'),
  tags: z.array(z.string().regex(SLUG)).max(10).default([]).describe('Lower-case words that search_standards can filter on.'),
};

const schema = z.object(STANDARD_PROPOSAL_FIELDS);

export const proposeStandardTool: PersonaTool<typeof schema> = {
  name: 'propose_standard',
  description: 'Propose a project standard for a rule that recurs. It is recorded as a pending proposal; only a human can approve it, in the editor. Returns the proposal id. Do not claim it is approved.',
  schema,
  phase: 'analyzing',
  async run(input, context) {
    // Only the fields above reach the host: an "approved_by" or status in the input is dropped by the schema.
    const { id } = await context.host.proposeStandard({ ...input, persona: context.persona, jobId: context.jobId });
    return `Proposal ${id} recorded for ${input.domain}/${input.topic}; it waits for a human to approve or reject it.`;
  },
};
