import { existsSync, readFileSync, renameSync, statSync, promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { PersonaError } from '../core/errors';
import { JOB_ERROR_HINTS } from './jobErrors';
import type { CompactRequest, CompactResult } from './compactWorker';
import { Journal, type JournalParam, type JournalRecord } from './journal';
import { assertNotNewer, ensureSchemaTables, latestVersion, migrateModules, type SchemaModule } from './schema';
import { writeSnapshotFile } from './snapshotFile';
import { relayWorkerWarnings } from './workerWarnings';
import { applyPragmas, loadSqlJs } from './sqlite';
import { replayRecords } from './replay';

export const SNAPSHOT_FILE = 'jobs.sqlite';
export const JOURNAL_FILE = 'jobs.journal';
export const SEALED_JOURNAL_FILE = 'jobs.journal.sealed';
/** Journal size that starts a compaction (and, at open, folding it on a worker first). */
const DEFAULT_COMPACT_AT_BYTES = 8 * 1024 * 1024;
/**
 * Writes between two COMMITs of the transaction kept open in memory: a commit writes the
 * changed pages into sql.js's in-memory file, so an autocommit per statement cost about as much
 * as the insert itself; a transaction left open forever would keep growing its rollback copy.
 */
const WRITES_PER_MEMORY_COMMIT = 1000;

export interface DatabaseOptions {
  dir: string;
  /** The modules whose tables live in this store, in migration order (jobs first). */
  schema: readonly SchemaModule[];
  now: () => number;
  /** Journal size that starts a background compaction. */
  compactAtBytes?: number;
  /** The compaction worker's script; found beside this module when not given. */
  compactorScript?: string;
  log?: (line: string) => void;
}

/**
 * sql.js in memory, made durable by a journal.
 *
 * Invariant: the database equals the snapshot plus every record, in the sealed segment and
 * then the active journal, whose seq is greater than the snapshot's `last_seq`. Open restores
 * exactly that; compaction folds the sealed segment into the snapshot on a worker thread.
 *
 * In memory, writes run inside one SQLite transaction kept open (committed every
 * WRITES_PER_MEMORY_COMMIT writes and before export/VACUUM): an in-memory COMMIT is not what
 * makes a change durable (the journal is), and reads on this connection see every change.
 *
 * A journal write that fails (a full disk) leaves memory ahead of the disk: the changes it
 * carried, and those queued behind it, were applied but never saved. Memory is then rebuilt
 * from the disk (snapshot + journal), exactly as an open would, and those writes are rejected
 * with STORE_DISK_FULL; the next write tries the disk again, so the store resumes by itself
 * once space is freed.
 */
export class JournaledDatabase {
  /** Things the user should be told about the last open (a corrupt snapshot moved aside, ...). */
  readonly notices: string[] = [];
  private seq: number;
  private readonly statements = new Map<string, Statement>();
  private compacting: Promise<void> | null = null;
  private closed = false;
  private writesSinceCommit = 0;
  /** Counts rebuilds after failed journal writes: an export taken before one may hold refused changes. */
  private generation = 0;
  /** Set when memory could not be rebuilt after a failed write: nothing more is accepted. */
  private broken: PersonaError | null = null;

  private constructor(
    private readonly options: DatabaseOptions,
    private db: Database,
    private readonly journal: Journal,
    lastSeq: number,
    private readonly SQL: SqlJsStatic,
  ) {
    this.seq = lastSeq;
    journal.onWriteFailed = (err) => this.rebuildFromDisk(err);
  }

  static async open(options: DatabaseOptions): Promise<JournaledDatabase> {
    const SQL = await loadSqlJs();
    const snapshotPath = join(options.dir, SNAPSHOT_FILE);
    const notices: string[] = [];
    await foldBeforeOpen(options, notices);
    let db = new SQL.Database();
    let fresh = true;
    if (existsSync(snapshotPath)) {
      const loaded = new SQL.Database(readFileSync(snapshotPath));
      try {
        loaded.exec('SELECT COUNT(*) FROM sqlite_master');
        db.close();
        db = loaded;
        fresh = false;
      } catch (err) {
        // Never delete what might be the user's history: move it aside and rebuild from the journal.
        loaded.close();
        const aside = `${snapshotPath}.corrupt-${options.now()}`;
        renameSync(snapshotPath, aside);
        notices.push(`The job store snapshot was unreadable (${err instanceof Error ? err.message : String(err)}); it was moved to ${aside} and the store was rebuilt from the journal. Jobs recorded only in the old snapshot are not shown.`);
      }
    }
    applyPragmas(db);
    ensureSchemaTables(db);
    db.run('CREATE TABLE IF NOT EXISTS journal_state (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL)');
    db.run('INSERT OR IGNORE INTO journal_state (id, last_seq) VALUES (1, 0)');
    try {
      assertNotNewer(db, options.schema, options.dir);
      // A store rebuilt from nothing needs its schema before the journal's statements can apply.
      if (fresh) migrateModules(db, options.schema, options.now(), options.dir);
    } catch (err) {
      db.close();
      throw err;
    }
    const lastSeq = Number(scalar(db, 'SELECT last_seq FROM journal_state WHERE id = 1'));
    const sealedPath = join(options.dir, SEALED_JOURNAL_FILE);
    const sealed = Journal.read(sealedPath);
    const { journal, replay } = await Journal.open(join(options.dir, JOURNAL_FILE));
    // A replay, a migration or the first snapshot that fails (a full disk) must not leave the
    // journal's descriptor or the database open: the caller gets the error and nothing else.
    try {
      let skipped = 0;
      const rebuilt = fresh && notices.length > 0;
      // A record that does not apply failed the same way when it was first written (replay is
      // deterministic; see write()), so skipping it restores exactly the state that was acknowledged.
      // A rebuilt store also meets updates of rows the lost snapshot held: those are counted.
      const maxSeq = replayRecords(db, [...sealed.records, ...replay.records], lastSeq, () => {
        if (rebuilt) skipped += 1;
        return true;
      });
      if (skipped > 0) notices.push(`${skipped} journal records referred to jobs in the lost snapshot and were skipped.`);
      if (replay.droppedBytes > 0) notices.push(`The last ${replay.droppedBytes} bytes of the job journal were a torn write from a crash and were dropped; every acknowledged change was kept.`);
      const database = new JournaledDatabase(options, db, journal, maxSeq, SQL);
      database.notices.push(...notices);
      // The journal's records were written against the schema the store had; migrations follow them.
      const migrated = !fresh && migrateModules(db, options.schema, options.now(), options.dir);
      // Migrations are not journaled: a store they changed is captured by a snapshot at once.
      // (A migration on a large store blocks here once; migrations are rare.)
      // From here on, writes run in the transaction kept open in memory (see the class comment).
      db.run('BEGIN');
      if (fresh || migrated || existsSync(sealedPath)) {
        await database.snapshot();
      } else {
        database.maybeCompact();
      }
      return database;
    } catch (err) {
      await journal.close().catch(() => undefined);
      db.close();
      throw err;
    }
  }

  /**
   * Applies a change in memory and resolves once its journal record is on disk. The record is
   * queued first and written at the end of this turn of the event loop, with any other change
   * made in it (see Journal).
   *
   * Invariant: replay is deterministic, so a statement that fails here fails the same way on
   * replay, where it is skipped; the journal may hold it, the state never does.
   */
  write(sql: string, params: JournalParam[]): Promise<void> {
    this.assertOpen();
    this.seq += 1;
    const done = this.journal.append({ seq: this.seq, sql, params });
    try {
      // Inside the open transaction a failing statement undoes only itself.
      this.statement(sql).run(params);
    } catch (err) {
      done.catch(() => undefined);
      throw err;
    }
    this.afterWrite();
    return done.catch((err: unknown) => {
      throw diskError(err, this.options.dir);
    });
  }

  /** Several changes that must land together: one transaction in memory, one journal record each, all in one write. */
  writeAll(changes: { sql: string; params: JournalParam[] }[]): Promise<void> {
    this.assertOpen();
    // A savepoint inside the open transaction: all of them or none.
    this.db.run('SAVEPOINT write_all');
    try {
      for (const c of changes) this.statement(c.sql).run(c.params);
      this.db.run('RELEASE write_all');
    } catch (err) {
      this.db.run('ROLLBACK TO write_all');
      this.db.run('RELEASE write_all');
      throw err;
    }
    // One write for all of them: appended one by one, the first went to disk alone when the
    // journal was idle, and a kill before the next write kept it without the rest.
    const appended = this.journal.appendAll(changes.map((c) => ({ seq: ++this.seq, sql: c.sql, params: c.params })));
    this.afterWrite();
    return appended.catch((err: unknown) => {
      throw diskError(err, this.options.dir);
    });
  }

  query(sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
    this.assertOpen();
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

  get journalBytes(): number {
    return this.journal.bytes;
  }

  /** Snapshot, journal and sealed segment on disk. */
  bytesOnDisk(): number {
    let total = this.journal.bytes;
    for (const f of [SNAPSHOT_FILE, SEALED_JOURNAL_FILE]) {
      const p = join(this.options.dir, f);
      if (existsSync(p)) total += statSync(p).size;
    }
    return total;
  }

  /** Starts a background compaction when the journal has grown past the threshold. */
  maybeCompact(): void {
    if (this.compacting || this.closed) return;
    if (this.journal.bytes < (this.options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES)) return;
    void this.compact();
  }

  /** Folds the journal into the snapshot on a worker thread; the event loop is never blocked by export(). */
  compact(): Promise<void> {
    if (this.compacting) return this.compacting;
    const sealedPath = join(this.options.dir, SEALED_JOURNAL_FILE);
    const run = (async () => {
      if (!existsSync(sealedPath)) await this.journal.rotate(sealedPath);
      const result = await runCompactor(this.compactorScript(), { snapshotPath: join(this.options.dir, SNAPSHOT_FILE), sealedPath });
      if (!result.ok) throw new Error(result.error);
      await fsp.rm(sealedPath, { force: true });
    })();
    this.compacting = run
      .catch((err: unknown) => this.options.log?.(`compaction failed (the journal keeps every change; it will be retried): ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.compacting = null;
      });
    return this.compacting;
  }

  /** Writes the whole database atomically from this thread (open and close; small or rare). */
  async snapshot(): Promise<void> {
    this.assertOpen();
    if (this.compacting) await this.compacting;
    let snapshotSeq: number;
    let data: Uint8Array;
    for (;;) {
      const generation = this.generation;
      snapshotSeq = this.seq;
      this.db.run('UPDATE journal_state SET last_seq = ? WHERE id = 1', [snapshotSeq]);
      // export() closes and reopens the database in sql.js (an open transaction would be rolled
      // back): commit first. Prepared statements are freed, pragmas reset.
      this.commitMemory();
      this.freeStatements();
      data = this.db.export();
      applyPragmas(this.db);
      this.db.run('BEGIN');
      // The export holds changes still on their way to the journal: it may be written only once
      // they are all saved. One that failed was refused, so the export is taken again.
      await this.journal.drain();
      if (generation === this.generation) break;
      this.assertOpen();
    }
    await writeSnapshotFile(join(this.options.dir, SNAPSHOT_FILE), data).catch((err: unknown) => {
      throw diskError(err, this.options.dir);
    });
    await fsp.rm(join(this.options.dir, SEALED_JOURNAL_FILE), { force: true });
    await this.journal.truncateUpTo(snapshotSeq);
  }

  /**
   * Reclaims the pages of deleted rows. VACUUM changes no rows, so it is not journaled; the
   * snapshot right after it is what makes the smaller file durable. It blocks this thread
   * while it runs, which is why only the size valve calls it.
   */
  async vacuum(): Promise<void> {
    this.assertOpen();
    if (this.compacting) await this.compacting;
    this.freeStatements();
    // VACUUM cannot run inside a transaction.
    this.commitMemory();
    this.db.run('VACUUM');
    this.db.run('BEGIN');
    await this.snapshot();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.snapshot();
    this.closed = true;
    await this.journal.close();
    this.freeStatements();
    this.db.close();
  }

  private compactorScript(): string {
    return compactorScriptOf(this.options);
  }

  private statement(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /** After a write: commit the in-memory transaction now and then, and start a compaction when due. */
  private afterWrite(): void {
    if (++this.writesSinceCommit >= WRITES_PER_MEMORY_COMMIT) {
      this.commitMemory();
      this.db.run('BEGIN');
    }
    this.maybeCompact();
  }

  private commitMemory(): void {
    this.writesSinceCommit = 0;
    this.db.run('COMMIT');
  }

  /**
   * A journal write failed: memory holds changes the disk does not. Replaces the database with
   * what the disk holds (snapshot, sealed segment, journal), as an open would. Runs synchronously
   * before the failed writes are rejected, so no caller sees a refused change afterwards.
   */
  private rebuildFromDisk(cause: unknown): void {
    this.generation += 1;
    if (this.closed) return;
    try {
      const snapshotPath = join(this.options.dir, SNAPSHOT_FILE);
      const db = existsSync(snapshotPath) ? new this.SQL.Database(readFileSync(snapshotPath)) : new this.SQL.Database();
      try {
        applyPragmas(db);
        const lastSeq = Number(scalar(db, 'SELECT last_seq FROM journal_state WHERE id = 1'));
        const records = [...Journal.read(join(this.options.dir, SEALED_JOURNAL_FILE)).records, ...Journal.read(this.journal.path).records];
        replayRecords(db, records, lastSeq, () => true);
        db.run('BEGIN');
      } catch (err) {
        db.close();
        throw err;
      }
      this.freeStatements();
      this.db.close();
      this.db = db;
      this.writesSinceCommit = 0;
      this.options.log?.(`a journal write failed (${cause instanceof Error ? cause.message : String(cause)}); the store was reloaded from disk and the unsaved changes were refused`);
    } catch (err) {
      this.broken = new PersonaError('STORE_CORRUPT', `The job store in ${this.options.dir} could not be reloaded after a failed write: ${err instanceof Error ? err.message : String(err)}.`, 'Reload the window (or start the CLI again) to reopen the store; every acknowledged change is on disk.');
    }
  }

  private freeStatements(): void {
    for (const stmt of this.statements.values()) stmt.free();
    this.statements.clear();
  }

  private assertOpen(): void {
    if (this.broken) throw this.broken;
    if (this.closed) {
      throw new PersonaError('STORE_CLOSED', `The job store in ${this.options.dir} is closed.`, 'Reload the window to reopen it.');
    }
  }
}

export type { JournalRecord };

function compactorScriptOf(options: DatabaseOptions): string {
  if (options.compactorScript) return options.compactorScript;
  const bundled = join(__dirname, 'compactor.js');
  return existsSync(bundled) ? bundled : join(__dirname, 'compactWorker.js');
}

/**
 * After a crash the journal can hold a compaction's worth of records (8 MB, some 20,000) or
 * more, and replaying them on this thread blocks the host's event loop for a second or more
 * (seconds at 100k). So, before opening, a sealed segment left by an interrupted compaction,
 * and then a journal past the compaction size, are folded into the snapshot on the compactor's
 * worker, the same code background compaction runs. Anything it cannot do (no snapshot yet, an
 * unreadable or newer one) is left to the open that follows, which replays as before.
 */
async function foldBeforeOpen(options: DatabaseOptions, notices: string[]): Promise<void> {
  const snapshotPath = join(options.dir, SNAPSHOT_FILE);
  const sealedPath = join(options.dir, SEALED_JOURNAL_FILE);
  const journalPath = join(options.dir, JOURNAL_FILE);
  const threshold = options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES;
  for (let round = 0; round < 2 && existsSync(snapshotPath); round++) {
    if (!existsSync(sealedPath)) {
      if (!existsSync(journalPath) || statSync(journalPath).size < threshold) return;
      renameSync(journalPath, sealedPath);
    }
    const started = options.now();
    const result = await runCompactor(compactorScriptOf(options), { snapshotPath, sealedPath, knownVersions: Object.fromEntries(options.schema.map((m) => [m.name, latestVersion(m)])) });
    if (!result.ok) {
      options.log?.(`opening: folding the journal on a worker failed (${result.error}); it is replayed here instead`);
      return;
    }
    await fsp.rm(sealedPath, { force: true });
    options.log?.(`opening: ${result.records} journal records folded into the snapshot on a worker in ${options.now() - started} ms`);
    if (result.droppedBytes > 0) notices.push(`The last ${result.droppedBytes} bytes of the job journal were a torn write from a crash and were dropped; every acknowledged change was kept.`);
  }
}

function runCompactor(script: string, request: CompactRequest): Promise<CompactResult> {
  // The compactor runs at open too, before any worker pool relays workers' warnings here.
  relayWorkerWarnings();
  return new Promise((resolve) => {
    const worker = new Worker(script, { workerData: request });
    let settled = false;
    worker.once('message', (result: CompactResult) => {
      settled = true;
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      if (!settled) resolve({ ok: false, error: err.message });
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) resolve({ ok: false, error: `compactor exited with code ${code}` });
      settled = true;
    });
  });
}

/** A failed write's error as the user should read it: a full disk is STORE_DISK_FULL, anything else as it was. */
function diskError(err: unknown, dir: string): Error {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return err instanceof Error ? err : new Error(String(err));
  return new PersonaError('STORE_DISK_FULL', `The disk holding this workspace's job store (${storeLabel(dir)}) is full; the change was not saved.`, JOB_ERROR_HINTS.STORE_DISK_FULL);
}

/** The store's folder as the user knows it, never the machine's absolute path. */
function storeLabel(dir: string): string {
  return basename(dir) || '.agent-os';
}

function scalar(db: Database, sql: string): SqlValue {
  return db.exec(sql)[0]?.values[0]?.[0] ?? null;
}
