import type { Request, RequestId, Result, Task } from '@modelcontextprotocol/sdk/types.js';
import type { CreateTaskOptions, TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import { PersonaError } from '../core/errors';
import type { JobSummary } from '../jobs/types';
import type { PersonaServices } from '../services';
import { jobView } from './jobView';
import { progressMessage } from './jobProgress';
import { ok, toolError } from './results';

export const TASK_POLL_INTERVAL_MS = 500;

/**
 * MCP tasks backed by the job store: a task's id is its job's id, its status is the job's,
 * and its result is read from the job row, so a task survives a restart of the editor like
 * any job. tasks/cancel cancels the job through the pool (which aborts the model request).
 */
export class JobTaskStore implements TaskStore {
  constructor(private readonly services: PersonaServices) {}

  createTask(options: CreateTaskOptions, _requestId: RequestId, _request: Request): Promise<Task> {
    const jobId = options.context?.['jobId'];
    const job = typeof jobId === 'string' ? this.services.store.summary(jobId) : undefined;
    if (!job) return Promise.reject(new PersonaError('INTERNAL', 'A task was created without its job.', 'This is a bug; use the job-id tools meanwhile.'));
    return Promise.resolve(toTask(job, options.ttl ?? null));
  }

  getTask(taskId: string): Promise<Task | null> {
    const job = this.services.store.summary(taskId);
    return Promise.resolve(job ? toTask(job, null) : null);
  }

  /** The job row already holds the outcome; nothing else to keep. */
  storeTaskResult(): Promise<void> {
    return Promise.resolve();
  }

  getTaskResult(taskId: string): Promise<Result> {
    const job = this.services.store.get(taskId);
    if (!job) return Promise.resolve(toolError(new PersonaError('JOB_NOT_FOUND', `There is no job ${taskId}.`, 'It may have been removed by retention or a reset.')));
    if (job.status === 'completed') return Promise.resolve(ok(jobView(job, { result: true, findings: this.services.findings })));
    return Promise.resolve({ ...ok(jobView(job)), isError: job.status !== 'queued' && job.status !== 'running' });
  }

  async updateTaskStatus(taskId: string, status: Task['status']): Promise<void> {
    if (status === 'cancelled') await this.services.jobs.cancel(taskId, 'Cancelled by the client (MCP tasks/cancel)');
  }

  listTasks(cursor?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const offset = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0;
    const jobs = this.services.store.listSummaries({ limit: 50, offset });
    return Promise.resolve({ tasks: jobs.map((j) => toTask(j, null)), ...(jobs.length === 50 ? { nextCursor: String(offset + 50) } : {}) });
  }
}

export function toTask(job: JobSummary, ttl: number | null): Task {
  const status: Task['status'] = job.status === 'queued' || job.status === 'running' ? 'working' : job.status;
  const updated = job.finishedAt ?? job.heartbeatAt ?? job.startedAt ?? job.createdAt;
  return {
    taskId: job.id,
    status,
    ttl,
    createdAt: new Date(job.createdAt).toISOString(),
    lastUpdatedAt: new Date(updated).toISOString(),
    pollInterval: TASK_POLL_INTERVAL_MS,
    statusMessage: job.error ? `${job.error.code}: ${job.error.message}` : progressMessage(job),
  };
}
