// Search engines the standards bench compares with the StandardsIndex, over the same sections:
// - sql.js FTS4 with BM25 computed from matchinfo(t, 'pcnalx') in a JS function: the
//   alternative that was measured and not chosen (docs/standards.md says why);
// - better-sqlite3 FTS5 with bm25(): the reference point (native SQLite, the best a SQL
//   engine does here), installed on demand into the cache folder (bench/betterSqlite.ts).
// Each takes the same column weights as the index (heading 2, title 1.5, text 1) and k1 = 1.2,
// b = 0.75, and answers with the top rows' ids; the caller looks rows up and cuts snippets the
// same way for every engine, so the figures compare ranking, not presentation. The index stems
// English words (Porter2), so both SQL engines use SQLite's porter tokenizer (Porter's original
// algorithm): every engine then looks up stems, not the words as written.
import type { Database, SqlValue } from 'sql.js';
import { loadSqlJs } from '../src/jobs/sqlite';
import type { IndexedSection } from '../src/standards/standardsIndex';
import type { BetterSqliteConstructor } from './betterSqlite';

/** A section as the index keeps it, less what only its hits show. */
export type BenchSection = Omit<IndexedSection, 'standardTitle'>;

export interface BenchEngine {
  name: string;
  search(query: string, filter: { domain?: string; tags?: string[] }, limit: number): number[];
  close(): void;
}

const WEIGHTS = [2, 1.5, 1];
const K1 = 1.2;
const B = 0.75;

/** The query's words as an OR of quoted terms: the same "any word, ranked" meaning as the index. */
export function ftsQuery(query: string): string | undefined {
  const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  return words.length ? words.map((w) => `"${w}"`).join(' OR ') : undefined;
}

/**
 * BM25 from FTS4's matchinfo 'pcnalx' blob (32-bit little-endian integers): p phrases, c columns,
 * n rows, a[c] average tokens per column, l[c] this row's tokens per column, then for each phrase
 * and column x = (hits in this row, hits in all rows, rows with a hit).
 */
export function bm25FromMatchinfo(blob: Uint8Array, weights: readonly number[]): number {
  const m = new Uint32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  const p = m[0]!;
  const c = m[1]!;
  const n = m[2]!;
  let score = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < c; j++) {
      const weight = weights[j] ?? 0;
      if (weight === 0) continue;
      const x = 3 + 2 * c + 3 * (j + i * c);
      const tf = m[x]!;
      if (tf === 0) continue;
      const df = m[x + 2]!;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      const avg = m[3 + j]! || 1;
      const len = m[3 + c + j]!;
      score += weight * idf * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / avg)));
    }
  }
  return score;
}

export async function fts4Engine(sections: readonly BenchSection[]): Promise<BenchEngine> {
  const SQL = await loadSqlJs();
  const db: Database = new SQL.Database();
  db.create_function('bm25', (blob: Uint8Array) => bm25FromMatchinfo(blob, WEIGHTS));
  db.run("CREATE VIRTUAL TABLE s USING fts4(heading, title, text, domain, tags, notindexed=domain, notindexed=tags, tokenize=porter)");
  db.run('BEGIN');
  const insert = db.prepare('INSERT INTO s (docid, heading, title, text, domain, tags) VALUES (?, ?, ?, ?, ?, ?)');
  try {
    for (const s of sections) insert.run([s.id, s.heading, s.title, s.text, s.domain, ` ${s.tags.join(' ')} `]);
  } finally {
    insert.free();
  }
  db.run('COMMIT');
  return {
    name: "sql.js FTS4 (tokenize=porter) + BM25 from matchinfo('pcnalx')",
    search(query, filter, limit) {
      const match = ftsQuery(query);
      if (!match) return [];
      let sql = "SELECT docid, bm25(matchinfo(s, 'pcnalx')) AS score FROM s WHERE s MATCH ?";
      const params: SqlValue[] = [match];
      if (filter.domain) {
        sql += ' AND domain = ?';
        params.push(filter.domain);
      }
      for (const tag of filter.tags ?? []) {
        sql += ' AND tags LIKE ?';
        params.push(`% ${tag} %`);
      }
      sql += ' ORDER BY score DESC LIMIT ?';
      params.push(limit);
      const stmt = db.prepare(sql, params);
      const ids: number[] = [];
      try {
        while (stmt.step()) ids.push(Number(stmt.get()[0]));
      } finally {
        stmt.free();
      }
      return ids;
    },
    close: () => db.close(),
  };
}

export function fts5Engine(ctor: BetterSqliteConstructor, sections: readonly BenchSection[]): BenchEngine {
  const db = new ctor(':memory:');
  db.exec("CREATE VIRTUAL TABLE s USING fts5(heading, title, text, domain UNINDEXED, tags UNINDEXED, tokenize = 'porter unicode61')");
  const insert = db.prepare('INSERT INTO s (rowid, heading, title, text, domain, tags) VALUES (?, ?, ?, ?, ?, ?)');
  db.exec('BEGIN');
  for (const s of sections) insert.run(s.id, s.heading, s.title, s.text, s.domain, ` ${s.tags.join(' ')} `);
  db.exec('COMMIT');
  const statements = new Map<string, ReturnType<typeof db.prepare>>();
  return {
    name: "better-sqlite3 FTS5 (tokenize 'porter unicode61') bm25()",
    search(query, filter, limit) {
      const match = ftsQuery(query);
      if (!match) return [];
      const tags = filter.tags ?? [];
      const key = `${filter.domain ? 'd' : ''}${tags.length}`;
      let stmt = statements.get(key);
      if (!stmt) {
        const where = [...(filter.domain ? ['domain = ?'] : []), ...tags.map(() => 'tags LIKE ?')].map((w) => ` AND ${w}`).join('');
        // bm25() is lower-is-better; the weights follow the columns' order.
        stmt = db.prepare(`SELECT rowid AS id FROM s WHERE s MATCH ?${where} ORDER BY bm25(s, ${WEIGHTS.join(', ')}) LIMIT ?`);
        statements.set(key, stmt);
      }
      const params = [match, ...(filter.domain ? [filter.domain] : []), ...tags.map((t) => `% ${t} %`), limit];
      return stmt.all(...params).map((row) => Number((row as { id: number }).id));
    },
    close: () => db.close(),
  };
}
