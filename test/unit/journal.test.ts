import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNAL_CHUNK_BYTES, Journal, type JournalRecord } from '../../src/jobs/journal';
import { useTempDir } from './tempDir';

function record(seq: number, text = `job ${seq}`): JournalRecord {
  return { seq, sql: 'INSERT INTO jobs (id, task) VALUES (?, ?)', params: [`j${seq}`, text] };
}

function zerosAfter(path: string, from: number): boolean {
  return readFileSync(path).subarray(from).every((b) => b === 0);
}

describe('the journal file (preallocated in zeroed chunks)', () => {
  const tmp = useTempDir();
  const path = (): string => join(tmp.path, 'jobs.journal');

  it('keeps zeros after its records and reads them as room for more, not as a torn tail', async () => {
    const { journal } = await Journal.open(path());
    for (let seq = 1; seq <= 3; seq++) await journal.append(record(seq));
    await journal.close();
    const read = Journal.read(path());
    assert.deepEqual(read.records.map((r) => r.seq), [1, 2, 3]);
    assert.equal(read.droppedBytes, 0);
    assert.equal(statSync(path()).size, JOURNAL_CHUNK_BYTES, 'grown by one chunk, not by each record');
    assert.equal(read.recordBytes, journal.bytes);
    assert.ok(zerosAfter(path(), read.recordBytes));
    const { journal: again, replay } = await Journal.open(path());
    assert.equal(replay.droppedBytes, 0);
    await again.append(record(4));
    await again.close();
    assert.deepEqual(Journal.read(path()).records.map((r) => r.seq), [1, 2, 3, 4], 'the next record follows the last one, inside the zeros');
    assert.equal(statSync(path()).size, JOURNAL_CHUNK_BYTES);
  });

  it('grows past a chunk by whole chunks when a record is larger than the zeros left', async () => {
    const { journal } = await Journal.open(path());
    await journal.append(record(1));
    await journal.append(record(2, 'x'.repeat(JOURNAL_CHUNK_BYTES + 10)));
    await journal.close();
    assert.equal(statSync(path()).size, 2 * JOURNAL_CHUNK_BYTES);
    assert.deepEqual(Journal.read(path()).records.map((r) => r.seq), [1, 2]);
  });

  it('drops a torn record inside the zeros, says so, and cuts it off before the next record is written', async () => {
    const { journal } = await Journal.open(path());
    await journal.append(record(1));
    await journal.append(record(2));
    await journal.close();
    const end = Journal.read(path()).recordBytes;
    // A crash mid-write: the first bytes of a third record land in the zeros, the rest never do.
    const torn = Journal.encode(record(3)).subarray(0, 20);
    const fd = openSync(path(), 'r+');
    writeSync(fd, torn, 0, torn.length, end);
    closeSync(fd);
    const { journal: reopened, replay } = await Journal.open(path());
    assert.deepEqual(replay.records.map((r) => r.seq), [1, 2]);
    assert.equal(replay.droppedBytes, torn.length, 'the torn bytes are counted, the zeros after them are not');
    assert.equal(statSync(path()).size, end, 'the torn bytes are gone from the file');
    await reopened.append(record(4));
    await reopened.close();
    const after = Journal.read(path());
    assert.deepEqual(after.records.map((r) => r.seq), [1, 2, 4]);
    assert.equal(after.droppedBytes, 0);
    assert.ok(zerosAfter(path(), after.recordBytes), 'fresh zeros after the new record');
  });

  it('leaves nothing of the old records after a truncation, so none can be read back as new', async () => {
    const { journal } = await Journal.open(path());
    for (let seq = 1; seq <= 5; seq++) await journal.append(record(seq, 'a long task text '.repeat(20)));
    await journal.truncateUpTo(5);
    assert.equal(statSync(path()).size, 0);
    await journal.append(record(6, 'short'));
    await journal.close();
    const read = Journal.read(path());
    assert.deepEqual(read.records.map((r) => r.seq), [6]);
    assert.ok(zerosAfter(path(), read.recordBytes), 'only zeros after the new record, where the old ones were');
  });

  it('seals a file with its zeros and reads the sealed file whole; the next file starts empty', async () => {
    const { journal } = await Journal.open(path());
    await journal.append(record(1));
    const sealed = join(tmp.path, 'jobs.journal.sealed');
    assert.equal(await journal.rotate(sealed), 1);
    await journal.append(record(2));
    await journal.close();
    assert.deepEqual(Journal.read(sealed), { records: [record(1)], recordBytes: Journal.encode(record(1)).length, droppedBytes: 0 });
    assert.deepEqual(Journal.read(path()).records.map((r) => r.seq), [2]);
  });

  it('reads a journal written before preallocation (records only, no zeros)', async () => {
    const bytes = Buffer.concat([record(1), record(2)].map((r) => Journal.encode(r)));
    const fd = openSync(path(), 'w');
    writeSync(fd, bytes);
    closeSync(fd);
    const { journal, replay } = await Journal.open(path());
    assert.deepEqual(replay.records.map((r) => r.seq), [1, 2]);
    assert.equal(replay.droppedBytes, 0);
    await journal.append(record(3));
    await journal.close();
    assert.deepEqual(Journal.read(path()).records.map((r) => r.seq), [1, 2, 3]);
    assert.equal(statSync(path()).size, JOURNAL_CHUNK_BYTES);
  });

  it('writes a lone record on this thread and a batch of callers in the thread pool, each acknowledged only once on disk', async () => {
    // No write counts as slow here: a slow disk on a busy machine must not change what is counted.
    const { journal } = await Journal.open(path(), { slowWriteMs: Number.POSITIVE_INFINITY });
    // Grows the file (a size commit): always in the thread pool.
    await journal.append(record(1));
    for (let seq = 2; seq <= 11; seq++) await journal.append(record(seq));
    assert.deepEqual(journal.writes, { onThisThread: 10, threadPool: 1 });
    // Eight callers in one turn of the event loop share one write.
    await Promise.all(Array.from({ length: 8 }, (_, i) => journal.append(record(12 + i))));
    assert.deepEqual(journal.writes, { onThisThread: 10, threadPool: 2 });
    await journal.close();
    assert.deepEqual(Journal.read(path()).records.map((r) => r.seq), Array.from({ length: 19 }, (_, i) => i + 1));
  });

  it('sends every write to the thread pool for a while after one on this thread was slow', async () => {
    // Any write is "slow" at 0 ms: the first lone record is the last one written on this thread.
    const { journal } = await Journal.open(path(), { slowWriteMs: 0 });
    for (let seq = 1; seq <= 6; seq++) await journal.append(record(seq));
    assert.deepEqual(journal.writes, { onThisThread: 1, threadPool: 5 });
    await journal.close();
    assert.equal(Journal.read(path()).records.length, 6);
  });

  it('writes appends made before a rotation into the sealed file, and says the last seq it holds', async () => {
    const { journal } = await Journal.open(path());
    await journal.append(record(1));
    const before = journal.append(record(2));
    const sealed = join(tmp.path, 'jobs.journal.sealed');
    const rotated = journal.rotate(sealed);
    // Made after the rotation was asked for: it may still ride with the write queued before it.
    const after = journal.append(record(3));
    await Promise.all([before, after]);
    const lastSealed = await rotated;
    await journal.close();
    const inSealed = Journal.read(sealed).records.map((r) => r.seq);
    assert.deepEqual(inSealed.slice(0, 2), [1, 2], 'every append made before the rotation is sealed');
    assert.equal(lastSealed, inSealed.at(-1));
    assert.deepEqual([...inSealed, ...Journal.read(path()).records.map((r) => r.seq)], [1, 2, 3], 'each record once, in order');
  });
});
