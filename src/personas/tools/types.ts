import type { z } from 'zod';

/** A section of an approved standard, as search_standards returns it. */
export interface StandardHit {
  /** Workspace-relative: `.agent-os/standards/<domain>/<topic>.md`. */
  path: string;
  /** The section's `##` heading (the standard's title for text before the first one). */
  heading: string;
  /** Up to 300 characters of the section around the first query word it contains. */
  snippet: string;
  domain: string;
  tags: string[];
  /** The standard's title. */
  title: string;
  /** 1-based line of the section's heading in the file. */
  line: number;
  /** BM25 relevance (higher is better); comparable only within one query's results. */
  score: number;
}

export interface StandardProposalInput {
  domain: string;
  topic: string;
  title: string;
  body: string;
  tags: string[];
}

/**
 * What a tool needs from the host: the standards index and the proposal rows live there
 * (one owner of the store), so a worker reaches them by message.
 */
export interface ToolHost {
  searchStandards(query: { query: string; domain?: string; tags?: string[]; limit: number }): Promise<StandardHit[]>;
  proposeStandard(proposal: StandardProposalInput & { persona: string; jobId: string }): Promise<{ id: string }>;
}

export interface ToolContext {
  /** The workspace root; every path a tool takes is resolved inside it. */
  root: string;
  persona: string;
  jobId: string;
  host: ToolHost;
  signal: AbortSignal;
}

/** A read-only (or proposal-only) tool a persona may call during its review. */
export interface PersonaTool<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Written for the model: when to use it and what comes back. */
  description: string;
  schema: S;
  /** The phase the job shows while this tool runs. */
  phase: 'searching' | 'analyzing';
  run(input: z.infer<S>, context: ToolContext): Promise<string>;
}
