import { validTask } from '../jobs/jobInput';
import type { JobStore } from '../jobs/jobStore';
import type { JobSource, JobSummary } from '../jobs/types';
import type { FormattedContext } from './context';
import { gitDiffHead, resolveContext, type ContextRequest, type DiffSource } from './jobContext';
import type { Panel, PanelCoordinator } from './panelCoordinator';
import type { PersonaRegistry } from './personaRegistry';

export interface AskRequest {
  persona: string;
  task: string;
  context?: ContextRequest;
  priority?: number;
  /** Where it was asked from (the metrics count by it); default 'api'. */
  source?: JobSource;
}

export interface PanelAskRequest {
  personas: string[];
  task: string;
  context?: ContextRequest;
  priority?: number;
  source?: JobSource;
}

export interface PersonaJobsOptions {
  store: JobStore;
  registry: PersonaRegistry;
  panels: PanelCoordinator;
  workspaceRoot: string;
  /** The context limit in characters (setting "agentOsPersonas.context.maxChars"). */
  contextMaxChars: () => number;
  /** Where the git changes come from (default: `git diff HEAD` in the workspace). */
  diffSource?: DiffSource;
}

/**
 * The one way to ask a persona, ask a panel, cancel or retry, for every surface: the palette
 * commands, the MCP tools and the CLI call it, and nothing else creates a persona job. It checks
 * the persona before anything is written, builds the context under one limit, and creates the
 * job; the pool runs it and `JobWatch` follows it.
 */
export class PersonaJobs {
  constructor(private readonly options: PersonaJobsOptions) {}

  /** Throws what `ask` would (UNKNOWN_PERSONA, INVALID_INPUT) without writing anything: for callers that write something else first. */
  check(request: { persona: string; task: string }): void {
    this.options.registry.require(request.persona);
    validTask(request.task);
  }

  /** Creates one persona's job; resolves once it is durable. Throws UNKNOWN_PERSONA or INVALID_INPUT before writing anything. */
  async ask(request: AskRequest): Promise<JobSummary> {
    const persona = this.options.registry.require(request.persona);
    // Checked before the context is read: a bad task should not wait for files or git.
    validTask(request.task);
    const { context, note } = await this.context(request.context);
    return this.options.store.create({ persona: persona.id, task: request.task, context, contextNote: note, priority: request.priority ?? 0, source: request.source });
  }

  /** Creates a panel (a parent and one job per persona) in one durable write; throws before writing on a bad list. */
  async askPanel(request: PanelAskRequest): Promise<Panel> {
    validTask(request.task);
    const { context, note } = await this.context(request.context);
    return this.options.panels.startPanel({ personas: request.personas, task: request.task, context, contextNote: note, priority: request.priority ?? 0, source: request.source });
  }

  /** Cancels a queued or running job (a panel's children too); a running job's model request is aborted at once. */
  cancel(jobId: string, reason = 'Cancelled by the user'): Promise<JobSummary> {
    return this.options.store.cancel(jobId, reason);
  }

  /** Runs a failed or cancelled job again (a panel re-runs the personas that did not answer). */
  retry(jobId: string): Promise<JobSummary> {
    return this.options.store.retry(jobId);
  }

  /** The context a request describes, formatted and cut to the limit, with a note when cut. */
  context(request: ContextRequest = {}): Promise<FormattedContext> {
    return resolveContext(this.options.workspaceRoot, request, this.options.contextMaxChars(), this.options.diffSource ?? gitDiffHead);
  }
}
