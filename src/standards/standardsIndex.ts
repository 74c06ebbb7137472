import { lstat, readdir, rm } from 'node:fs/promises';
import { readWorkspaceFile } from '../core/safeFile';
import { isAbsolute, join, relative, sep } from 'node:path';
import MiniSearch from 'minisearch';
import stem from 'wink-porter2-stemmer';
import type { Disposable } from '../core/disposable';
import { TypedEmitter } from '../core/typedEmitter';
import type { StandardHit } from '../personas/tools/types';
import { StandardsFolderWatcher } from './standardsFolderWatcher';
import { parseStandard, type ParsedStandard, type StandardProblem } from './template';

/** Where approved standards live, relative to the workspace root (posix separators). */
export const STANDARDS_FOLDER = '.agent-os/standards';
/** A standard larger than this is reported and not indexed: it is not a standard, it is a dump. */
export const MAX_STANDARD_BYTES = 1024 * 1024;

export type StandardsChangeKind = 'added' | 'changed' | 'removed';

export interface StandardsChange {
  /** Workspace-relative, posix separators: `.agent-os/standards/<domain>/<topic>.md`. */
  path: string;
  kind: StandardsChangeKind;
  /** How many sections the file has in the index now (0 when removed). */
  sections: number;
  problems: StandardProblem[];
}

export interface StandardsIndexEvents extends Record<string, unknown> {
  'standards:changed': StandardsChange;
  /** The first full read of the folder is done. */
  'standards:ready': { files: number; sections: number; ms: number };
  /** A search answered (by any caller): the metrics count it, and the ones that found nothing. */
  'standards:searched': { query: string; hits: number; ms: number };
}

export interface StandardsQuery {
  query: string;
  domain?: string;
  tags?: string[];
  limit: number;
}

/** One `##` section of one standard: the unit of search. */
export interface IndexedSection {
  id: number;
  path: string;
  heading: string;
  /** The standard's title and tags: every section of a standard is found by them. */
  title: string;
  text: string;
  domain: string;
  tags: string[];
  line: number;
  standardTitle: string;
}

interface IndexedFile {
  ids: number[];
  problems: StandardProblem[];
  mtimeMs: number;
  size: number;
}

// Words that carry no meaning in a query or a standard; dropping them shrinks the index and
// keeps an "OR" query from scoring every section for "the".
const STOP_WORDS = new Set('a an and are as at be but by for if in into is it its of on or so that the their then there these this to was were will with'.split(' '));

/** Field weights: a query word in a section's heading counts twice one in its text. */
export const FIELD_BOOST = { heading: 2, title: 1.5, text: 1 } as const;

export function tokenize(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * A word as the index keeps it, and as a query looks for it: lower-cased, its English stem
 * (Porter2: `queries`, `queried` and `query` are all `queri`), or null for a stop word.
 * The same function runs at index time, at query time and when a snippet looks for the query's
 * words, so an inflected word is found, and shown, wherever its stem matches.
 */
function processTerm(term: string): string | null {
  const t = term.toLowerCase();
  return STOP_WORDS.has(t) ? null : stemOf(t);
}

// Porter2 is a chain of regular expressions, a few microseconds a word, and it runs for every
// word of every section, while standards share a vocabulary of a few thousand words: remembering
// stems took the 5,000-standard build in bench/standards.ts from 13 s back to 7 s (6.6 s without
// stemming). Cleared when full, so text with endless distinct words cannot grow it without bound.
const STEM_CACHE_MAX = 50_000;
const stems = new Map<string, string>();

/** The stem of a lower-cased word. */
function stemOf(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    // Letters only: numbers, versions and ids (p99, sha256, http3) are not English words, and
    // the stemmer uses the digit 3 internally as a marker (it turns http3 into httpi).
    s = /^\p{L}+$/u.test(word) ? stem(word) : word;
    if (stems.size >= STEM_CACHE_MAX) stems.clear();
    stems.set(word, s);
  }
  return s;
}

/** A query's words as `processTerm` makes them, each once. */
function queryTerms(query: string): string[] {
  return [...new Set(tokenize(query).map(processTerm).filter((t): t is string => !!t))];
}

/**
 * Ranked full-text search over the approved standards, by section, kept in memory.
 *
 * The engine is MiniSearch (BM25+ over the fields heading, title and text, boosted 2 / 1.5 / 1),
 * chosen over sql.js FTS4 by measurement (docs/standards.md, bench/standards.ts): its queries
 * were 1.5 to 2.5 times as fast, and it adds and discards one standard at a time without a
 * rebuild. The index is rebuilt from the files at start (not persisted: hundreds of standards
 * index in well under a second) and follows them through `refreshPath`, which `watch()`
 * (node:fs.watch per folder) calls, in the editor and in the CLI alike.
 *
 * Invariant: reads and index updates of one file run one after another, and each one reads
 * the disk as it is when it starts, so the last event for a file always leaves the index
 * matching the file, whatever order events arrive in.
 */
export class StandardsIndex implements Disposable {
  readonly events = new TypedEmitter<StandardsIndexEvents>();
  /** Absolute path of `.agent-os/standards`. */
  readonly folder: string;
  private readonly engine = new MiniSearch<IndexedSection>({
    fields: ['heading', 'title', 'text'],
    storeFields: [],
    tokenize,
    processTerm,
    searchOptions: { boost: { ...FIELD_BOOST }, combineWith: 'OR' },
  });
  private readonly sections = new Map<number, IndexedSection>();
  private readonly files = new Map<string, IndexedFile>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly watchers: Disposable[] = [];
  private nextId = 1;
  private started: Promise<void> | undefined;
  private disposed = false;

  constructor(
    private readonly options: {
      workspaceRoot: string;
      log?: (line: string) => void;
    },
  ) {
    this.folder = join(options.workspaceRoot, ...STANDARDS_FOLDER.split('/'));
  }

  /** Reads every standard once; later calls return the same promise. Never rejects. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const t0 = performance.now();
      await this.resync();
      this.events.emit('standards:ready', { files: this.files.size, sections: this.sections.size, ms: performance.now() - t0 });
    })();
    return this.started;
  }

  get size(): { files: number; sections: number } {
    return { files: this.files.size, sections: this.sections.size };
  }

  /** Problems of the indexed files (broken front matter and the like), by file. */
  get problems(): StandardProblem[] {
    return [...this.files.values()].flatMap((f) => f.problems);
  }

  async search(query: StandardsQuery): Promise<StandardHit[]> {
    const t0 = performance.now();
    await this.start();
    const domain = query.domain?.trim().toLowerCase();
    const tags = (query.tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean);
    const filtered = domain || tags.length > 0;
    const results = this.engine.search(query.query, {
      filter: filtered
        ? (r) => {
            const s = this.sections.get(r.id as number);
            return !!s && (!domain || s.domain === domain) && tags.every((t) => s.tags.includes(t));
          }
        : undefined,
    });
    const hits: StandardHit[] = [];
    for (const r of results) {
      if (hits.length >= query.limit) break;
      const s = this.sections.get(r.id as number);
      if (!s) continue;
      hits.push({ path: s.path, heading: s.heading, snippet: snippetOf(s.text, query.query), domain: s.domain, tags: s.tags, title: s.standardTitle, line: s.line, score: Math.round(r.score * 1000) / 1000 });
    }
    this.events.emit('standards:searched', { query: query.query, hits: hits.length, ms: performance.now() - t0 });
    return hits;
  }

  /** Indexes a new standard (absolute or workspace-relative path). Same as `update`. */
  add(file: string): Promise<void> {
    return this.refreshPath(file);
  }

  /** Re-reads a standard; a file that is gone is removed. */
  update(file: string): Promise<void> {
    return this.refreshPath(file);
  }

  /** Drops a standard, or every standard under a folder. */
  async remove(path: string): Promise<void> {
    const rel = this.relativePath(path);
    if (rel === undefined) return;
    await Promise.all(this.indexedUnder(rel).map((p) => this.serial(p, async () => this.drop(p))));
  }

  /**
   * Brings the index in line with whatever is at `path` now: a standard is (re)indexed, a folder
   * re-scanned, something gone removed (with everything under it). Watchers call this for every
   * event, of any kind; paths outside the standards folder are ignored, except its ancestors,
   * which mean the folder itself may have come or gone.
   */
  async refreshPath(path: string): Promise<void> {
    if (this.disposed) return;
    const abs = isAbsolute(path) ? path : join(this.options.workspaceRoot, path);
    const rel = this.relativePath(abs);
    if (rel === undefined) {
      if (isAncestor(abs, this.folder)) await this.resync();
      return;
    }
    const stats = await lstat(abs).catch(() => undefined);
    if (!stats) return this.remove(rel);
    if (stats.isDirectory()) return this.resync(abs);
    if (isStandardName(rel)) await this.serial(rel, () => this.readOne(rel));
  }

  /**
   * Walks the folder (or one folder under it) and re-reads each standard whose size or
   * modification time differs from what was indexed; drops those no longer there. Start uses
   * it to build the index, a watcher to catch up on what changed before it was listening.
   */
  async resync(under: string = this.folder): Promise<void> {
    const prefix = this.relativePath(under) ?? STANDARDS_FOLDER;
    const found = new Map<string, { mtimeMs: number; size: number }>();
    await walk(under, this.options.workspaceRoot, found);
    const stale = this.indexedUnder(prefix).filter((p) => !found.has(p));
    const changed = [...found].filter(([p, st]) => {
      const known = this.files.get(p);
      return !known || known.mtimeMs !== st.mtimeMs || known.size !== st.size;
    });
    await Promise.all(stale.map((p) => this.serial(p, async () => this.drop(p))));
    // A few reads at a time: enough to hide the disk's latency without opening 5,000 files at once.
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < changed.length) {
          const [p] = changed[next++]!;
          await this.serial(p, () => this.readOne(p));
        }
      }),
    );
  }

  /** Follows the folder with node:fs.watch (see StandardsFolderWatcher); the editor and the CLI both use it. */
  watch(options: { persistent?: boolean } = {}): { dispose(): void } {
    const watcher = new StandardsFolderWatcher(this.folder, this.options.workspaceRoot, (p) => void this.refreshPath(p).catch((err: unknown) => this.log(`standards: ${p}: ${String(err)}`)), options);
    this.watchers.push(watcher);
    // Whatever changed between the first read and the watch being armed.
    void this.start().then(() => this.resync());
    return { dispose: () => watcher.dispose() };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.watchers.splice(0)) void w.dispose();
    this.events.removeAll();
  }

  private async readOne(rel: string): Promise<void> {
    if (this.disposed) return;
    const abs = join(this.options.workspaceRoot, ...rel.split('/'));
    const stats = await lstat(abs).catch(() => undefined);
    if (!stats || !stats.isFile()) {
      // Gone, or replaced by a folder or a symbolic link (never followed: it could point outside the workspace).
      this.drop(rel);
      return;
    }
    let parsed: ParsedStandard;
    if (stats.size > MAX_STANDARD_BYTES) {
      parsed = { frontMatter: { tags: [] }, title: rel, sections: [], problems: [{ file: rel, line: 1, message: `larger than ${MAX_STANDARD_BYTES / 1024} KB; not indexed` }] };
    } else {
      // Opened first and checked on the handle: a file swapped for a link or a pipe after the
      // lstat above is refused (dropped), never followed out of the workspace or waited on.
      const read = await readWorkspaceFile(this.options.workspaceRoot, rel, { what: 'standard', maxBytes: MAX_STANDARD_BYTES, followLinks: false }).catch(() => undefined);
      if (read === undefined || this.disposed) return this.drop(rel);
      parsed = parseStandard(read.text, rel);
    }
    const sections = sectionsOf(parsed, rel);
    const folderDomain = domainOfPath(rel);
    if (folderDomain && parsed.frontMatter.domain && parsed.frontMatter.domain.toLowerCase() !== folderDomain) {
      parsed.problems.push({ file: rel, line: 2, message: `front matter domain "${parsed.frontMatter.domain}" differs from the folder "${folderDomain}"; the folder counts` });
    }
    const known = this.files.get(rel);
    if (known) this.discard(known.ids);
    const ids: number[] = [];
    for (const s of sections) {
      const doc = { ...s, id: this.nextId++ };
      this.sections.set(doc.id, doc);
      this.engine.add(doc);
      ids.push(doc.id);
    }
    this.files.set(rel, { ids, problems: parsed.problems, mtimeMs: stats.mtimeMs, size: stats.size });
    for (const p of parsed.problems) this.log(`standard ${p.file}:${p.line}: ${p.message}`);
    this.events.emit('standards:changed', { path: rel, kind: known ? 'changed' : 'added', sections: ids.length, problems: parsed.problems });
  }

  private drop(rel: string): void {
    const known = this.files.get(rel);
    if (!known) return;
    this.discard(known.ids);
    this.files.delete(rel);
    this.events.emit('standards:changed', { path: rel, kind: 'removed', sections: 0, problems: [] });
  }

  private discard(ids: number[]): void {
    for (const id of ids) {
      this.sections.delete(id);
      if (this.engine.has(id)) this.engine.discard(id);
    }
  }

  /** Runs `task` after every earlier task for the same file has finished. */
  private serial(rel: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(rel) ?? Promise.resolve();
    const run = previous.then(task).catch((err: unknown) => this.log(`standards: ${rel}: ${err instanceof Error ? err.message : String(err)}`));
    this.queues.set(rel, run);
    void run.then(() => {
      if (this.queues.get(rel) === run) this.queues.delete(rel);
    });
    return run;
  }

  private indexedUnder(rel: string): string[] {
    return [...this.files.keys()].filter((p) => p === rel || p.startsWith(`${rel}/`));
  }

  /** Workspace-relative posix path of something inside the standards folder; undefined outside it. */
  private relativePath(path: string): string | undefined {
    const abs = isAbsolute(path) ? path : join(this.options.workspaceRoot, path);
    const inFolder = relative(this.folder, abs);
    if (inFolder.startsWith('..') || isAbsolute(inFolder)) return undefined;
    return inFolder === '' ? STANDARDS_FOLDER : `${STANDARDS_FOLDER}/${inFolder.split(sep).join('/')}`;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/** A standard's sections as index documents (the bench indexes exactly these in the other engines). */
export function sectionsOf(parsed: ParsedStandard, rel: string): Omit<IndexedSection, 'id'>[] {
  const domain = domainOfPath(rel) ?? parsed.frontMatter.domain?.toLowerCase() ?? '';
  const tags = [...new Set(parsed.frontMatter.tags)];
  const title = [parsed.title, ...tags].join(' ');
  return parsed.sections.filter((s) => s.text.trim() || s.heading).map((s) => ({ path: rel, heading: s.heading, title, text: s.text, domain, tags, line: s.line, standardTitle: parsed.title }));
}

/** The first folder under the standards folder, if the file is in one. */
function domainOfPath(rel: string): string | undefined {
  const parts = rel.slice(STANDARDS_FOLDER.length + 1).split('/');
  return parts.length > 1 ? parts[0]!.toLowerCase() : undefined;
}

/** `.md`, and not a hidden file: editors and atomic writers use dot-names for their temp files. */
function isStandardName(rel: string): boolean {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  return name.toLowerCase().endsWith('.md') && !name.startsWith('.');
}

function isAncestor(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The temporary name an approval writes before linking the standard into place (standardFile.ts). */
const APPROVAL_TEMP = /^\..+\.md\.[0-9a-f]{12}\.tmp$/;
/** Older than this, an approval's temporary file is not one being written: its process was killed. */
const ABANDONED_TEMP_MS = 60_000;

/** Removes an approval's temporary file left by a killed process (never searched: hidden, not `.md`). */
async function removeIfAbandoned(abs: string): Promise<void> {
  const st = await lstat(abs).catch(() => undefined);
  if (st?.isFile() && Date.now() - st.mtimeMs > ABANDONED_TEMP_MS) await rm(abs, { force: true }).catch(() => undefined);
}

/** Collects the standards under `dir` with their size and mtime; skips hidden entries and symbolic links, and removes abandoned approval temp files. */
async function walk(dir: string, root: string, out: Map<string, { mtimeMs: number; size: number }>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries.map(async (e) => {
      if (e.name.startsWith('.')) {
        if (e.isFile() && APPROVAL_TEMP.test(e.name)) await removeIfAbandoned(join(dir, e.name));
        return;
      }
      const abs = join(dir, e.name);
      if (e.isDirectory()) return walk(abs, root, out);
      if (!e.isFile() || !e.name.toLowerCase().endsWith('.md')) return;
      const st = await lstat(abs).catch(() => undefined);
      if (st?.isFile()) out.set(relative(root, abs).split(sep).join('/'), { mtimeMs: st.mtimeMs, size: st.size });
    }),
  );
}

/**
 * Up to `max` characters of `text` around the first word that matches a word of `query` (the
 * start when none does), on one line, cut at word boundaries and marked with "…" where cut.
 * Words match as the index matches them, by `processTerm`, so a search for `query` shows the
 * sentence that says `queries`.
 */
export function snippetOf(text: string, query: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const wanted = new Set(queryTerms(query));
  let at = -1;
  for (const m of flat.matchAll(/[\p{L}\p{N}]+/gu)) {
    const t = processTerm(m[0]);
    if (t !== null && wanted.has(t)) {
      at = m.index;
      break;
    }
  }
  let start = at < 0 ? 0 : Math.max(0, at - Math.floor(max / 4));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < at ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + max);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}
