import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { SqlValue } from 'sql.js';
import { PersonaError, type SerializedError } from '../core/errors';
import type { Disposable } from '../core/disposable';
import { TypedEmitter } from '../core/typedEmitter';
import type { JournalParam } from './journal';
import { JournaledDatabase } from './journaledDatabase';
import { rowToJob } from './jobRow';
import { newJobRow, validateNewJob } from './jobInput';
import {
  JOB_STATUSES,
  TERMINAL_STATUSES,
  type Job,
  type JobEvents,
  type JobOutcome,
  type JobProgress,
  type JobStatus,
  type NewJob,
  type Retention,
  type StoreStats,
} from './types';

export { SNAPSHOT_FILE, JOURNAL_FILE } from './journaledDatabase';
export { MAX_TASK_CHARS, MAX_CONTEXT_CHARS } from './jobInput';
export const MAX_RESULT_CHARS = 200_000;
export const MAX_PARTIAL_CHARS = 8_000;
export const DEFAULT_MAX_ATTEMPTS = 3;

export interface JobStoreOptions {
  /** Folder that holds the snapshot and the journal (normally `<workspace>/.agent-os`). */
  dir: string;
  now?: () => number;
  /** Journal size that starts a background compaction (default 8 MB). */
  compactAtBytes?: number;
  compactorScript?: string;
  /** Runs of one job before an interrupted job is failed instead of re-queued. */
  maxAttempts?: number;
  log?: (line: string) => void;
}

export interface ListOptions {
  status?: JobStatus | JobStatus[];
  persona?: string;
  /** The children of this job; `null` lists only top-level jobs (no parent). */
  parentId?: string | null;
  limit?: number;
  offset?: number;
}

/**
 * Jobs and their lifecycle over the durable database. Every write resolves only once it is
 * journaled and fdatasync'd, and then emits its event; reads are synchronous (in memory).
 */
export class JobStore implements Disposable {
  readonly events = new TypedEmitter<JobEvents>();
  private closed = false;
  private readonly now: () => number;
  private refusal: PersonaError | null = null;

  private constructor(
    readonly dir: string,
    private readonly database: JournaledDatabase,
    private readonly options: JobStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  static async open(options: JobStoreOptions): Promise<JobStore> {
    mkdirSync(options.dir, { recursive: true });
    const database = await JournaledDatabase.open({
      dir: options.dir,
      now: options.now ?? Date.now,
      compactAtBytes: options.compactAtBytes,
      compactorScript: options.compactorScript,
      log: options.log,
    });
    return new JobStore(options.dir, database, options);
  }

  /**
   * The journaled database under the jobs, for stores of other rows that must share its
   * durability and single owner (standard proposals). Jobs are only changed through this class.
   */
  get sharedDatabase(): JournaledDatabase {
    return this.database;
  }

  /** What the user should be told about this open (corrupt snapshot moved aside, torn write dropped). */
  get notices(): readonly string[] {
    return this.database.notices;
  }

  // ---- writes (each resolves once journaled durably) ----

  async create(input: NewJob): Promise<Job> {
    this.assertOpen();
    this.assertAccepting();
    const v = validateNewJob(input);
    const job = newJobRow({ id: randomUUID(), ...v, createdAt: this.now() });
    await this.write(
      `INSERT INTO jobs (id, persona, task, context, context_note, priority, status, percent, created_at, parent_id)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)`,
      [job.id, job.persona, job.task, job.context, job.contextNote, job.priority, job.createdAt, job.parentId],
    );
    // The row is exactly what was inserted: no need to read it back (a read costs as much as the insert).
    this.events.emit('job:created', job);
    return job;
  }

  /**
   * A coordinating parent and its children, in one statement (one journal record: after a
   * crash either all of them exist or none). The parent is created `running` and no worker
   * ever runs it: pickup takes only queued jobs, and `recoverInterrupted`, `retry` and
   * `requeue` leave jobs that have children alone. Whoever created it must finish it.
   */
  async createWithChildren(parent: NewJob & { message: string }, children: NewJob[]): Promise<{ parent: Job; children: Job[] }> {
    this.assertOpen();
    this.assertAccepting();
    if (children.length === 0) {
      throw new PersonaError('INVALID_INPUT', 'A parent job needs at least one child; none was given.', 'Pass the child jobs to create with it.');
    }
    const t = this.now();
    const p = validateNewJob({ ...parent, parentId: null });
    const parentRow: Job = {
      ...newJobRow({ id: randomUUID(), ...p, createdAt: t }),
      status: 'running', phase: 'initializing', message: parent.message, startedAt: t, heartbeatAt: t,
    };
    const childRows = children.map((c) => newJobRow({ id: randomUUID(), ...validateNewJob(c), parentId: parentRow.id, createdAt: t }));
    const rows = [parentRow, ...childRows];
    // The parent comes first in the statement; SQLite checks the foreign key at the statement's end.
    await this.write(
      `INSERT INTO jobs (id, persona, task, context, context_note, priority, status, phase, percent, message, created_at, started_at, heartbeat_at, parent_id)
       VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)').join(', ')}`,
      rows.flatMap((r) => [r.id, r.persona, r.task, r.context, r.contextNote, r.priority, r.status, r.phase, r.message, r.createdAt, r.startedAt, r.heartbeatAt, r.parentId]),
    );
    for (const row of rows) this.events.emit('job:created', row);
    return { parent: parentRow, children: childRows };
  }

  /** queued -> running. */
  async start(id: string, modelLabel: string | null, etaMs: number | null = null): Promise<Job> {
    this.transition(id, ['queued'], 'running');
    const t = this.now();
    await this.write(
      `UPDATE jobs SET status = 'running', phase = 'initializing', percent = 0, message = 'Starting', eta_ms = ?, model_label = ?, started_at = ?, heartbeat_at = ? WHERE id = ?`,
      [etaMs, modelLabel, t, t, id],
    );
    return this.emitWith('job:started', id);
  }

  async progress(id: string, p: JobProgress): Promise<Job> {
    const job = this.require(id);
    if (job.status !== 'running') {
      // Progress that races a cancel or completion is stale, not an error.
      return job;
    }
    const percent = Math.max(job.percent, Math.min(99, Math.round(p.percent)));
    const partial = p.partialOutput === undefined ? job.partialOutput : tail(p.partialOutput, MAX_PARTIAL_CHARS);
    await this.write(
      `UPDATE jobs SET phase = ?, percent = ?, message = ?, eta_ms = ?, partial_output = ?, heartbeat_at = ? WHERE id = ? AND status = 'running'`,
      [p.phase, percent, p.message ?? job.message, p.etaMs ?? null, partial, this.now(), id],
    );
    return this.emitWith('job:progress', id);
  }

  async complete(id: string, outcome: JobOutcome): Promise<Job> {
    this.transition(id, ['running'], 'completed');
    const result = outcome.result.length > MAX_RESULT_CHARS
      ? `${outcome.result.slice(0, MAX_RESULT_CHARS)}\n\n_(Result cut at ${MAX_RESULT_CHARS} characters.)_`
      : outcome.result;
    await this.write(
      `UPDATE jobs SET status = 'completed', phase = NULL, percent = 100, message = 'Completed', eta_ms = 0, partial_output = NULL, result = ?, tokens_in = ?, tokens_out = ?, tool_calls = ?, model_label = COALESCE(?, model_label), finished_at = ? WHERE id = ?`,
      [result, outcome.tokensIn, outcome.tokensOut, outcome.toolCalls ?? 0, outcome.modelLabel ?? null, this.now(), id],
    );
    return this.emitWith('job:completed', id);
  }

  async fail(id: string, error: SerializedError): Promise<Job> {
    this.transition(id, ['queued', 'running'], 'failed');
    await this.write(
      `UPDATE jobs SET status = 'failed', phase = NULL, message = ?, eta_ms = NULL, error_code = ?, error_message = ?, error_hint = ?, finished_at = ? WHERE id = ?`,
      [error.message, error.code, error.message, error.hint, this.now(), id],
    );
    return this.emitWith('job:failed', id);
  }

  async cancel(id: string, reason = 'Cancelled'): Promise<Job> {
    this.transition(id, ['queued', 'running'], 'cancelled');
    await this.write(
      `UPDATE jobs SET status = 'cancelled', phase = NULL, message = ?, eta_ms = NULL, finished_at = ? WHERE id = ?`,
      [reason, this.now(), id],
    );
    return this.emitWith('job:cancelled', id);
  }

  /**
   * failed | cancelled -> queued, attempt + 1, its error and output cleared. A panel's report must answer for its children,
   * so retrying a child of an ended panel re-opens the panel (running again; its coordinator
   * writes a fresh merged report when every child has ended), and retrying the panel itself
   * re-runs each child that failed or was cancelled. Either is one durable write.
   */
  async retry(id: string): Promise<Job> {
    const job = this.require(id);
    if (this.hasChildren(id)) return this.retryPanel(job);
    if (job.status !== 'failed' && job.status !== 'cancelled') {
      throw new PersonaError('INVALID_TRANSITION', `Job ${id} is ${job.status}; only a failed or cancelled job can be retried.`, job.status === 'completed' ? 'Ask the persona again to get a new answer.' : 'Wait for it to finish, or cancel it first.');
    }
    this.assertAccepting();
    const parent = job.parentId ? this.get(job.parentId) : undefined;
    const reopen = parent !== undefined && TERMINAL_STATUSES.has(parent.status);
    const changes = [requeueForRetry(job)];
    if (reopen) changes.push(reopenPanel(parent, `Re-opened: ${job.persona} is running again`, this.now()));
    await this.database.writeAll(changes);
    if (reopen) this.emitWith('job:started', parent.id);
    return this.emitWith('job:created', id);
  }

  private async retryPanel(parent: Job): Promise<Job> {
    if (!TERMINAL_STATUSES.has(parent.status)) {
      throw new PersonaError('INVALID_TRANSITION', `Job ${parent.id} is a ${parent.persona} still ${parent.status}; only an ended one can be retried.`, 'Wait for it to finish, or cancel it first.');
    }
    const children = this.list({ parentId: parent.id, limit: 500 }).reverse();
    const again = children.filter((c) => c.status === 'failed' || c.status === 'cancelled');
    if (again.length === 0) {
      throw new PersonaError('INVALID_TRANSITION', `Every persona of ${parent.persona} job ${parent.id} answered; there is nothing to retry.`, 'Ask again to get new answers (for a panel: Personas: Ask the Panel…).');
    }
    this.assertAccepting();
    const message = `Retrying ${again.map((c) => c.persona).join(', ')} (${again.length} of ${children.length})`;
    await this.database.writeAll([...again.map(requeueForRetry), reopenPanel(parent, message, this.now())]);
    const reopened = this.emitWith('job:started', parent.id);
    for (const child of again) this.emitWith('job:created', child.id);
    return reopened;
  }

  /** running -> queued without counting an attempt: the host is shutting down, not the job failing. */
  async requeue(id: string, reason: string): Promise<Job> {
    this.assertNotParent(this.transition(id, ['running'], 'queued'), 're-queued');
    await this.write(`UPDATE jobs SET status = 'queued', phase = NULL, percent = 0, message = ?, eta_ms = NULL, started_at = NULL WHERE id = ?`, [reason, id]);
    return this.emitWith('job:created', id);
  }

  /**
   * Jobs left `running` by a process that crashed or was killed. The store's owner lock
   * guarantees no other process runs them, so each is re-queued (attempt + 1) or, after
   * `maxAttempts` runs, failed with the reason. A running parent (a job with children) is not
   * a worker's job: it is left running for its coordinator to settle.
   */
  async recoverInterrupted(): Promise<{ requeued: Job[]; failed: Job[] }> {
    const max = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const requeued: Job[] = [];
    const failed: Job[] = [];
    for (const job of this.list({ status: 'running', limit: 500 })) {
      if (this.hasChildren(job.id)) continue;
      const stale = job.heartbeatAt ? `last heard from ${Math.round((this.now() - job.heartbeatAt) / 1000)} s ago` : 'never heard from';
      if (job.attempt >= max) {
        failed.push(await this.fail(job.id, {
          code: 'JOB_INTERRUPTED',
          message: `Job ${job.id} was interrupted ${job.attempt} times (its process stopped; ${stale}).`,
          hint: 'Retry it if the editor was closed on purpose; if it keeps stopping, the output channel "Agent OS Personas" has the worker errors.',
        }));
      } else {
        await this.write(
          `UPDATE jobs SET status = 'queued', phase = NULL, percent = 0, message = ?, eta_ms = NULL, started_at = NULL, attempt = attempt + 1 WHERE id = ? AND status = 'running'`,
          [`Re-queued after an interrupted run (${stale}); attempt ${job.attempt + 1} of ${max}`, job.id],
        );
        requeued.push(this.emitWith('job:created', job.id));
      }
    }
    return { requeued, failed };
  }

  /**
   * Deletes every job that is not running (confirm must be true); returns how many top-level
   * jobs went. Deleting a parent deletes its children (ON DELETE CASCADE), so a parent is kept
   * while a child of it runs (a child retried after its panel ended), and so are the children
   * of a running parent.
   */
  async reset(confirm: boolean): Promise<number> {
    if (confirm !== true) {
      throw new PersonaError('INVALID_INPUT', 'Reset deletes every job that is not running and needs confirm: true.', 'Pass confirm: true if you mean it; finished jobs and their results cannot be recovered.');
    }
    const kept = `status <> 'running' AND ${hasNoChildIn(['running'])}`;
    const count = Number(this.database.query(`SELECT COUNT(*) AS n FROM jobs WHERE ${kept} AND parent_id IS NULL`)[0]?.['n'] ?? 0);
    await this.write(`DELETE FROM jobs WHERE ${kept} AND (parent_id IS NULL OR parent_id NOT IN (SELECT id FROM jobs WHERE status = 'running'))`, []);
    this.events.emit('jobs:removed', { count });
    return count;
  }

  /**
   * Deletes finished top-level jobs older than their status's retention, with their children;
   * returns how many. A parent with a queued or running child (retried after the panel ended)
   * is kept: queued and running jobs are never deleted.
   */
  async cleanup(retention: Retention): Promise<number> {
    const now = this.now();
    const day = 24 * 60 * 60 * 1000;
    const cutoffs: [JobStatus, number][] = [
      ['completed', now - retention.completedDays * day],
      ['failed', now - retention.failedDays * day],
      ['cancelled', now - retention.cancelledDays * day],
    ];
    let count = 0;
    const changes: { sql: string; params: JournalParam[] }[] = [];
    for (const [status, cutoff] of cutoffs) {
      const expired = `status = ? AND finished_at < ? AND parent_id IS NULL AND ${hasNoChildIn(['queued', 'running'])}`;
      count += Number(this.database.query(`SELECT COUNT(*) AS n FROM jobs WHERE ${expired}`, [status, cutoff])[0]?.['n'] ?? 0);
      changes.push({ sql: `DELETE FROM jobs WHERE ${expired}`, params: [status, cutoff] });
    }
    changes.push({ sql: 'UPDATE maintenance SET last_cleanup_at = ? WHERE id = 1', params: [now] });
    await this.database.writeAll(changes);
    if (count > 0) this.events.emit('jobs:removed', { count });
    return count;
  }

  lastCleanupAt(): number | null {
    const v = this.database.query('SELECT last_cleanup_at FROM maintenance WHERE id = 1')[0]?.['last_cleanup_at'];
    return v === null || v === undefined ? null : Number(v);
  }

  /** New jobs are refused with this error until it is cleared (the size valve). */
  refuseNewJobs(error: PersonaError | null): void {
    this.refusal = error;
  }

  stats(): StoreStats {
    const counts = this.countByStatus();
    const oldest = this.database.query('SELECT MIN(created_at) AS t FROM jobs')[0]?.['t'];
    return {
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      bytesOnDisk: this.database.bytesOnDisk(),
      journalBytes: this.database.journalBytes,
      oldestJobAt: oldest === null || oldest === undefined ? null : Number(oldest),
      lastCleanupAt: this.lastCleanupAt(),
      acceptingJobs: this.refusal === null,
    };
  }

  /** Duration (ms) and output tokens of this persona's most recent completed jobs, newest first. */
  recentCompleted(persona: string, limit = 20): { durationMs: number; tokensOut: number }[] {
    return this.database
      .query(`SELECT finished_at - started_at AS d, tokens_out AS t FROM jobs WHERE persona = ? AND status = 'completed' AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?`, [persona, limit])
      .map((r) => ({ durationMs: Number(r['d']), tokensOut: Number(r['t']) }));
  }

  // ---- reads (synchronous: the data is in memory) ----

  get(id: string): Job | undefined {
    this.assertOpen();
    return this.database.query('SELECT * FROM jobs WHERE id = ?', [id]).map(rowToJob)[0];
  }

  require(id: string): Job {
    const job = this.get(id);
    if (!job) {
      throw new PersonaError('JOB_NOT_FOUND', `No job with id "${id}".`, 'List jobs to see the ids that exist; finished jobs are removed after their retention period.');
    }
    return job;
  }

  list(options: ListOptions = {}): Job[] {
    this.assertOpen();
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (options.status !== undefined) {
      const statuses = Array.isArray(options.status) ? options.status : [options.status];
      for (const s of statuses) {
        if (!JOB_STATUSES.includes(s)) {
          throw new PersonaError('INVALID_INPUT', `Unknown job status "${s}".`, `Use one of: ${JOB_STATUSES.join(', ')}.`);
        }
      }
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (options.persona !== undefined) {
      where.push('persona = ?');
      params.push(options.persona);
    }
    if (options.parentId === null) {
      where.push('parent_id IS NULL');
    } else if (options.parentId !== undefined) {
      where.push('parent_id = ?');
      params.push(options.parentId);
    }
    const limit = Math.max(1, Math.min(500, options.limit ?? 50));
    const offset = Math.max(0, options.offset ?? 0);
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
    return this.database.query(sql, [...params, limit, offset]).map(rowToJob);
  }

  /** True when the job coordinates children (a panel): it is never run by a worker. */
  hasChildren(id: string): boolean {
    return this.database.query('SELECT 1 AS x FROM jobs WHERE parent_id = ? LIMIT 1', [id]).length > 0;
  }

  /** Jobs that have children, in these statuses, newest first (served by the jobs_parent index). */
  parents(status: JobStatus | JobStatus[]): Job[] {
    const statuses = Array.isArray(status) ? status : [status];
    return this.database
      .query(`SELECT * FROM jobs WHERE status IN (${statuses.map(() => '?').join(', ')}) AND id IN (SELECT parent_id FROM jobs WHERE parent_id IS NOT NULL) ORDER BY created_at DESC`, statuses)
      .map(rowToJob);
  }

  /** The next job to run: highest priority, then oldest (the jobs_pickup index); `except` are ids that cannot start now. */
  nextQueued(except: readonly string[] = []): Job | undefined {
    const skip = except.length > 0 ? ` AND id NOT IN (${except.map(() => '?').join(', ')})` : '';
    return this.database.query(`SELECT * FROM jobs WHERE status = 'queued'${skip} ORDER BY priority DESC, created_at ASC LIMIT 1`, [...except]).map(rowToJob)[0];
  }

  countByStatus(): Record<JobStatus, number> {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const row of this.database.query('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status')) {
      counts[row['status'] as JobStatus] = Number(row['n']);
    }
    return counts;
  }

  // ---- durability ----

  /** Writes the whole database atomically from this thread and empties the journal. */
  snapshot(): Promise<void> {
    return this.database.snapshot();
  }

  /** Gives the space of deleted jobs back to the file system (VACUUM, then a snapshot). */
  vacuum(): Promise<void> {
    return this.database.vacuum();
  }

  /** Folds the journal into the snapshot on a worker thread. */
  compact(): Promise<void> {
    return this.database.compact();
  }

  get journalBytes(): number {
    return this.database.journalBytes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.database.close();
    this.events.removeAll();
  }

  dispose(): Promise<void> {
    return this.close();
  }

  // ---- internals ----

  private write(sql: string, params: JournalParam[]): Promise<void> {
    this.assertOpen();
    return this.database.write(sql, params);
  }

  private assertAccepting(): void {
    if (this.refusal) throw this.refusal;
  }

  private transition(id: string, from: JobStatus[], to: JobStatus): Job {
    const job = this.require(id);
    if (!from.includes(job.status)) {
      const terminal = TERMINAL_STATUSES.has(job.status);
      throw new PersonaError(
        'INVALID_TRANSITION',
        `Job ${id} is ${job.status}; it cannot become ${to}.`,
        terminal ? 'The job has already finished; retry it to run it again.' : `Only a job that is ${from.join(' or ')} can become ${to}.`,
      );
    }
    return job;
  }

  private assertNotParent(job: Job, what: string): void {
    if (this.hasChildren(job.id)) {
      throw new PersonaError('INVALID_TRANSITION', `Job ${job.id} is a ${job.persona} of several jobs; it cannot be ${what} on its own.`, 'Retry its child jobs one by one, or start it again (for a panel: Personas: Ask the Panel…).');
    }
  }

  private emitWith<K extends 'job:created' | 'job:started' | 'job:progress' | 'job:completed' | 'job:failed' | 'job:cancelled'>(event: K, id: string): Job {
    const job = this.require(id);
    this.events.emit(event, job);
    return job;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new PersonaError('STORE_CLOSED', `The job store in ${this.dir} is closed.`, 'Reload the window to reopen it.');
    }
  }
}

/** SQL: the job has no child in these statuses (read through the jobs_parent index). */
function hasNoChildIn(statuses: JobStatus[]): string {
  return `id NOT IN (SELECT parent_id FROM jobs WHERE parent_id IS NOT NULL AND status IN (${statuses.map((s) => `'${s}'`).join(', ')}))`;
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : text.slice(text.length - max);
}

function requeueForRetry(job: Job): { sql: string; params: JournalParam[] } {
  return {
    sql: `UPDATE jobs SET status = 'queued', phase = NULL, percent = 0, message = ?, eta_ms = NULL, partial_output = NULL, result = NULL, error_code = NULL, error_message = NULL, error_hint = NULL, attempt = attempt + 1, started_at = NULL, finished_at = NULL, heartbeat_at = NULL WHERE id = ?`,
    params: [`Retry (attempt ${job.attempt + 1})`, job.id],
  };
}

/** An ended parent back to running, its old report cleared: its coordinator finishes it again. */
function reopenPanel(parent: Job, message: string, now: number): { sql: string; params: JournalParam[] } {
  return {
    sql: `UPDATE jobs SET status = 'running', phase = NULL, percent = 0, message = ?, eta_ms = NULL, result = NULL, error_code = NULL, error_message = NULL, error_hint = NULL, attempt = attempt + 1, started_at = ?, finished_at = NULL WHERE id = ?`,
    params: [message, now, parent.id],
  };
}
