import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';
import { z } from 'zod';
import { writeFileAtomically } from '../core/atomicFile';
import { PersonaError } from '../core/errors';
import { readOwnFile } from '../core/ownFile';
import { PRIVATE_FOLDER } from '../core/privateFolder';
import { jsonErrorOffset, jsonValueOffsets, lineAt } from './jsonPositions';
import { DISMISS_REASONS, type Suppression, type SuppressionsRead } from './types';
// Registers SUPPRESSIONS_INVALID in the error codes' union.
import './findingErrors';

/** As every message names it: the path a person opens and commits. */
export const SUPPRESSIONS_PATH = `${PRIVATE_FOLDER}/suppressions.json`;
const FILE_NAME = 'suppressions.json';
/** A team's file holds hundreds of entries at most; anything far larger was not written by us or by hand. */
const MAX_BYTES = 4 * 1024 * 1024;
/** proper-lockfile refreshes the lock's mtime while held; a lock this much older is a crashed writer's. */
const STALE_MS = 10_000;

// Loose objects: a key the team adds by hand (a ticket, a link) is kept when the file is rewritten.
const entrySchema = z.looseObject({
  fingerprint: z.string().min(1).max(128),
  persona: z.string().min(1).max(200),
  title: z.string().max(1000),
  file: z.string().max(1000).nullable(),
  reason: z.enum(DISMISS_REASONS),
  note: z.string().max(4000),
  by: z.string().max(300),
  at: z.string().refine((s) => Number.isFinite(Date.parse(s)), 'expected a date such as "2026-01-31T12:00:00.000Z"'),
});
const fileSchema = z.looseObject({ version: z.literal(1), suppressions: z.array(entrySchema) });

type Document = z.infer<typeof fileSchema>;

export function suppressionsFile(workspaceRoot: string): string {
  return join(workspaceRoot, PRIVATE_FOLDER, FILE_NAME);
}

/** The file as it reads now: entries when it validates, else an error naming the file and the line, and no entries. */
export function readSuppressions(workspaceRoot: string): SuppressionsRead {
  return readDocument(workspaceRoot).read;
}

function readDocument(workspaceRoot: string): { read: SuppressionsRead; document: Document | null } {
  const file = readOwnFile(suppressionsFile(workspaceRoot), { maxBytes: MAX_BYTES, private: false });
  if (file.kind === 'missing') return { read: { entries: [], error: null }, document: null };
  if (file.kind === 'refused') return invalid(`${SUPPRESSIONS_PATH} cannot be read: ${file.reason}`, null);
  const text = file.text.replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const { line, reason } = parseFailure(text, err);
    return invalid(`${SUPPRESSIONS_PATH} line ${line} is not valid JSON (${reason})`, line);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const line = lineOfPath(text, path);
    return invalid(`${SUPPRESSIONS_PATH} line ${line}: ${describePath(path)}: ${oneLine(issue.message)}`, line);
  }
  return { read: { entries: parsed.data.suppressions, error: null }, document: parsed.data };
}

function invalid(problem: string, line: number | null): { read: SuppressionsRead; document: null } {
  return { read: { entries: [], error: { message: `${problem}. Nothing is suppressed until it is fixed; the file is not rewritten meanwhile.`, line } }, document: null };
}

/**
 * The line the text stops being JSON at. V8's message says what is wrong, but names a position
 * only for some faults (not for a stray word at the start, say), so the place is found here.
 */
function parseFailure(text: string, err: unknown): { line: number; reason: string } {
  const message = err instanceof Error ? err.message : String(err);
  const reason = oneLine(message.replace(/\s*in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'the file ends too early'));
  const at = jsonErrorOffset(text) ?? Number(/at position (\d+)/.exec(message)?.[1] ?? text.length);
  // Input that ends too early is reported on its last written line, not the blank one after it.
  return { line: lineAt(text, Math.min(at, Math.max(0, text.trimEnd().length - 1))), reason };
}

/** The line of the deepest part of `path` the file holds (a missing key: its entry's line). */
function lineOfPath(text: string, path: (string | number)[]): number {
  const offsets = jsonValueOffsets(text);
  for (let n = path.length; n >= 0; n--) {
    const at = offsets.get(JSON.stringify(path.slice(0, n)));
    if (at !== undefined) return lineAt(text, at);
  }
  return 1;
}

/** `suppressions[1].reason` as "entry 2, reason", the way a person counts. */
function describePath(path: (string | number)[]): string {
  if (path.length === 0) return 'the file';
  if (path[0] === 'suppressions' && typeof path[1] === 'number') {
    const rest = path.slice(2).join('.');
    return `entry ${path[1] + 1}${rest ? `, "${rest}"` : ''}`;
  }
  return `"${path.join('.')}"`;
}

/**
 * Adds (or replaces: the same fingerprint dismissed again) an entry, under a lock so concurrent
 * dismissals, from this process or another, all land. A file that does not validate is never
 * rewritten: the hand edit would be lost. Written to a temporary file, synced, then renamed over
 * the old one, sorted by file then title so the committed file's diffs stay small.
 */
export async function addSuppression(workspaceRoot: string, entry: Suppression): Promise<SuppressionsRead> {
  const folder = join(workspaceRoot, PRIVATE_FOLDER);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const target = suppressionsFile(workspaceRoot);
  const release = await lockfile.lock(target, {
    realpath: false,
    stale: STALE_MS,
    update: STALE_MS / 4,
    retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 100 },
  });
  try {
    const { read, document } = readDocument(workspaceRoot);
    if (read.error) throw invalidError(read.error.message);
    const kept = read.entries.filter((e) => e.fingerprint !== entry.fingerprint);
    const suppressions = [...kept, entry].sort(
      (a, b) => (a.file ?? '').localeCompare(b.file ?? '') || a.title.localeCompare(b.title) || a.fingerprint.localeCompare(b.fingerprint),
    );
    // 0644: the file is the team's, committed like any other (unlike the store's private files).
    writeFileAtomically(target, `${JSON.stringify({ ...(document ?? {}), version: 1, suppressions }, null, 2)}\n`);
    return { entries: suppressions, error: null };
  } finally {
    await release().catch(() => undefined);
  }
}

export function invalidError(message: string): PersonaError {
  return new PersonaError(
    'SUPPRESSIONS_INVALID',
    message,
    `Fix that line by hand (git diff ${SUPPRESSIONS_PATH} shows what changed) or restore the file with git checkout, then dismiss again.`,
  );
}


/**
 * Who is dismissing: git's `user.name <user.email>` in the workspace (what the team's history
 * shows), else the OS user, else "person". Never taken from the finding or a caller's words.
 */
export async function whoDismisses(workspaceRoot: string): Promise<string> {
  const [name, email] = await Promise.all([gitConfig(workspaceRoot, 'user.name'), gitConfig(workspaceRoot, 'user.email')]);
  if (name) return email ? `${name} <${email}>` : name;
  try {
    return clean(userInfo().username) || 'person';
  } catch {
    return 'person';
  }
}

function gitConfig(cwd: string, key: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('git', ['config', key], { cwd, timeout: 3000, windowsHide: true }, (err, stdout) => resolve(err ? '' : clean(String(stdout))));
  });
}

/** One line of printable text, at most 100 characters. */
function clean(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 100);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 300);
}
