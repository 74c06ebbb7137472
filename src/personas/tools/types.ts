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
  /** Runs a host tool (see HostToolDefinition) for this job; absent where no host offers any. */
  callHostTool?(name: string, input: unknown): Promise<ToolAnswer>;
}

/**
 * A tool that runs in the host, defined there: the workflow tools, whose sessions live in the
 * store. The worker gets its name, description and JSON Schema, offers it to the model, and
 * sends each call to the host, which validates the input and answers.
 */
export interface HostToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** A tool's answer when it is more than text: a refusal the model can correct, and a progress line. */
export interface ToolAnswer {
  content: string;
  isError: boolean;
  /** Shown as the job's progress while the run goes on (e.g. "phase 2 of 4: Threats"). */
  status?: string;
  /** How far the run is, 0 to 1, when the tool knows (phases accepted of all). */
  progress?: number;
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
  /** The JSON Schema sent to the model, when it is not generated from `schema` (host tools). */
  inputSchema?: Record<string, unknown>;
  /** The phase the job shows while this tool runs. */
  phase: 'searching' | 'analyzing';
  run(input: z.infer<S>, context: ToolContext): Promise<string | ToolAnswer>;
}
