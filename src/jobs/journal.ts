import { close, closeSync, constants, existsSync, fdatasync, ftruncate, ftruncateSync, open, openSync, readFileSync, rename, write } from 'node:fs';
import { crc32 } from 'node:zlib';

/**
 * An append-only, fdatasync'd log of store changes.
 *
 * Record framing: u32 LE payload length, u32 LE crc32 of the payload, payload (UTF-8 JSON).
 * A record whose length runs past the end of the file or whose checksum fails is a torn
 * tail from a crash mid-append: it and everything after it are dropped on open.
 *
 * Group commit: when the file is idle an append is written at once; appends made while a
 * write is on disk wait and share the next one. A promise from `append`
 * resolves only after the bytes are on disk; that is what "acknowledged" means.
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
 * Appends are opened with O_DSYNC: each write returns only once its data is on the device,
 * the same guarantee as write + fdatasync, in one system call (one thread-pool hop instead of
 * two, which is most of a single caller's latency).
 */
const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC;

export interface ReplayResult {
  records: JournalRecord[];
  /** Bytes at the end that did not form a whole, valid record (dropped). */
  droppedBytes: number;
}

/** The file calls as promises over a raw descriptor: a FileHandle's promise API costs more per call. */
function writeAll(fd: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number): void => {
      write(fd, data, offset, data.length - offset, null, (err, written) => {
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

function openAppend(path: string): Promise<number> {
  return new Promise((resolve, reject) => open(path, APPEND_FLAGS, 0o600, (err, fd) => (err ? reject(err) : resolve(fd))));
}

export class Journal {
  /** Called once per failed write, before its appends (and those queued behind it) are rejected. */
  onWriteFailed: ((err: unknown) => void) | null = null;
  private pending: { bytes: Buffer; seq: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushQueued = false;
  /** File operations (writes, truncate, rotate) run one at a time, in order. */
  private readonly ops: (() => Promise<void>)[] = [];
  private opRunning = false;
  private fd: number | null;
  /** Bytes of whole records in the file: where it is cut back to after a failed write. */
  private size: number;
  private lastWrittenSeq = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
  ) {
    this.fd = fd;
    this.size = size;
  }

  /** Reads every whole record, truncates a torn tail, and opens the file for appending. */
  static async open(path: string): Promise<{ journal: Journal; replay: ReplayResult }> {
    const replay = Journal.read(path);
    const goodBytes = existsSync(path) ? readFileSync(path).length - replay.droppedBytes : 0;
    if (replay.droppedBytes > 0) {
      // Invariant: new records must follow the last whole record, never a torn one.
      const fd = openSync(path, 'r+');
      try {
        ftruncateSync(fd, goodBytes);
      } finally {
        closeSync(fd);
      }
    }
    const journal = new Journal(path, await openAppend(path), goodBytes);
    journal.lastWrittenSeq = replay.records.reduce((m, r) => Math.max(m, r.seq), 0);
    return { journal, replay };
  }

  static read(path: string): ReplayResult {
    if (!existsSync(path)) {
      return { records: [], droppedBytes: 0 };
    }
    const data = readFileSync(path);
    const records: JournalRecord[] = [];
    let offset = 0;
    while (offset + HEADER_BYTES <= data.length) {
      const length = data.readUInt32LE(offset);
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
    return { records, droppedBytes: data.length - offset };
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
      if (!this.flushQueued) {
        this.flushQueued = true;
        // When the file is idle the write starts right here, synchronously, so the caller's
        // in-memory work overlaps it. Appends made while it is on disk share the next write.
        void this.enqueue(() => this.flushPending());
      }
    });
  }

  /** Runs file operations one at a time, in order; the first starts synchronously when idle. */
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
    const data = batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((b) => b.bytes));
    try {
      // O_DSYNC: durable when write returns (see APPEND_FLAGS).
      await writeAll(fd, data);
    } catch (err) {
      await this.failed(fd, batch, err);
      return;
    }
    this.size += data.length;
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
      await fileCall((done) => ftruncate(fd, this.size, done));
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
      await this.enqueue(() => Promise.resolve());
    } while (this.pending.length > 0);
  }

  /**
   * Empties the journal after a durable snapshot that holds every record up to `snapshotSeq`.
   * Records written after that snapshot are kept (the truncate is skipped): replay skips the
   * ones the snapshot already holds, so keeping old records is harmless and losing new ones is not.
   */
  truncateUpTo(snapshotSeq: number): Promise<void> {
    return this.enqueue(async () => {
      const fd = this.fd;
      if (fd === null || this.lastWrittenSeq > snapshotSeq) return;
      await fileCall((done) => ftruncate(fd, 0, done));
      await fileCall((done) => fdatasync(fd, done));
      this.size = 0;
    });
  }

  /**
   * Seals the current file under `sealedPath` and continues in a fresh one, in order with the
   * appends around it. Resolves with the highest seq in the sealed file.
   */
  rotate(sealedPath: string): Promise<number> {
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
        this.fd = await openAppend(this.path);
        if (renamed) this.size = 0;
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
