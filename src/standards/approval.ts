// A person's decision on a standard proposal. Only the editor's UI imports this module: no MCP
// tool and no persona tool can reach it (ESLint `no-restricted-imports` in eslint.config.mjs,
// and test/unit/approvalBoundary.test.ts).
import { rm } from 'node:fs/promises';
import { PersonaError } from '../core/errors';
import { MAX_TAGS, STANDARD_SLUG, type Proposal, type ProposalStore } from './proposalStore';
import { composeStandard, isUnrecordedApprovalOf, standardFilePath, stripFrontMatter, writeNewFile } from './standardFile';

export interface ApprovalContext {
  proposals: ProposalStore;
  workspaceRoot: string;
  now?: () => number;
  /** One line per decision (the editor's output channel). */
  log?: (line: string) => void;
}

/** What the person changed before approving; anything left out keeps the proposal's value. */
export interface ApprovalEdits {
  title?: string;
  body?: string;
  domain?: string;
  topic?: string;
  /** Replaces the proposal's tags; each is trimmed and lower-cased, then must be a slug. */
  tags?: string[];
}

export interface ApproveOptions extends ApprovalEdits {
  /** The person approving (see `whoApproves`); recorded in the row and the file's front matter. */
  approvedBy: string;
}

export interface ApprovalResult {
  proposal: Proposal;
  /** The standard's file, relative to the workspace root. */
  path: string;
  absolutePath: string;
  /** The body began with its own front matter, which was dropped (the file's comes from the decision). */
  droppedFrontMatter: boolean;
}

const MAX_TITLE = 200;
const MAX_BODY = 100_000;

/** Proposals with a decision being recorded now: a second click, or approve racing reject, is refused. */
const deciding = new WeakMap<ProposalStore, Set<string>>();

/**
 * Approves a pending proposal: validates the (edited) domain and topic as a path under
 * `.agent-os/standards/`, writes the file atomically without ever overwriting one
 * (STANDARD_EXISTS), then marks the row approved.
 * Invariant: an approved row has its file. If the row cannot be updated after the file was
 * written, the file is removed again and the proposal stays pending.
 */
export async function approveProposal(ctx: ApprovalContext, id: string, options: ApproveOptions): Promise<ApprovalResult> {
  return decide(ctx, id, async (proposal) => {
    const domain = options.domain ?? proposal.domain;
    const topic = options.topic ?? proposal.topic;
    const title = (options.title ?? proposal.title).trim();
    const rawBody = options.body ?? proposal.body;
    if (!title || title.length > MAX_TITLE) throw new PersonaError('INVALID_INPUT', `The title must have 1 to ${MAX_TITLE} characters (it has ${title.length}).`, 'Give the standard a short title.');
    if (!rawBody.trim() || rawBody.length > MAX_BODY) throw new PersonaError('INVALID_INPUT', `The body must have 1 to ${MAX_BODY} characters (it has ${rawBody.length}).`, 'Write the standard in the template: Context, Pattern, Examples, Anti-Patterns, When to Revisit.');
    const approvedBy = options.approvedBy.trim();
    if (!approvedBy) throw new PersonaError('INVALID_INPUT', 'Nobody was named as the approver.', 'Approve from the Standards view in the editor.');
    const tags = options.tags === undefined ? proposal.tags : approvedTags(options.tags);
    const location = standardFilePath(ctx.workspaceRoot, domain, topic);
    const { body, dropped } = stripFrontMatter(rawBody);
    const now = ctx.now ?? Date.now;
    const text = composeStandard({ domain, topic, title, tags, createdBy: proposal.createdBy, approvedBy, createdAt: proposal.createdAt, approvedAt: now(), proposalId: proposal.id, body });
    await writeNewFile(location, text).catch(async (err: unknown) => {
      if (!(err instanceof PersonaError && err.code === 'STANDARD_EXISTS' && isUnrecordedApprovalOf(location, proposal.id))) throw err;
      // An earlier approval of this same proposal wrote the file and was killed before its row
      // was recorded (the proposal is still pending): that file is this decision's to replace,
      // not another standard. Removed, then written anew; a crash in between leaves neither.
      ctx.log?.(`standard ${location.relative}: replacing the file an interrupted approval of proposal ${id} left without its record`);
      await rm(location.absolute, { force: true });
      await writeNewFile(location, text);
    });
    let approved: Proposal;
    try {
      approved = await ctx.proposals.approve(id, { domain, topic, title, tags, body, decidedBy: approvedBy, path: location.relative });
    } catch (err) {
      await rm(location.absolute, { force: true });
      throw err;
    }
    ctx.log?.(`standard approved: ${location.relative} "${title}" by ${approvedBy} (proposed by ${proposal.createdBy}, proposal ${id})${dropped ? '; the front matter written in the proposal body was replaced' : ''}`);
    return { proposal: approved, path: location.relative, absolutePath: location.absolute, droppedFrontMatter: dropped };
  });
}

/** The person's tags, trimmed, lower-cased and de-duplicated; a tag that is not a slug is refused by name. */
function approvedTags(raw: string[]): string[] {
  const tags = [...new Set(raw.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
  const bad = tags.find((t) => !STANDARD_SLUG.test(t));
  if (bad !== undefined) {
    throw new PersonaError('INVALID_INPUT', `The tag "${bad.slice(0, 80)}" is not a single word or hyphenated words.`, 'Use lower-case letters, digits and hyphens, separated by commas, e.g. "api, error-handling".');
  }
  if (tags.length > MAX_TAGS) throw new PersonaError('INVALID_INPUT', `The tags are ${tags.length}; a standard has at most ${MAX_TAGS}.`, 'Keep the tags someone would filter by.');
  return tags;
}

/** Rejects a pending proposal with the person's reason; no file is written. */
export async function rejectProposal(ctx: ApprovalContext, id: string, reason: string, decidedBy: string): Promise<Proposal> {
  return decide(ctx, id, async (proposal) => {
    const rejected = await ctx.proposals.reject(id, { reason, decidedBy });
    ctx.log?.(`standard proposal rejected: ${proposal.domain}/${proposal.topic} "${proposal.title}" by ${decidedBy} (proposed by ${proposal.createdBy}, proposal ${id}): ${rejected.reason ?? ''}`);
    return rejected;
  });
}

async function decide<T>(ctx: ApprovalContext, id: string, run: (proposal: Proposal) => Promise<T>): Promise<T> {
  const proposal = ctx.proposals.requirePending(id);
  let busy = deciding.get(ctx.proposals);
  if (!busy) deciding.set(ctx.proposals, (busy = new Set()));
  if (busy.has(id)) throw new PersonaError('PROPOSAL_DECIDED', `A decision on "${proposal.title}" is being recorded.`, 'Wait for it to finish; the Standards view shows the outcome.');
  busy.add(id);
  try {
    return await run(proposal);
  } finally {
    busy.delete(id);
  }
}
