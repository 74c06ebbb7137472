// Worker-thread entry (dist/compactor.js): folds a sealed journal segment into the snapshot,
// so that sql.js's export() of a large database never blocks the host's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { writeSnapshotFile } from './snapshotFile';
import { Journal } from './journal';
import { applyPragmas, loadSqlJs } from './sqlite';
import { replayRecords } from './replay';
import { readFileSync, existsSync } from 'node:fs';

export interface CompactRequest {
  snapshotPath: string;
  sealedPath: string;
}

export type CompactResult = { ok: true; lastSeq: number; bytes: number } | { ok: false; error: string };

async function compact({ snapshotPath, sealedPath }: CompactRequest): Promise<CompactResult> {
  const SQL = await loadSqlJs();
  const db = existsSync(snapshotPath) ? new SQL.Database(readFileSync(snapshotPath)) : new SQL.Database();
  try {
    applyPragmas(db);
    const lastSeq = Number(db.exec('SELECT last_seq FROM journal_state WHERE id = 1')[0]?.values[0]?.[0] ?? 0);
    const maxSeq = replayRecords(db, Journal.read(sealedPath).records, lastSeq, () => true);
    db.run('UPDATE journal_state SET last_seq = ? WHERE id = 1', [maxSeq]);
    const data = db.export();
    await writeSnapshotFile(snapshotPath, data);
    return { ok: true, lastSeq: maxSeq, bytes: data.length };
  } finally {
    db.close();
  }
}

const port = parentPort;
if (port) {
  compact(workerData as CompactRequest).then(
    (result) => port.postMessage(result),
    (err: unknown) => port.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) } satisfies CompactResult),
  );
}
