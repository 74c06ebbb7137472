// Worker-thread entry (dist/compactor.js): folds a sealed journal segment into the snapshot,
// so that sql.js's export() of a large database never blocks the host's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { writeSnapshotFile } from './snapshotFile';
import { Journal } from './journal';
import { applyPragmas, loadSqlJs } from './sqlite';
import { replayRecords } from './replay';
import { readFileSync, existsSync } from 'node:fs';
import { forwardWarningsToHost } from './workerWarnings';

export interface CompactRequest {
  snapshotPath: string;
  sealedPath: string;
  /** The newest schema of each module this build knows: a snapshot from a newer one is left alone (open refuses it). */
  knownVersions?: Record<string, number>;
}

export type CompactResult = { ok: true; lastSeq: number; bytes: number; records: number; droppedBytes: number } | { ok: false; error: string };

async function compact({ snapshotPath, sealedPath, knownVersions }: CompactRequest): Promise<CompactResult> {
  const SQL = await loadSqlJs();
  const db = existsSync(snapshotPath) ? new SQL.Database(readFileSync(snapshotPath)) : new SQL.Database();
  try {
    applyPragmas(db);
    if (knownVersions !== undefined) {
      const hasVersions = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'").length > 0;
      const stored = hasVersions ? (db.exec('SELECT module, MAX(version) FROM schema_versions GROUP BY module')[0]?.values ?? []) : [];
      for (const [module, version] of stored) {
        const known = knownVersions[String(module)];
        if (known !== undefined && Number(version) > known) return { ok: false, error: `the snapshot's ${String(module)} schema is ${Number(version)}, newer than ${known}` };
      }
    }
    const lastSeq = Number(db.exec('SELECT last_seq FROM journal_state WHERE id = 1')[0]?.values[0]?.[0] ?? 0);
    const sealed = Journal.read(sealedPath);
    const maxSeq = replayRecords(db, sealed.records, lastSeq, () => true);
    db.run('UPDATE journal_state SET last_seq = ? WHERE id = 1', [maxSeq]);
    const data = db.export();
    await writeSnapshotFile(snapshotPath, data);
    return { ok: true, lastSeq: maxSeq, bytes: data.length, records: sealed.records.length, droppedBytes: sealed.droppedBytes };
  } finally {
    db.close();
  }
}

const port = parentPort;
if (port) {
  forwardWarningsToHost();
  compact(workerData as CompactRequest).then(
    (result) => port.postMessage(result),
    (err: unknown) => port.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) } satisfies CompactResult),
  );
}
