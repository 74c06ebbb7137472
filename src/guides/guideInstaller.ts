import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOwnFile, writePrivateFile } from '../core/ownFile';
import { ensurePrivateFolder, PRIVATE_FOLDER } from '../core/privateFolder';

/** The guide's name in the workspace's `.agent-os/`, and as the build ships it in `dist/`. */
export const GUIDE_FILE = 'persona-guide.md';
/** What we last wrote there (its hash and version) and which version's edit was already told. Ours alone. */
export const GUIDE_STATE_FILE = 'persona-guide.state.json';
/** Where the guide is read from by people who do not have it (an edited copy points there). */
export const GUIDE_URL = 'https://github.com/agent-os/agent-os-personas/blob/main/docs/persona-guide.md';

/** A guide is a few tens of KB; anything far larger at that path is not ours to read whole. */
const MAX_GUIDE_BYTES = 4 * 1024 * 1024;
const MAX_STATE_BYTES = 4096;

/** What installing the guide did. Only `edited` is meant to be told to the user, and it comes once per version. */
export type GuideOutcome =
  | { kind: 'installed'; version: string }
  | { kind: 'updated'; version: string }
  | { kind: 'current'; version: string }
  /** The user changed the file and this version brings a new guide: it was not written; say so (once). */
  | { kind: 'edited'; version: string }
  /** The user's copy is kept and there is nothing new to say (told before, or no new guide). */
  | { kind: 'kept'; version: string }
  /** Nothing was written: the path is a link, not a regular file, or cannot be read; `reason` says which. */
  | { kind: 'refused'; version: string; reason: string };

interface GuideState {
  /** sha256 of the text we last wrote. */
  sha256?: string;
  /** The version that wrote it. */
  version?: string;
  /** The version whose "you edited it" was already told. */
  told?: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function readState(dir: string): GuideState {
  const read = readOwnFile(join(dir, GUIDE_STATE_FILE), { maxBytes: MAX_STATE_BYTES, private: true });
  if (read.kind !== 'read') return {};
  try {
    const value: unknown = JSON.parse(read.text);
    if (typeof value !== 'object' || value === null) return {};
    const v = value as Record<string, unknown>;
    const text = (key: string): string | undefined => (typeof v[key] === 'string' ? v[key] : undefined);
    return { sha256: text('sha256'), version: text('version'), told: text('told') };
  } catch {
    // A state file we cannot parse proves nothing: the guide there is then treated as the user's.
    return {};
  }
}

function writeState(dir: string, state: GuideState): void {
  writePrivateFile(join(dir, GUIDE_STATE_FILE), `${JSON.stringify(state)}\n`);
}

/**
 * Puts the shipped persona guide at `.agent-os/persona-guide.md`, or brings it up to date,
 * unless the user edited it. An edit is told from a copy of ours by the hash of what we last
 * wrote (kept in `.agent-os/persona-guide.state.json`); a file there that we cannot prove is
 * ours is the user's, and is never overwritten. A symbolic link (or anything but a regular file)
 * at the guide's path is refused, not followed; a write is a new file renamed into place, so a
 * link planted in between is replaced rather than written through.
 */
export function installPersonaGuide(options: { workspaceRoot: string; text: string; version: string }): GuideOutcome {
  const { text, version } = options;
  const dir = join(options.workspaceRoot, PRIVATE_FOLDER);
  const folder = privateFolderProblem(dir);
  if (folder) return { kind: 'refused', version, reason: folder };
  const target = join(dir, GUIDE_FILE);
  const existing = readOwnFile(target, { maxBytes: MAX_GUIDE_BYTES, private: false });
  if (existing.kind === 'refused') return { kind: 'refused', version, reason: existing.reason };
  const state = readState(dir);
  const shipped = sha256(text);
  if (existing.kind === 'missing') {
    writePrivateFile(target, text);
    writeState(dir, { sha256: shipped, version });
    return { kind: 'installed', version };
  }
  const found = sha256(existing.text);
  if (found === shipped) {
    if (state.sha256 !== shipped || state.version !== version) writeState(dir, { ...state, sha256: shipped, version });
    return { kind: 'current', version };
  }
  if (state.sha256 !== undefined && found === state.sha256) {
    writePrivateFile(target, text);
    writeState(dir, { sha256: shipped, version });
    return { kind: 'updated', version };
  }
  // The user's text. Nothing new to offer (this version wrote the guide they edited), or already told: quiet.
  if (state.sha256 === shipped || state.told === version) return { kind: 'kept', version };
  writeState(dir, { ...state, told: version });
  return { kind: 'edited', version };
}

/** Why `.agent-os` cannot hold the guide (a link, a file), or undefined when it is our folder; made when missing. */
function privateFolderProblem(dir: string): string | undefined {
  try {
    const info = lstatSync(dir);
    if (info.isSymbolicLink()) return `${PRIVATE_FOLDER} is a symbolic link`;
    if (!info.isDirectory()) return `${PRIVATE_FOLDER} is not a folder`;
    return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return `${PRIVATE_FOLDER} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    ensurePrivateFolder(dir);
    return undefined;
  }
}

/**
 * The shipped guide and the version it belongs to: `dist/persona-guide.md` (the build copies
 * docs/persona-guide.md there) and package.json's version, in the extension's or the CLI's
 * package folder. Undefined when the guide is not there (a build without it).
 */
export function shippedGuide(packageRoot: string): { text: string; version: string } | undefined {
  try {
    const text = readFileSync(join(packageRoot, 'dist', GUIDE_FILE), 'utf8');
    const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version?: unknown };
    return { text, version: typeof manifest.version === 'string' ? manifest.version : '0.0.0' };
  } catch {
    return undefined;
  }
}

/**
 * Installs the shipped guide into the workspace (see installPersonaGuide). A failure to write is
 * an outcome, never a throw: the guide is a convenience and must not stop the editor or a review.
 */
export function installShippedGuide(packageRoot: string, workspaceRoot: string): GuideOutcome | undefined {
  const guide = shippedGuide(packageRoot);
  if (!guide) return undefined;
  try {
    return installPersonaGuide({ workspaceRoot, ...guide });
  } catch (err) {
    return { kind: 'refused', version: guide.version, reason: `it could not be written (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/** The one line a person should read about the outcome, or undefined when there is nothing to say. */
export function guideMessage(outcome: GuideOutcome | undefined): string | undefined {
  if (outcome?.kind === 'edited') {
    return `${PRIVATE_FOLDER}/${GUIDE_FILE} has your edits, so the persona guide of version ${outcome.version} was not written over it. Read the new guide at ${GUIDE_URL}, or delete the file to have it installed again.`;
  }
  if (outcome?.kind === 'refused') return `${PRIVATE_FOLDER}/${GUIDE_FILE} was not written: ${outcome.reason}.`;
  return undefined;
}
