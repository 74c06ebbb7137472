import { z } from 'zod';
import { PersonaError } from '../core/errors';
import type { WorkflowToolName } from '../personas/toolNames';
import type { GateFailure } from './evidenceGate';
import type { Workflow, WorkflowPhase } from './types';
import type { WorkflowRegistry } from './workflowRegistry';
import type { WorkflowSession, WorkflowSessions } from './workflowSessions';
import { countOf } from '../core/plural';

/** Who calls a tool: an MCP client, or a persona job (whose session it must be). */
export interface WorkflowCaller {
  jobId?: string;
}

export interface WorkflowToolDeps {
  registry: WorkflowRegistry;
  sessions: WorkflowSessions;
}

/** A tool's answer: JSON for the caller, whether it is a refusal, and a line for the job's progress. */
export interface WorkflowAnswer {
  ok: boolean;
  data: unknown;
  /** "phase 2 of 4: Threats": what a workflow job is doing now. */
  status?: string;
  /** Phases accepted of all, 0 to 1. */
  progress?: number;
}

export interface WorkflowTool<S extends z.ZodRawShape = z.ZodRawShape> {
  name: WorkflowToolName;
  description: string;
  shape: S;
  readOnly: boolean;
  run(input: z.infer<z.ZodObject<S>>, deps: WorkflowToolDeps, caller: WorkflowCaller): Promise<WorkflowAnswer>;
}

const SESSION_ID = z.string().min(1).max(100).describe('The session_id start_workflow returned.');
const PHASE = z.number().int().min(0).max(1000).describe('The current phase\'s number, as get_current_phase shows it.');

/** The fields a phase's gate requires, by name. */
export function requiredEvidence(phase: WorkflowPhase): string[] {
  const required = phase.evidenceSchema['required'];
  return Array.isArray(required) ? required.map(String) : [];
}

/** The phase as a caller sees it: instructions, tasks by title, and the gate it must pass. */
export function phaseView(workflow: Workflow, phase: WorkflowPhase): Record<string, unknown> {
  const index = workflow.phases.indexOf(phase);
  const instructions = index === 0 && workflow.intro ? `${workflow.intro}\n\n${phase.instructions}` : phase.instructions;
  return {
    phase: phase.number,
    title: phase.title,
    position: `${index + 1} of ${workflow.phases.length}`,
    instructions,
    tasks: phase.tasks.map((t) => ({ task_number: t.number, title: t.title })),
    evidence_schema: phase.evidenceSchema,
    required_evidence: requiredEvidence(phase),
  };
}

/** The progress line of a workflow job. */
export function phaseStatus(session: WorkflowSession): string {
  if (session.currentIndex === null) return `${session.title}: ${session.status}`;
  const phase = session.definition.phases[session.currentIndex]!;
  return `phase ${session.currentIndex + 1} of ${session.definition.phases.length}: ${phase.title}`;
}

/** The job's progress line and share, from the session. */
function progressOf(session: WorkflowSession): { status: string; progress: number } {
  const accepted = session.phases.filter((p) => p.acceptedAt !== null).length;
  return { status: phaseStatus(session), progress: accepted / Math.max(1, session.phases.length) };
}

function currentView(session: WorkflowSession): Record<string, unknown> | null {
  return session.currentIndex === null ? null : phaseView(session.definition, session.definition.phases[session.currentIndex]!);
}

export function sessionState(session: WorkflowSession): Record<string, unknown> {
  return {
    session_id: session.id,
    workflow: session.workflowId,
    title: session.title,
    target: session.target,
    options: session.options,
    status: session.status,
    current_phase: session.currentIndex === null ? null : session.definition.phases[session.currentIndex]!.number,
    phases: session.definition.phases.map((p, i) => {
      const record = session.phases[i]!;
      return {
        phase: p.number,
        title: p.title,
        status: record.acceptedAt !== null ? 'accepted' : i === session.currentIndex ? 'current' : 'pending',
        attempts: record.attempts,
        refusals: record.refusals,
        accepted_at: record.acceptedAt === null ? null : new Date(record.acceptedAt).toISOString(),
        evidence: record.evidence,
        ...(record.acceptedAt === null && record.lastRefusal ? { last_refusal: record.lastRefusal } : {}),
      };
    }),
    job_id: session.jobId,
    created_at: new Date(session.createdAt).toISOString(),
    updated_at: new Date(session.updatedAt).toISOString(),
  };
}

function refusal(session: WorkflowSession, phase: WorkflowPhase, failures: GateFailure[]): WorkflowAnswer {
  const fields = failures.map((f) => `${f.field} ${f.reason}`).join('; ');
  return {
    ok: false,
    data: {
      accepted: false,
      session_id: session.id,
      phase: phase.number,
      error: {
        code: 'EVIDENCE_REFUSED',
        message: `Phase ${phase.number} ("${phase.title}") was not accepted: ${countOf(failures.length, 'problem')}: ${fields}.`,
        hint: 'Fix exactly the fields named, with facts you read (counts, path:line locations), and call complete_phase again; the phase stays current.',
      },
      failures,
    },
    ...progressOf(session),
  };
}

const listWorkflows: WorkflowTool = {
  name: 'list_workflows',
  description: 'List the phase-gated workflows that can be started: id, title, what it runs on, phase count, where it came from (shipped, workspace, praxis) and any warnings.',
  shape: {},
  readOnly: true,
  run: (_input, deps) =>
    Promise.resolve({
      ok: true,
      data: { workflows: deps.registry.list().map((w) => ({ id: w.id, title: w.title, description: w.description, target: w.target, phases: w.phases.length, source: w.source, warnings: w.warnings })) },
    }),
};

const START_SHAPE = {
  workflow_type: z.string().min(1).max(100).describe('A workflow id from list_workflows, e.g. "pre-merge-review".'),
  target: z.string().min(1).max(1000).describe('What it runs on: a workspace file or folder path, or "changes" for the uncommitted git changes.'),
  options: z.record(z.string(), z.unknown()).optional().describe('Workflow options, kept with the session.'),
};
const startWorkflow: WorkflowTool<typeof START_SHAPE> = {
  name: 'start_workflow',
  description: 'Start a phase-gated workflow session. Returns session_id and the first phase only: its instructions, tasks and evidence_schema (the gate). Later phases are shown one at a time as each is accepted by complete_phase.',
  shape: START_SHAPE,
  readOnly: false,
  async run(input, deps, caller) {
    const session = await deps.sessions.start({ workflowId: input.workflow_type, target: input.target, options: input.options, jobId: caller.jobId ?? null });
    return {
      ok: true,
      data: { session_id: session.id, workflow: session.workflowId, title: session.title, target: session.target, status: session.status, phase_count: session.definition.phases.length, current_phase: currentView(session) },
      ...progressOf(session),
    };
  },
};

const SESSION_SHAPE = { session_id: SESSION_ID };
const getCurrentPhase: WorkflowTool<typeof SESSION_SHAPE> = {
  name: 'get_current_phase',
  description: 'The current phase of a workflow session: instructions, tasks by number and title, and evidence_schema, the JSON Schema complete_phase checks. Null once the session has ended.',
  shape: SESSION_SHAPE,
  readOnly: true,
  run(input, deps, caller) {
    const session = deps.sessions.require(input.session_id, caller.jobId);
    return Promise.resolve({
      ok: true,
      data: { session_id: session.id, workflow: session.workflowId, status: session.status, phase_count: session.definition.phases.length, current_phase: currentView(session) },
      ...progressOf(session),
    });
  },
};

const TASK_SHAPE = { session_id: SESSION_ID, phase: PHASE, task_number: z.number().int().min(1).max(1000).describe('The task\'s number within the phase, from 1.') };
const getTask: WorkflowTool<typeof TASK_SHAPE> = {
  name: 'get_task',
  description: 'One task of the current phase, in full. Tasks of other phases are not shown.',
  shape: TASK_SHAPE,
  readOnly: true,
  run(input, deps, caller) {
    const { session, phase, task } = deps.sessions.task(input.session_id, input.phase, input.task_number, caller.jobId);
    return Promise.resolve({ ok: true, data: { session_id: session.id, phase: phase.number, task_number: task.number, title: task.title, instructions: task.instructions }, ...progressOf(session) });
  },
};

const COMPLETE_SHAPE = {
  session_id: SESSION_ID,
  phase: PHASE,
  evidence: z.record(z.string(), z.unknown()).describe('An object with the fields the phase\'s evidence_schema requires: counts, path:line locations, severities. Prose is refused.'),
};
const completePhase: WorkflowTool<typeof COMPLETE_SHAPE> = {
  name: 'complete_phase',
  description: 'Submit the current phase\'s evidence to its gate. Accepted: returns the next phase (or status "completed"). Refused: isError with every failing field and why; the phase stays current, so fix those fields and submit again. A phase other than the current one is refused.',
  shape: COMPLETE_SHAPE,
  readOnly: false,
  async run(input, deps, caller) {
    const outcome = await deps.sessions.complete(input.session_id, input.phase, input.evidence, caller.jobId);
    if (!outcome.accepted) return refusal(outcome.session, outcome.phase, outcome.failures);
    const session = outcome.session;
    return {
      ok: true,
      data: { accepted: true, session_id: session.id, phase: outcome.phase.number, status: session.status, next_phase: outcome.next ? phaseView(session.definition, outcome.next) : null },
      ...progressOf(session),
    };
  },
};

const getWorkflowState: WorkflowTool<typeof SESSION_SHAPE> = {
  name: 'get_workflow_state',
  description: 'A workflow session\'s whole state: every phase with its status (accepted, current, pending), attempts, refusals and the evidence accepted. Later phases\' instructions are not shown.',
  shape: SESSION_SHAPE,
  readOnly: true,
  run(input, deps, caller) {
    const session = deps.sessions.require(input.session_id, caller.jobId);
    return Promise.resolve({ ok: true, data: sessionState(session), ...progressOf(session) });
  },
};

/** The workflow tools, one handler each: MCP serves them and a persona job calls them through the host. */
export const WORKFLOW_TOOL_HANDLERS: readonly WorkflowTool[] = [listWorkflows, startWorkflow, getCurrentPhase, getTask, completePhase, getWorkflowState] as WorkflowTool[];

/**
 * Runs a workflow tool on raw input, as a persona's in-loop call arrives: validated with the
 * tool's own schema, errors as answers the model can read.
 */
export async function runWorkflowTool(name: string, input: unknown, deps: WorkflowToolDeps, caller: WorkflowCaller): Promise<WorkflowAnswer> {
  const tool = WORKFLOW_TOOL_HANDLERS.find((t) => t.name === name);
  if (!tool) return { ok: false, data: { error: { code: 'TOOL_ERROR', message: `There is no workflow tool "${String(name).slice(0, 40)}".`, hint: `Workflow tools: ${WORKFLOW_TOOL_HANDLERS.map((t) => t.name).join(', ')}.` } } };
  const parsed = z.object(tool.shape).safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return { ok: false, data: { error: { code: 'INVALID_INPUT', message: `Invalid arguments for ${name}: ${issues}.`, hint: 'Check the tool\'s input schema.' } } };
  }
  try {
    return await tool.run(parsed.data, deps, caller);
  } catch (err) {
    if (err instanceof PersonaError) return { ok: false, data: { error: { code: err.code, message: err.message, hint: err.hint } } };
    throw err;
  }
}
