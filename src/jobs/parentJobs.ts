import { randomUUID } from 'node:crypto';
import { PersonaError } from '../core/errors';
import { newJobSummary, validateNewJob } from './jobInput';
import type { JournalParam } from './journal';
import type { StoreContext } from './storeContext';
import { TERMINAL_STATUSES, type JobSummary, type NewJob } from './types';

type Change = { sql: string; params: JournalParam[] };

/**
 * A coordinating parent and its children, in one statement (one journal record: after a
 * crash either all of them exist or none). The parent is created `running` and no worker
 * ever runs it: pickup takes only queued jobs, and `recoverInterrupted`, `retry` and
 * `requeue` leave jobs that have children alone. Whoever created it must finish it.
 */
export async function createWithChildren(ctx: StoreContext, parent: NewJob & { message: string }, children: NewJob[]): Promise<{ parent: JobSummary; children: JobSummary[] }> {
  ctx.assertAccepting();
  if (children.length === 0) {
    throw new PersonaError('INVALID_INPUT', 'A parent job needs at least one child; none was given.', 'Pass the child jobs to create with it.');
  }
  const t = ctx.now();
  const p = validateNewJob({ ...parent, parentId: null });
  const parentRow = newJobSummary({ id: randomUUID(), ...p, createdAt: t });
  parentRow.status = 'running';
  parentRow.phase = 'initializing';
  parentRow.message = parent.message;
  parentRow.startedAt = t;
  parentRow.heartbeatAt = t;
  // A panel's children were asked from where the panel was.
  const childInputs = children.map((c) => validateNewJob({ ...c, source: p.source }));
  const childRows = childInputs.map((c) => newJobSummary({ id: randomUUID(), ...c, parentId: parentRow.id, createdAt: t }));
  const rows = [parentRow, ...childRows];
  const contexts = [p.context, ...childInputs.map((c) => c.context)];
  // The parent comes first in the statement; SQLite checks the foreign key at the statement's end.
  await ctx.database.write(
    `INSERT INTO jobs (id, persona, task, context, context_note, priority, status, phase, percent, message, created_at, started_at, heartbeat_at, parent_id, source)
     VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    rows.flatMap((r, i) => [r.id, r.persona, r.task, contexts[i]!, r.contextNote, r.priority, r.status, r.phase, r.message, r.createdAt, r.startedAt, r.heartbeatAt, r.parentId, r.source]),
  );
  for (const row of rows) ctx.events.emit('job:created', row);
  return { parent: parentRow, children: childRows };
}

/**
 * failed | cancelled -> queued, attempt + 1, its error and output cleared. A panel's report must
 * answer for its children, so retrying a child of an ended parent re-opens the parent (running
 * again; its coordinator writes a fresh report when every child has ended), and retrying the
 * parent itself re-runs each child that failed or was cancelled. Either is one durable write.
 */
export async function retryJob(ctx: StoreContext, id: string): Promise<JobSummary> {
  const job = ctx.reads.requireSummary(id);
  if (ctx.reads.hasChildren(id)) return retryParent(ctx, job);
  if (job.status !== 'failed' && job.status !== 'cancelled') {
    throw new PersonaError('INVALID_TRANSITION', `Job ${id} is ${job.status}; only a failed or cancelled job can be retried.`, job.status === 'completed' ? 'Ask the persona again to get a new answer.' : 'Wait for it to finish, or cancel it first.');
  }
  ctx.assertAccepting();
  const parent = job.parentId ? ctx.reads.summary(job.parentId) : undefined;
  const reopen = parent !== undefined && TERMINAL_STATUSES.has(parent.status);
  const changes = [requeueForRetry(job)];
  if (reopen) changes.push(reopenParent(parent, `Re-opened: ${job.persona} is running again`, ctx.now()));
  await ctx.database.writeAll(changes);
  if (reopen) ctx.emitChange('job:started', parent.id);
  return ctx.emitChange('job:requeued', id);
}

async function retryParent(ctx: StoreContext, parent: JobSummary): Promise<JobSummary> {
  if (!TERMINAL_STATUSES.has(parent.status)) {
    throw new PersonaError('INVALID_TRANSITION', `Job ${parent.id} is a ${parent.persona} still ${parent.status}; only an ended one can be retried.`, 'Wait for it to finish, or cancel it first.');
  }
  const children = ctx.reads.listSummaries({ parentId: parent.id, limit: 500 }).reverse();
  const again = children.filter((c) => c.status === 'failed' || c.status === 'cancelled');
  if (again.length === 0) {
    throw new PersonaError('INVALID_TRANSITION', `Every persona of ${parent.persona} job ${parent.id} answered; there is nothing to retry.`, 'Ask again to get new answers (for a panel: Personas: Ask the Panel…).');
  }
  ctx.assertAccepting();
  const message = `Retrying ${again.map((c) => c.persona).join(', ')} (${again.length} of ${children.length})`;
  await ctx.database.writeAll([...again.map(requeueForRetry), reopenParent(parent, message, ctx.now())]);
  const reopened = ctx.emitChange('job:started', parent.id);
  for (const child of again) ctx.emitChange('job:requeued', child.id);
  return reopened;
}

function requeueForRetry(job: JobSummary): Change {
  return {
    sql: `UPDATE jobs SET status = 'queued', phase = NULL, percent = 0, message = ?, eta_ms = NULL, partial_output = NULL, result = NULL, error_code = NULL, error_message = NULL, error_hint = NULL, attempt = attempt + 1, started_at = NULL, finished_at = NULL, heartbeat_at = NULL WHERE id = ?`,
    params: [`Retry (attempt ${job.attempt + 1})`, job.id],
  };
}

/** An ended parent back to running, its old report cleared: its coordinator finishes it again. */
function reopenParent(parent: JobSummary, message: string, now: number): Change {
  return {
    sql: `UPDATE jobs SET status = 'running', phase = NULL, percent = 0, message = ?, eta_ms = NULL, result = NULL, error_code = NULL, error_message = NULL, error_hint = NULL, attempt = attempt + 1, started_at = ?, finished_at = NULL WHERE id = ?`,
    params: [message, now, parent.id],
  };
}
