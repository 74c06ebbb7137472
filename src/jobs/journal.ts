import { close, closeSync, constants, existsSync, fdatasync, fdatasyncSync, fstatSync, ftruncate, ftruncateSync, open, readFileSync, rename, write, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * An append-only, fdatasync'd log of store changes.
 *
 * Record framing: u32 LE payload length, u32 LE crc32 of the payload, payload (UTF-8 JSON).
 * A record whose length runs past the end of the file or whose checksum fails is a torn
 * tail from a crash mid-append: it and everything after it are dropped on open.
 *
 * Preallocation: the file is grown in zeroed chunks, and records overwrite those zeros at their
 * offsets. A write that grows a file must also commit its new size, a second device write on
 * every append; a write inside the file's length commits only its data (the same reason SQLite's
 * WAL reuses its blocks). So the file holds whole records followed by zeros: a zero length ends
 * the records and is not a torn tail. Zeros are the only thing ever left after the last record:
 * the file is cut to nothing or to its last whole record before it is grown again, so a record
 * from before a truncation can never be read back as a new one.
 *
 * Group commit: appends made in one turn of the event loop share a write at its end; appends
 * made while a write is on disk wait and share the next one. A promise from `append` resolves
 * only after the bytes are on disk; that is what "acknowledged" means.
 *
 * A write that fails (a full disk: ENOSPC) may have put part of its bytes in the file. The file
 * is cut back to its last whole record before anything else is written (a torn record in the
 * middle would end replay there and lose every record after it), and that write and every
 * append waiting behind it are rejected: their changes were never saved. `onWriteFailed` runs
 * first, synchronously, so the owner can drop those changes from memory before anyone else runs.
 */
export interface JournalRecord {
  seq: number;
  sql: string;
  params: JournalParam[];
}

export type JournalParam = string | number | null;

const HEADER_BYTES = 8;

/**
 * How far the file is grown at a time. 64 KiB is about 150 job records per size commit, and
 * small enough that a nearly full disk still refuses writes soon after (a record past the last
 * chunk must grow the file).
 */
export const JOURNAL_CHUNK_BYTES = 64 * 1024;

/**
 * The file is opened with O_DSYNC: each write returns only once its data is on the device,
 * the same guarantee as write + fdatasync, in one system call.
 */
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_DSYNC;

export interface ReplayResult {
  records: JournalRecord[];
  /** Where the whole records end: the next record is written here. */
  recordBytes: number;
  /** Bytes after the records that are not zeros: a torn write from a crash (dropped). */
  droppedBytes: number;
}

/**
 * A lone record (one caller, nothing else waiting) is written on this thread: the caller waits on
 * the device either way, and the thread pool's round trip adds two cross-thread wake-ups, which
 * in a virtual machine cost a third of the write itself. Batches go to the thread pool, so the
 * next batch's in-memory work runs while they are on disk. A write on this thread blocks the
 * event loop for as long as the device takes, so one slower than this sends every write to the
 * thread pool for a while (a busy or network disk never stalls the host more than once).
 */
const DEFAULT_SLOW_WRITE_MS = 10;
const THREAD_POOL_ONLY_MS = 60_000;

/** The same bytes written on this thread; a short write is finished the same way. */
function writeAtOnThisThread(fd: number, data: Buffer, position: number): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset, position + offset);
}

/** The file calls as promises over a raw descriptor: a FileHandle's promise API costs more per call. */
function writeAt(fd: number, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number): void => {
      write(fd, data, offset, data.length - offset, position + offset, (err, written) => {
        if (err) reject(err);
        // A short write is what a filling disk does before ENOSPC: write the rest, which then fails or lands.
        else if (offset + written < data.length) from(offset + written);
        else resolve();
      });
    };
    from(0);
  });
}

function fileCall(call: (done: (err: NodeJS.ErrnoException | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => call((err) => (err ? reject(err) : resolve())));
}

function openForWrites(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, WRITE_FLAGS, 0o600, (err, fd) => (err ? reject(err) : resolve(fd))));
}

/** The index just past the last byte that is not zero, at or after `from`. */
function endOfNonZero(data: Buffer, from: number): number {
  let end = data.length;
  while (end > from && data[end - 1] === 0) end -= 1;
  return end;
}

export interface JournalOptions {
  /** A write on this thread slower than this sends writes to the thread pool for a minute (default 10 ms). */
  slowWriteMs?: number;
}

export class Journal {
  /** Called once per failed write, before its appends (and those queued behind it) are rejected. */
  onWriteFailed: ((err: unknown) => void) | null = null;
  /** How the writes went: a lone record on this thread, a batch (or any write after a slow one) in the thread pool. */
  readonly writes = { onThisThread: 0, threadPool: 0 };
  private pending: { bytes: Buffer; seq: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushQueued = false;
  /** A flush waiting for the end of this turn of the event loop (see `push`). */
  private flushTimer: NodeJS.Immediate | null = null;
  /** Until then every write goes to the thread pool (a write on this thread was slow). */
  private threadPoolOnlyUntil = 0;
  /** File operations (writes, truncate, rotate) run one at a time, in order. */
  private readonly ops: (() => Promise<void>)[] = [];
  private opRunning = false;
  private fd: number | null;
  /** Bytes of whole records in the file: where the next record goes, and where it is cut back to after a failed write. */
  private size: number;
  /** The file's length: whole records, then zeros up to here. */
  private allocated: number;
  private lastWrittenSeq = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
    allocated: number,
    private readonly slowWriteMs: number,
  ) {
    this.fd = fd;
    this.size = size;
    this.allocated = allocated;
  }

  /** Reads every whole record, cuts off a torn tail, and opens the file for writing after the last record. */
  static async open(path: string, options: JournalOptions = {}): Promise<{ journal: Journal; replay: ReplayResult }> {
    const replay = Journal.read(path);
    const fd = await openForWrites(path);
    let allocated: number;
    try {
      allocated = fstatSync(fd).size;
      if (replay.droppedBytes > 0) {
        // Invariant: after the last whole record there are only zeros. The torn bytes go with the
        // zeros around them, and the cut is on disk before anything is written after it.
        ftruncateSync(fd, replay.recordBytes);
        fdatasyncSync(fd);
        allocated = replay.recordBytes;
      }
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    const journal = new Journal(path, fd, replay.recordBytes, allocated, options.slowWriteMs ?? DEFAULT_SLOW_WRITE_MS);
    journal.lastWrittenSeq = replay.records.reduce((m, r) => Math.max(m, r.seq), 0);
    return { journal, replay };
  }

  static read(path: string): ReplayResult {
    if (!existsSync(path)) {
      return { records: [], recordBytes: 0, droppedBytes: 0 };
    }
    const data = readFileSync(path);
    const records: JournalRecord[] = [];
    let offset = 0;
    while (offset + HEADER_BYTES <= data.length) {
      const length = data.readUInt32LE(offset);
      // No record is empty (its payload is a JSON object): a zero length is where the preallocated zeros start.
      if (length === 0) break;
      const checksum = data.readUInt32LE(offset + 4);
      const end = offset + HEADER_BYTES + length;
      if (end > data.length) {
        break;
      }
      const payload = data.subarray(offset + HEADER_BYTES, end);
      if (crc32(payload) !== checksum) {
        break;
      }
      let record: JournalRecord;
      try {
        record = JSON.parse(payload.toString('utf8')) as JournalRecord;
      } catch {
        break;
      }
      records.push(record);
      offset = end;
    }
    // A tail of zeros is room made for records, not a torn one.
    return { records, recordBytes: offset, droppedBytes: endOfNonZero(data, offset) - offset };
  }

  static encode(record: JournalRecord): Buffer {
    // One buffer, the payload encoded straight into it after the header (no concat, no copy).
    const json = JSON.stringify(record);
    const out = Buffer.allocUnsafe(HEADER_BYTES + Buffer.byteLength(json, 'utf8'));
    out.write(json, HEADER_BYTES, 'utf8');
    out.writeUInt32LE(out.length - HEADER_BYTES, 0);
    out.writeUInt32LE(crc32(out.subarray(HEADER_BYTES)), 4);
    return out;
  }

  get bytes(): number {
    return this.size;
  }

  append(record: JournalRecord): Promise<void> {
    return this.push(Journal.encode(record), record.seq);
  }

  /**
   * Several records in one write, never split across two: a process killed between writes keeps
   * all of them or none (a completion and the rows that ride with it). Resolves once on disk.
   */
  appendAll(records: JournalRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.push(Buffer.concat(records.map((r) => Journal.encode(r))), Math.max(...records.map((r) => r.seq)));
  }

  private push(bytes: Buffer, seq: number): Promise<void> {
    if (this.closed) {
      return Promise.reject(new Error('journal is closed'));
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ bytes, seq, resolve, reject });
      // At the end of this turn of the event loop, so appends made by other callers in the same
      // turn share the write; appends made while a write is on disk share the next one.
      if (!this.flushQueued && this.flushTimer === null) this.flushTimer = setImmediate(() => this.flushNow());
    });
  }

  /** Puts the pending appends' write in the queue now; file operations asked for later come after it. */
  private flushNow(): void {
    if (this.flushTimer !== null) {
      clearImmediate(this.flushTimer);
      this.flushTimer = null;
    }
    if (this.flushQueued || this.pending.length === 0) return;
    this.flushQueued = true;
    void this.enqueue(() => this.flushPending());
  }

  /** Runs file operations one at a time, in order. */
  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.ops.push(() => op().then(resolve, reject));
      this.runNext();
    });
  }

  private runNext(): void {
    if (this.opRunning) return;
    const op = this.ops.shift();
    if (!op) return;
    this.opRunning = true;
    void op().finally(() => {
      this.opRunning = false;
      this.runNext();
    });
  }

  private async flushPending(): Promise<void> {
    this.flushQueued = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const fd = this.fd;
    if (fd === null) {
      for (const b of batch) b.reject(new Error('journal is closed'));
      return;
    }
    const records = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((b) => b.bytes));
    const end = this.size + records.length;
    // Past the zeros the file must grow: the records and the next chunk's zeros go in one write, so
    // growing costs no extra device write. Inside them the records overwrite zeros (see the class comment).
    const grown = end > this.allocated ? Math.ceil(end / JOURNAL_CHUNK_BYTES) * JOURNAL_CHUNK_BYTES : this.allocated;
    const data = grown === this.allocated ? records : Buffer.concat([records, Buffer.alloc(grown - end)]);
    try {
      // O_DSYNC: durable when write returns (see WRITE_FLAGS).
      // A write that grows the file also commits its size: it goes to the thread pool, and so
      // every write on this thread is smaller than a chunk.
      if (batch.length === 1 && grown === this.allocated && Date.now() >= this.threadPoolOnlyUntil) {
        const started = performance.now();
        this.writes.onThisThread += 1;
        writeAtOnThisThread(fd, data, this.size);
        if (performance.now() - started > this.slowWriteMs) this.threadPoolOnlyUntil = Date.now() + THREAD_POOL_ONLY_MS;
      } else {
        this.writes.threadPool += 1;
        await writeAt(fd, data, this.size);
      }
    } catch (err) {
      await this.failed(fd, batch, err);
      return;
    }
    this.size = end;
    this.allocated = Math.max(this.allocated, grown);
    for (const b of batch) this.lastWrittenSeq = Math.max(this.lastWrittenSeq, b.seq);
    for (const b of batch) b.resolve();
  }

  /**
   * A write failed: cut the file back to its whole records, then reject this batch and every
   * append queued behind it (their changes are in the owner's memory, applied after these).
   */
  private async failed(fd: number, batch: typeof this.pending, err: unknown): Promise<void> {
    try {
      // Shrinking a file needs no free space; without it the next record would follow a torn one.
      // The zeros after the records go too: the next write grows the file again.
      await fileCall((done) => ftruncate(fd, this.size, done));
      this.allocated = this.size;
    } catch (truncateErr) {
      // Not cut back: nothing more may be appended behind the torn bytes.
      this.fd = null;
      close(fd, () => undefined);
      err = truncateErr;
    }
    const rejected = [...batch, ...this.pending];
    this.pending = [];
    try {
      this.onWriteFailed?.(err);
    } finally {
      for (const b of rejected) b.reject(err);
    }
  }

  /** Resolves once every append made so far is on disk. */
  async drain(): Promise<void> {
    do {
      this.flushNow();
      await this.enqueue(() => Promise.resolve());
    } while (this.pending.length > 0);
  }

  /**
   * Empties the journal after a durable snapshot that holds every record up to `snapshotSeq`.
   * Records written after that snapshot are kept (the truncate is skipped): replay skips the
   * ones the snapshot already holds, so keeping old records is harmless and losing new ones is not.
   */
  truncateUpTo(snapshotSeq: number): Promise<void> {
    this.flushNow();
    return this.enqueue(async () => {
      const fd = this.fd;
      if (fd === null || this.lastWrittenSeq > snapshotSeq) return;
      // Cut to nothing, not zeroed in place: the next write grows the file with fresh zeros.
      await fileCall((done) => ftruncate(fd, 0, done));
      await fileCall((done) => fdatasync(fd, done));
      this.size = 0;
      this.allocated = 0;
    });
  }

  /**
   * Seals the current file under `sealedPath` and continues in a fresh one, in order with the
   * appends around it. Resolves with the highest seq in the sealed file.
   */
  rotate(sealedPath: string): Promise<number> {
    // Appends made before the rotation go into the sealed file, as they did when each write started at once.
    this.flushNow();
    return this.enqueue(async () => {
      const fd = this.fd;
      if (fd === null) throw new Error('journal is closed');
      this.fd = null;
      await fileCall((done) => close(fd, done));
      let renamed = false;
      try {
        await fileCall((done) => rename(this.path, sealedPath, done));
        renamed = true;
      } finally {
        // Reopened either way: a failed rename leaves the journal where it was, still appendable.
        this.fd = await openForWrites(this.path);
        if (renamed) {
          this.size = 0;
          this.allocated = 0;
        }
      }
      return this.lastWrittenSeq;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await fileCall((done) => close(fd, done));
  }
}
