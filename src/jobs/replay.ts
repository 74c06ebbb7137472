import type { Database, Statement } from 'sql.js';
import type { JournalRecord } from './journal';

/**
 * Applies journal records past `afterSeq` to `db`, in one transaction, preparing each distinct
 * statement once (a store has a handful; preparing per record made a 100k-record replay ~14 s).
 * `onError` decides what a record that does not apply means; it returns true to skip it.
 * Returns the highest seq applied (or `afterSeq`).
 */
export function replayRecords(db: Database, records: Iterable<JournalRecord>, afterSeq: number, onError: (record: JournalRecord, err: unknown) => boolean): number {
  const statements = new Map<string, Statement>();
  let maxSeq = afterSeq;
  db.run('BEGIN');
  try {
    for (const record of records) {
      if (record.seq <= afterSeq) continue;
      let stmt = statements.get(record.sql);
      if (!stmt) {
        stmt = db.prepare(record.sql);
        statements.set(record.sql, stmt);
      }
      try {
        stmt.run(record.params);
      } catch (err) {
        if (!onError(record, err)) throw err;
      }
      maxSeq = Math.max(maxSeq, record.seq);
    }
    db.run('COMMIT');
  } catch (err) {
    db.run('ROLLBACK');
    throw err;
  } finally {
    for (const stmt of statements.values()) stmt.free();
  }
  return maxSeq;
}
