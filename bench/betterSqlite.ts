// better-sqlite3 12 is the comparison point for the store figures. It is an optional bench
// dependency, installed on first use into the cache folder outside the clone (it builds from
// source here, about 2 minutes), so `npm ci` stays fast; when it cannot build, the bench says
// so and skips those figures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface BetterSqliteStatement {
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
export interface BetterSqliteDatabase {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): BetterSqliteStatement;
  close(): void;
}
export type BetterSqliteConstructor = new (file: string) => BetterSqliteDatabase;

export function loadBetterSqlite(): { ctor?: BetterSqliteConstructor; why?: string } {
  const cache = process.env['AGENT_OS_TEST_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'agent-os-personas');
  const dir = join(cache, 'bench-deps');
  const req = createRequire(join(dir, 'package.json'));
  try {
    if (!existsSync(join(dir, 'node_modules', 'better-sqlite3'))) {
      console.log('(installing better-sqlite3@12 for the comparison into the cache folder; it builds from source once, ~2 minutes)');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{"name":"agent-os-bench-deps","private":true}');
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
      execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', 'better-sqlite3@12'], { cwd: dir, stdio: 'ignore', env });
    }
    return { ctor: req('better-sqlite3') as BetterSqliteConstructor };
  } catch (err) {
    return { why: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

/** A job's columns as both store benches create them. */
export interface SampleJob {
  persona: string;
  task: string;
  context: string;
}

/**
 * The comparison store: a jobs table with the pickup index, WAL with synchronous=FULL, so each
 * insert is durable when it returns. `create` inserts a queued job under the next id.
 */
export function openBetterSqliteJobs(ctor: BetterSqliteConstructor, file: string): { create(job: SampleJob): Promise<void>; close(): void } {
  const db = new ctor(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE jobs (id TEXT PRIMARY KEY, persona TEXT NOT NULL, task TEXT NOT NULL, context TEXT NOT NULL, status TEXT NOT NULL, priority INTEGER NOT NULL, created_at INTEGER NOT NULL); CREATE INDEX jobs_pickup ON jobs (status, priority DESC, created_at);`);
  const insert = db.prepare(`INSERT INTO jobs (id, persona, task, context, status, priority, created_at) VALUES (?, ?, ?, ?, 'queued', 0, ?)`);
  let n = 0;
  return {
    create: (job) => {
      insert.run(`id-${n++}`, job.persona, job.task, job.context, Date.now());
      return Promise.resolve();
    },
    close: () => db.close(),
  };
}
