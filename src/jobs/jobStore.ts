import { randomUUID } from 'node:crypto';
import { promises as fsp, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database, SqlValue, Statement } from 'sql.js';
import { PersonaError, type SerializedError } from '../core/errors';
import type { Disposable } from '../core/disposable';
import { TypedEmitter } from '../core/typedEmitter';
import { Journal, type JournalParam } from './journal';
import { MIGRATIONS } from './migrations';
import { loadSqlJs } from './sqlite';
import { rowToJob } from './jobRow';
import {
  JOB_STATUSES,
  TERMINAL_STATUSES,
  type Job,
  type JobEvents,
  type JobOutcome,
  type JobProgress,
  type JobStatus,
  type NewJob,
} from './types';

export const SNAPSHOT_FILE = 'jobs.sqlite';
export const JOURNAL_FILE = 'jobs.journal';
export const MAX_TASK_CHARS = 20_000;
export const MAX_CONTEXT_CHARS = 400_000;
export const MAX_RESULT_CHARS = 200_000;
export const MAX_PARTIAL_CHARS = 8_000;

export interface JobStoreOptions {
  /** Folder that holds the snapshot and the journal (normally `<workspace>/.agent-os`). */
  dir: string;
  now?: () => number;
}

export interface ListOptions {
  status?: JobStatus | JobStatus[];
  persona?: string;
  parentId?: string;
  limit?: number;
  offset?: number;
}

/**
 * The durable job store: sql.js in memory, every change journaled and fdatasync'd
 * before it is acknowledged, snapshots written atomically (temp + fsync + rename).
 *
 * Invariant: the database equals the last snapshot plus every journal record whose
 * seq is greater than the snapshot's `last_seq`. Open restores exactly that.
 */
export class JobStore implements Disposable {
  readonly events = new TypedEmitter<JobEvents>();
  private seq: number;
  private closed = false;
  /** Prepared once per SQL text: preparing costs more than running a primary-key lookup. */
  private readonly statements = new Map<string, Statement>();
  private readonly now: () => number;

  private constructor(
    readonly dir: string,
    private readonly db: Database,
    private readonly journal: Journal,
    lastSeq: number,
    now: () => number,
  ) {
    this.seq = lastSeq;
    this.now = now;
  }

  static async open(options: JobStoreOptions): Promise<JobStore> {
    const now = options.now ?? Date.now;
    mkdirSync(options.dir, { recursive: true });
    const SQL = await loadSqlJs();
    const snapshotPath = join(options.dir, SNAPSHOT_FILE);
    const fresh = !existsSync(snapshotPath);
    const db = fresh ? new SQL.Database() : new SQL.Database(readFileSync(snapshotPath));
    applyPragmas(db);
    const knownVersion = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    db.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    db.run(`CREATE TABLE IF NOT EXISTS journal_state (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL)`);
    db.run(`INSERT OR IGNORE INTO journal_state (id, last_seq) VALUES (1, 0)`);
    const storeVersion = scalar(db, 'SELECT COALESCE(MAX(version), 0) FROM schema_migrations') as number;
    if (storeVersion > knownVersion) {
      db.close();
      throw new PersonaError(
        'STORE_NEWER_VERSION',
        `The job store in ${options.dir} was written by a newer version of Agent OS Personas (schema ${storeVersion}; this version knows ${knownVersion}).`,
        'Update the Agent OS Personas extension, or move that folder aside to start an empty store.',
      );
    }
    const lastSeq = scalar(db, 'SELECT last_seq FROM journal_state WHERE id = 1') as number;
    const { journal, replay } = await Journal.open(join(options.dir, JOURNAL_FILE));
    let maxSeq = lastSeq;
    for (const record of replay.records) {
      if (record.seq <= lastSeq) continue;
      db.run(record.sql, record.params);
      maxSeq = Math.max(maxSeq, record.seq);
    }
    const store = new JobStore(options.dir, db, journal, maxSeq, now);
    const pending = MIGRATIONS.filter((m) => m.version > storeVersion);
    for (const migration of pending) {
      db.run('BEGIN');
      try {
        db.exec(migration.sql);
        db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, now()]);
        db.run('COMMIT');
      } catch (err) {
        db.run('ROLLBACK');
        db.close();
        throw new PersonaError('STORE_CORRUPT', `Migration ${migration.name} failed in ${options.dir}: ${String(err)}`, 'Report this as a bug; move the .agent-os/jobs.* files aside to start an empty store.', { cause: err });
      }
    }
    // Migrations are not journaled, so a store they changed is captured by a snapshot at once;
    // a replayed journal is folded into one too, so the next open starts from a short journal.
    if (fresh || pending.length > 0 || replay.records.length > 0 || replay.droppedBytes > 0) {
      await store.snapshot();
    }
    return store;
  }

  // ---- writes (each resolves once journaled durably) ----

  async create(input: NewJob): Promise<Job> {
    this.assertOpen();
    const persona = input.persona?.trim();
    if (!persona) {
      throw new PersonaError('INVALID_INPUT', 'A job needs a persona id; none was given.', 'Pass a persona id such as "architect".');
    }
    const task = input.task?.trim();
    if (!task) {
      throw new PersonaError('INVALID_INPUT', 'A job needs a task; the task was empty.', 'Say what the persona should review or answer.');
    }
    if (task.length > MAX_TASK_CHARS) {
      throw new PersonaError('INVALID_INPUT', `The task is ${task.length} characters; the limit is ${MAX_TASK_CHARS}.`, 'Put long material in the context (the selection or file), and keep the task to the question.');
    }
    const context = input.context ?? '';
    if (context.length > MAX_CONTEXT_CHARS) {
      throw new PersonaError('INVALID_INPUT', `The context is ${context.length} characters; the limit is ${MAX_CONTEXT_CHARS}.`, 'Send a smaller selection or file; the extension cuts context to the "agentOsPersonas.context.maxChars" setting.');
    }
    const id = randomUUID();
    await this.write(
      `INSERT INTO jobs (id, persona, task, context, context_note, priority, status, percent, created_at, parent_id)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)`,
      [id, persona, task, context, input.contextNote ?? null, input.priority ?? 0, this.now(), input.parentId ?? null],
    );
    return this.emitWith('job:created', id);
  }

  /** queued -> running. */
  async start(id: string, modelLabel: string | null): Promise<Job> {
    this.transition(id, ['queued'], 'running');
    const t = this.now();
    await this.write(
      `UPDATE jobs SET status = 'running', phase = 'initializing', percent = 0, message = 'Starting', model_label = ?, started_at = ?, heartbeat_at = ? WHERE id = ?`,
      [modelLabel, t, t, id],
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
      `UPDATE jobs SET status = 'completed', phase = NULL, percent = 100, message = 'Completed', eta_ms = 0, partial_output = NULL, result = ?, tokens_in = ?, tokens_out = ?, tool_calls = ?, finished_at = ? WHERE id = ?`,
      [result, outcome.tokensIn, outcome.tokensOut, outcome.toolCalls ?? 0, this.now(), id],
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

  // ---- reads (synchronous: the data is in memory) ----

  get(id: string): Job | undefined {
    this.assertOpen();
    const stmt = this.statement('SELECT * FROM jobs WHERE id = ?');
    try {
      stmt.bind([id]);
      return stmt.step() ? rowToJob(stmt.getAsObject()) : undefined;
    } finally {
      stmt.reset();
    }
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
    if (options.parentId !== undefined) {
      where.push('parent_id = ?');
      params.push(options.parentId);
    }
    const limit = Math.max(1, Math.min(500, options.limit ?? 50));
    const offset = Math.max(0, options.offset ?? 0);
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
    return this.all(sql, [...params, limit, offset]).map(rowToJob);
  }

  /** The next job to run: highest priority, then oldest (served by the jobs_pickup index). */
  nextQueued(): Job | undefined {
    return this.all(`SELECT * FROM jobs WHERE status = 'queued' ORDER BY priority DESC, created_at ASC LIMIT 1`, []).map(rowToJob)[0];
  }

  countByStatus(): Record<JobStatus, number> {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const row of this.all('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status', [])) {
      counts[row['status'] as JobStatus] = row['n'] as number;
    }
    return counts;
  }

  // ---- durability ----

  /** Writes the whole database atomically and empties the journal. */
  async snapshot(): Promise<void> {
    this.assertOpen();
    const snapshotSeq = this.seq;
    // export() closes and reopens the database in sql.js, which frees every prepared statement.
    this.freeStatements();
    this.db.run('UPDATE journal_state SET last_seq = ? WHERE id = 1', [snapshotSeq]);
    const data = this.db.export();
    // export() reopens the database in sql.js, which resets connection pragmas.
    applyPragmas(this.db);
    const target = join(this.dir, SNAPSHOT_FILE);
    const temp = `${target}.tmp`;
    const handle = await fsp.open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(temp, target);
    await syncDir(dirname(target));
    await this.journal.truncateUpTo(snapshotSeq);
  }

  get journalBytes(): number {
    return this.journal.bytes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.snapshot();
    this.closed = true;
    await this.journal.close();
    this.freeStatements();
    this.db.close();
    this.events.removeAll();
  }

  dispose(): Promise<void> {
    return this.close();
  }

  // ---- internals ----

  private write(sql: string, params: JournalParam[]): Promise<void> {
    this.assertOpen();
    // Apply in memory first (it validates the statement), then journal; the fdatasync
    // runs on the thread pool while the caller's turn goes on.
    this.statement(sql).run(params);
    this.seq += 1;
    return this.journal.append({ seq: this.seq, sql, params });
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

  private emitWith<K extends keyof JobEvents & string>(event: K, id: string): Job {
    const job = this.require(id);
    this.events.emit(event, job);
    return job;
  }

  private all(sql: string, params: SqlValue[]): Record<string, SqlValue>[] {
    const stmt = this.statement(sql);
    try {
      stmt.bind(params);
      const rows: Record<string, SqlValue>[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject());
      return rows;
    } finally {
      stmt.reset();
    }
  }

  private statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private freeStatements(): void {
    for (const stmt of this.statements.values()) stmt.free();
    this.statements.clear();
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new PersonaError('STORE_CLOSED', `The job store in ${this.dir} is closed.`, 'Reload the window to reopen it.');
    }
  }
}

/**
 * sql.js keeps the database as a file in Emscripten's in-memory file system; its default
 * rollback journal costs ~1 ms per statement there. Durability is our own journal's job,
 * so SQLite's is kept in memory and never synced.
 */
function applyPragmas(db: Database): void {
  db.run('PRAGMA journal_mode = MEMORY');
  db.run('PRAGMA synchronous = OFF');
  db.run('PRAGMA foreign_keys = ON');
}

function scalar(db: Database, sql: string): SqlValue {
  const result = db.exec(sql);
  return result[0]?.values[0]?.[0] ?? null;
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : text.slice(text.length - max);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
