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
});
