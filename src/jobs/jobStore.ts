import { randomUUID } from 'node:crypto';
import { PersonaError, type SerializedError } from '../core/errors';
import type { Disposable } from '../core/disposable';
import { ensurePrivateFolder } from '../core/privateFolder';
import { redactSecrets } from '../core/redact';
import { TypedEmitter } from '../core/typedEmitter';
import { JobReads } from './jobReads';
import { cleanupJobs, lastCleanupAt, resetJobs, storeStats } from './jobRetention';
import { newJobSummary, validateNewJob } from './jobInput';
import type { JournalParam } from './journal';
import { JournaledDatabase } from './journaledDatabase';
import { JOBS_SCHEMA } from './migrations';
import { createWithChildren, retryJob } from './parentJobs';
import type { StoreContext } from './storeContext';
import {
  TERMINAL_STATUSES,
  type Job,
  type JobChangeEvent,
  type JobEvents,
  type JobOutcome,
  type JobProgress,
  type JobStatus,
  type JobSummary,
  type NewJob,
  type Retention,
  type StoreStats,
} from './types';

export { SNAPSHOT_FILE, JOURNAL_FILE } from './journaledDatabase';
export type { ListOptions } from './jobReads';
export { MAX_TASK_CHARS, MAX_CONTEXT_CHARS } from './jobInput';
export const MAX_RESULT_CHARS = 200_000;
export const MAX_PARTIAL_CHARS = 8_000;
export const DEFAULT_MAX_ATTEMPTS = 3;

/** Statements written in the same durable write as a job's terminal transition; `isParent`: the job has children. */
export type JobMeter = (job: JobSummary, isParent: boolean) => { sql: string; params: JournalParam[] }[];

export interface JobStoreOptions {
  now?: () => number;
  /**
   * Called with a job's summary as it will read once it has ended (completed, failed or
   * cancelled); the statements it returns go into the same journal record as that transition,
   * so after a crash either both are there or neither (the metrics count every end exactly once).
   */
  meter?: JobMeter;
  /**
   * Called as a job completes, with its whole row (the context included) and its outcome;
   * `isParent`: the job has children. The statements it returns go into the same journal record
   * as the completion (a review's findings are there exactly when it is). A rejection fails
   * nothing: the completion is written without them.
   */
  onComplete?: (job: Job, outcome: JobOutcome, isParent: boolean) => Promise<{ sql: string; params: JournalParam[] }[]>;
  /** Runs of one job before an interrupted job is failed instead of re-queued. */
  maxAttempts?: number;
}

export interface OpenJobStoreOptions extends JobStoreOptions {
  /** Folder that holds the snapshot and the journal (normally `<workspace>/.agent-os`). */
  dir: string;
  /** Journal size that starts a background compaction (default 8 MB). */
  compactAtBytes?: number;
  compactorScript?: string;
  log?: (line: string) => void;
}

/**
 * The job lifecycle over the durable database: `queued -> running -> completed | failed |
 * cancelled`, and back to queued by retry, shutdown or crash recovery. Every write resolves only
 * once it is journaled and fdatasync'd, and then emits its event with the job's summary; reads
 * (JobReads) are synchronous. Parent jobs live in parentJobs.ts, retention and stats in
 * jobRetention.ts.
 */
export class JobStore extends JobReads implements Disposable {
  readonly events = new TypedEmitter<JobEvents>();
  private readonly now: () => number;
  private refusal: PersonaError | null = null;
  private readonly context: StoreContext;

  /** `ownsDatabase`: close() closes it too (a store opened on its own); the composition root closes a shared one. */
  constructor(
    database: JournaledDatabase,
    dir: string,
    private readonly options: JobStoreOptions = {},
    private readonly ownsDatabase = false,
  ) {
    super(database, dir);
    this.now = options.now ?? Date.now;
    this.context = {
      database,
      reads: this,
      events: this.events,
      now: () => this.now(),
      assertAccepting: () => this.assertAccepting(),
      emitChange: (event, id) => this.emitChange(event, id),
    };
  }

  /** A store with a database of its own holding only the jobs' tables (tests, benchmarks, tools). */
  static async open(options: OpenJobStoreOptions): Promise<JobStore> {
    ensurePrivateFolder(options.dir);
    const database = await JournaledDatabase.open({
      dir: options.dir,
      schema: [JOBS_SCHEMA],
      now: options.now ?? Date.now,
      compactAtBytes: options.compactAtBytes,
      compactorScript: options.compactorScript,
      log: options.log,
    });
    return new JobStore(database, options.dir, options, true);
  }

  /** What the user should be told about this open (corrupt snapshot moved aside, torn write dropped). */
  get notices(): readonly string[] {
    return this.database.notices;
  }

  // ---- the lifecycle (each write resolves once journaled durably) ----

  async create(input: NewJob): Promise<JobSummary> {
    this.assertOpen();
    this.assertAccepting();
    const v = validateNewJob(input);
    const job = newJobSummary({ id: randomUUID(), ...v, createdAt: this.now() });
    await this.write(
      `INSERT INTO jobs (id, persona, task, context, context_note, priority, status, percent, created_at, parent_id, source)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)`,
      [job.id, job.persona, job.task, v.context, job.contextNote, job.priority, job.createdAt, job.parentId, job.source],
    );
    // The summary is exactly what was inserted: no need to read it back (a read costs as much as the insert).
    this.events.emit('job:created', job);
    return job;
  }

  /** A parent and its children in one durable write (see parentJobs.ts). */
  createWithChildren(parent: NewJob & { message: string }, children: NewJob[]): Promise<{ parent: JobSummary; children: JobSummary[] }> {
    this.assertOpen();
    return createWithChildren(this.context, parent, children);
  }

  /** queued -> running. */
  async start(id: string, modelLabel: string | null, etaMs: number | null = null): Promise<JobSummary> {
    this.transition(id, ['queued'], 'running');
    const t = this.now();
    await this.write(
      `UPDATE jobs SET status = 'running', phase = 'initializing', percent = 0, message = 'Starting', eta_ms = ?, model_label = ?, started_at = ?, heartbeat_at = ? WHERE id = ?`,
      [etaMs, modelLabel, t, t, id],
    );
    return this.emitChange('job:started', id);
  }

  /**
   * A running job's progress: one summary read, one write, and the event carries the summary
   * as written (built here, not read back). `estimateEta` sees the job with its new percent.
   * Progress that races a cancel or completion is stale, not an error: the job is returned as is.
   */
  async progress(id: string, p: JobProgress, estimateEta?: (job: JobSummary) => number | null): Promise<JobSummary> {
    const job = this.requireSummary(id);
    if (job.status !== 'running') return job;
    job.percent = Math.max(job.percent, Math.min(99, Math.round(p.percent)));
    job.phase = p.phase;
    job.message = p.message ?? job.message;
    job.heartbeatAt = this.now();
    job.etaMs = estimateEta ? estimateEta(job) : (p.etaMs ?? null);
    const partial = p.partialOutput === undefined ? null : tail(p.partialOutput, MAX_PARTIAL_CHARS);
    await this.write(
      `UPDATE jobs SET phase = ?, percent = ?, message = ?, eta_ms = ?, partial_output = COALESCE(?, partial_output), heartbeat_at = ? WHERE id = ? AND status = 'running'`,
      [job.phase, job.percent, job.message, job.etaMs, partial, job.heartbeatAt, id],
    );
    this.events.emit('job:progress', job);
    return job;
  }

  /**
   * running -> completed. On a full disk the write is tried again (every 0.25 s, backing off to
   * 10 s) until it lands or the store closes: a finished job's result is not dropped and the job
   * does not stay `running` once space is freed (a process stopped meanwhile re-queues it on open).
   */
  complete(id: string, outcome: JobOutcome): Promise<JobSummary> {
    return this.untilSaved(() => this.completeOnce(id, outcome));
  }

  private async completeOnce(id: string, outcome: JobOutcome): Promise<JobSummary> {
    // The hook may read files, so it runs first; the transition is checked after it, so a job
    // cancelled meanwhile is refused as before and nothing is written for it.
    const running = this.options.onComplete ? this.get(id) : undefined;
    const extra = running?.status === 'running' ? await this.options.onComplete?.(running, outcome, this.hasChildren(id)).catch(() => []) : [];
    const job = this.transition(id, ['running'], 'completed');
    const result = outcome.result.length > MAX_RESULT_CHARS
      ? `${outcome.result.slice(0, MAX_RESULT_CHARS)}\n\n_(Result cut at ${MAX_RESULT_CHARS} characters.)_`
      : outcome.result;
    const ended: JobSummary = {
      ...job,
      status: 'completed',
      phase: null,
      percent: 100,
      message: 'Completed',
      etaMs: 0,
      tokensIn: outcome.tokensIn,
      tokensOut: outcome.tokensOut,
      toolCalls: outcome.toolCalls ?? 0,
      cacheReadTokens: outcome.cacheReadTokens ?? 0,
      cacheWriteTokens: outcome.cacheWriteTokens ?? 0,
      modelId: outcome.modelId ?? job.modelId,
      modelLabel: outcome.modelLabel ?? job.modelLabel,
      finishedAt: this.now(),
    };
    await this.writeEnd(ended, {
      sql: `UPDATE jobs SET status = 'completed', phase = NULL, percent = 100, message = 'Completed', eta_ms = 0, partial_output = NULL, result = ?, tokens_in = ?, tokens_out = ?, tool_calls = ?, cache_read_tokens = ?, cache_write_tokens = ?, model_id = ?, model_label = ?, finished_at = ? WHERE id = ?`,
      params: [result, ended.tokensIn, ended.tokensOut, ended.toolCalls, ended.cacheReadTokens, ended.cacheWriteTokens, ended.modelId, ended.modelLabel, ended.finishedAt, id],
    }, extra ?? []);
    return this.emitChange('job:completed', id);
  }

  /**
   * Whatever the error quotes is redacted again before it is stored: the row outlives the run and
   * is read by every surface. Tried again on a full disk, as complete() is.
   */
  fail(id: string, error: SerializedError): Promise<JobSummary> {
    return this.untilSaved(() => this.failOnce(id, error));
  }

  private async failOnce(id: string, error: SerializedError): Promise<JobSummary> {
    const job = this.transition(id, ['queued', 'running'], 'failed');
    const message = redactSecrets(error.message);
    const hint = redactSecrets(error.hint);
    const ended: JobSummary = { ...job, status: 'failed', phase: null, message, etaMs: null, error: { code: error.code, message, hint }, finishedAt: this.now() };
    await this.writeEnd(ended, {
      sql: `UPDATE jobs SET status = 'failed', phase = NULL, message = ?, eta_ms = NULL, error_code = ?, error_message = ?, error_hint = ?, finished_at = ? WHERE id = ?`,
      params: [message, error.code, message, hint, ended.finishedAt, id],
    });
    return this.emitChange('job:failed', id);
  }

  /**
   * queued | running -> cancelled. The one way a job is cancelled: the worker pool follows
   * `job:cancelled` and stops a running job's worker, and a parent's coordinator its children.
   */
  async cancel(id: string, reason = 'Cancelled'): Promise<JobSummary> {
    const job = this.transition(id, ['queued', 'running'], 'cancelled');
    const ended: JobSummary = { ...job, status: 'cancelled', phase: null, message: reason, etaMs: null, finishedAt: this.now() };
    await this.writeEnd(ended, {
      sql: `UPDATE jobs SET status = 'cancelled', phase = NULL, message = ?, eta_ms = NULL, finished_at = ? WHERE id = ?`,
      params: [reason, ended.finishedAt, id],
    });
    return this.emitChange('job:cancelled', id);
  }

  /** failed | cancelled -> queued again (a parent re-runs its children; see parentJobs.ts). */
  retry(id: string): Promise<JobSummary> {
    this.assertOpen();
    return retryJob(this.context, id);
  }

  /** running -> queued without counting an attempt: the host is shutting down, not the job failing. */
  async requeue(id: string, reason: string): Promise<JobSummary> {
    const job = this.transition(id, ['running'], 'queued');
    if (this.hasChildren(job.id)) {
      throw new PersonaError('INVALID_TRANSITION', `Job ${job.id} is a ${job.persona} of several jobs; it cannot be re-queued on its own.`, 'Retry its child jobs one by one, or start it again (for a panel: Personas: Ask the Panel…).');
    }
    await this.write(`UPDATE jobs SET status = 'queued', phase = NULL, percent = 0, message = ?, eta_ms = NULL, started_at = NULL WHERE id = ?`, [reason, id]);
    return this.emitChange('job:requeued', id);
  }

  /**
   * Jobs left `running` by a process that crashed or was killed. The store's owner lock
   * guarantees no other process runs them, so each is re-queued (attempt + 1) or, after
   * `maxAttempts` runs, failed with the reason. A running parent (a job with children) is not
   * a worker's job: it is left running for its coordinator to settle.
   */
  async recoverInterrupted(): Promise<{ requeued: JobSummary[]; failed: JobSummary[] }> {
    const max = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const requeued: JobSummary[] = [];
    const failed: JobSummary[] = [];
    for (const job of this.listSummaries({ status: 'running', limit: 500 })) {
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
        requeued.push(this.emitChange('job:requeued', job.id));
      }
    }
    return { requeued, failed };
  }

  // ---- retention and stats (jobRetention.ts) ----

  /** Deletes every job that is not running (confirm must be true); returns how many top-level jobs went. */
  reset(confirm: boolean): Promise<number> {
    this.assertOpen();
    return resetJobs(this.context, confirm);
  }

  /** Deletes finished top-level jobs older than their status's retention, with their children. */
  cleanup(retention: Retention): Promise<number> {
    this.assertOpen();
    return cleanupJobs(this.context, retention);
  }

  lastCleanupAt(): number | null {
    return lastCleanupAt(this.context);
  }

  /** New jobs are refused with this error until it is cleared (the size valve). */
  refuseNewJobs(error: PersonaError | null): void {
    this.refusal = error;
  }

  stats(): StoreStats {
    return storeStats(this.context, this.refusal === null);
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
    if (this.ownsDatabase) await this.database.close();
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

  /** A terminal transition, with the completion's and the meter's statements in the same journal record. */
  private writeEnd(ended: JobSummary, change: { sql: string; params: JournalParam[] }, extra: { sql: string; params: JournalParam[] }[] = []): Promise<void> {
    const meter = this.options.meter;
    const metered = meter ? meter(ended, this.hasChildren(ended.id)) : [];
    if (metered.length === 0 && extra.length === 0) return this.write(change.sql, change.params);
    this.assertOpen();
    return this.database.writeAll([change, ...extra, ...metered]);
  }

  /** Runs a terminal write until it is saved: again after a full disk refused it, while the store is open. */
  private async untilSaved<T>(write: () => Promise<T>): Promise<T> {
    for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 10_000)) {
      try {
        return await write();
      } catch (err) {
        if (!(err instanceof PersonaError && err.code === 'STORE_DISK_FULL') || this.closed) throw err;
      }
      // Unref'd: a process that is otherwise done may exit; the job, still running on disk, is re-queued on the next open.
      await new Promise<void>((resolve) => setTimeout(resolve, delayMs).unref());
    }
  }

  private assertAccepting(): void {
    if (this.refusal) throw this.refusal;
  }

  private transition(id: string, from: JobStatus[], to: JobStatus): JobSummary {
    const job = this.requireSummary(id);
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

  private emitChange(event: JobChangeEvent, id: string): JobSummary {
    const job = this.requireSummary(id);
    this.events.emit(event, job);
    return job;
  }
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : text.slice(text.length - max);
}
