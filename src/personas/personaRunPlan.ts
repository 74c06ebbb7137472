// What turns a queued persona job into a worker's run: the plan (persona, model, input) and the
// host calls its tools make. The pool carries both without knowing what a persona is.
import type { EtaEstimator } from '../jobs/eta';
import type { JobReads } from '../jobs/jobReads';
import type { HostCallHandler, RunPlan } from '../jobs/workerPool';
import type { JobSummary } from '../jobs/types';
import type { ModelConfig } from './modelConfig';
import type { ModelResolver } from './modelResolver';
import type { PersonaRegistry } from './personaRegistry';
import { DEFAULT_EXPECTED_OUTPUT_CHARS, type PersonaRunInput } from './personaRunner';
import type { HostToolDefinition, StandardHit, StandardProposalInput, ToolAnswer, ToolHost } from './tools/types';

/** The payload of a persona job's run, as the worker receives it. */
export interface PersonaRunPayload {
  input: PersonaRunInput;
  model: ModelConfig;
}

/** The host calls a persona's tools make, by name (the worker side is `toolHostOver`). */
export const PERSONA_HOST_CALLS = { searchStandards: 'searchStandards', proposeStandard: 'proposeStandard', hostTool: 'hostTool' } as const;

/**
 * The standards as personas reach them; src/standards implements it (the index and the
 * proposal store), and the composition root plugs it in. Personas never import src/standards.
 */
export interface StandardsPort {
  search(query: { query: string; domain?: string; tags?: string[]; limit: number }): Promise<StandardHit[]>;
  propose(proposal: StandardProposalInput & { createdBy: string; jobId: string | null }): Promise<{ id: string }>;
}

/**
 * Tools that run in the host for a job (the workflow tools); src/workflows implements them and
 * the composition root plugs them in, so personas never import src/workflows.
 */
export interface HostToolsPort {
  definitions(): HostToolDefinition[];
  run(job: JobSummary, name: string, input: unknown): Promise<ToolAnswer>;
}

/** The pool's `plan`: the job's persona (as loaded now) and the model that answers it. */
export function personaRunPlan(store: JobReads, registry: PersonaRegistry, models: ModelResolver, workspaceRoot: string, limits: { toolTimeoutMs?: number; hostTools?: () => HostToolDefinition[] } = {}): (job: JobSummary, eta: EtaEstimator) => Promise<RunPlan> {
  return async (job, eta) => {
    const persona = registry.require(job.persona);
    const model = await models.resolve();
    // Picked as a summary; the context, the one large field a run needs, is read once here.
    const context = store.require(job.id).context;
    const payload: PersonaRunPayload = {
      model,
      input: {
        personaId: persona.id,
        systemPrompt: persona.systemPrompt,
        task: job.task,
        context,
        contextNote: job.contextNote,
        personaModel: persona.model,
        tools: persona.tools,
        // Only the host tools the persona names: a reviewer gets none.
        hostTools: (limits.hostTools?.() ?? []).filter((t) => (persona.tools as readonly string[]).includes(t.name)),
        workspaceRoot,
        jobId: job.id,
        toolTimeoutMs: limits.toolTimeoutMs,
        expectedOutputChars: eta.expectedOutputChars(job.persona, DEFAULT_EXPECTED_OUTPUT_CHARS),
      },
    };
    return { payload, label: model.label };
  };
}

/**
 * The host side of the persona tools that need the store's owner. The job's persona is the
 * author of a proposal, whatever the worker says; nothing here can approve one.
 */
export function personaHostCalls(standards: StandardsPort, hostTools?: HostToolsPort): Record<string, HostCallHandler> {
  return {
    [PERSONA_HOST_CALLS.hostTool]: (job, args) => {
      const { name, input } = args as { name: string; input: unknown };
      if (!hostTools) return Promise.resolve({ content: `${String(name)} cannot run here.`, isError: true });
      return hostTools.run(job, name, input);
    },
    [PERSONA_HOST_CALLS.searchStandards]: (_job, args) => {
      const q = args as Parameters<StandardsPort['search']>[0];
      return standards.search({ query: q.query, domain: q.domain, tags: q.tags, limit: q.limit });
    },
    [PERSONA_HOST_CALLS.proposeStandard]: async (job, args) => {
      const p = args as StandardProposalInput;
      const { id } = await standards.propose({ domain: p.domain, topic: p.topic, title: p.title, body: p.body, tags: p.tags, createdBy: job.persona, jobId: job.id });
      return { id };
    },
  };
}

/** The worker side: a ToolHost whose calls run in the host. */
export function toolHostOver(hostCall: (method: string, args: unknown) => Promise<unknown>): ToolHost {
  return {
    searchStandards: (query) => hostCall(PERSONA_HOST_CALLS.searchStandards, query) as ReturnType<ToolHost['searchStandards']>,
    proposeStandard: (proposal) => hostCall(PERSONA_HOST_CALLS.proposeStandard, proposal) as ReturnType<ToolHost['proposeStandard']>,
    callHostTool: (name, input) => hostCall(PERSONA_HOST_CALLS.hostTool, { name, input }) as Promise<ToolAnswer>,
  };
}
