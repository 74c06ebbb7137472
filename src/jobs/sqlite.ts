import { existsSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Loads sql.js once per thread. The bundle ships `sql-wasm.wasm` next to itself
 * (esbuild.mjs copies it); unbundled code (unit tests) finds it in node_modules.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({
    locateFile: (file: string) => {
      const beside = join(__dirname, file);
      return existsSync(beside) ? beside : require.resolve(`sql.js/dist/${file}`);
    },
  });
  return loading;
}

/**
 * sql.js keeps the database as a file in Emscripten's in-memory file system; its default
 * rollback journal costs ~1 ms per statement there. Durability is our own journal's job,
 * so SQLite's is kept in memory and never synced. In the default locking mode SQLite gives up
 * its lock after every statement and must re-read the file's header (and drop its page cache
 * when it changed) before the next; no one else can open this in-memory file (and the store's
 * owner lock keeps other processes out of the store), so the lock is held for the connection's
 * life: an insert went from ~90 µs to ~26 µs, a get by id from ~36 µs to ~19 µs.
 * The host and the compactor must apply the same pragmas: replay has to fail (and skip)
 * exactly the statements that failed when written.
 */
export function applyPragmas(db: Database): void {
  db.run('PRAGMA journal_mode = MEMORY');
  db.run('PRAGMA synchronous = OFF');
  db.run('PRAGMA locking_mode = EXCLUSIVE');
  db.run('PRAGMA foreign_keys = ON');
}
