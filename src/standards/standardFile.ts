import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PersonaError } from '../core/errors';
import { readOwnFile } from '../core/ownFile';
import { isReservedName, resolveUnder } from '../core/workspacePath';
import { STANDARD_SLUG } from './proposalStore';

/** Where approved standards live, relative to the workspace root. */
export const STANDARDS_DIR = '.agent-os/standards';

export interface StandardFileLocation {
  /** `.agent-os/standards/<domain>/<topic>.md`, with "/" on every OS. */
  relative: string;
  absolute: string;
}

/**
 * The file a standard named `domain`/`topic` is written to. Each name must be a slug; the
 * common attacks are refused first with their own reason (a message that says "it climbs out
 * with '..'" helps more than "not a slug"), then the whole path goes through the workspace's
 * one path validator, which also refuses a symbolic link out of `.agent-os/`.
 */
export function standardFilePath(workspaceRoot: string, domain: string, topic: string): StandardFileLocation {
  checkName('domain', domain);
  checkName('topic', topic);
  const relative = `${STANDARDS_DIR}/${domain}/${topic}.md`;
  return { relative, absolute: resolveUnder(workspaceRoot, '.agent-os', relative, 'standard file') };
}

function checkName(field: 'domain' | 'topic', value: unknown): void {
  const refuse = (why: string): never => {
    throw new PersonaError(
      'PATH_REFUSED',
      `The ${field} "${String(value).replace(/\0/g, '\\0').slice(0, 80)}" was refused: ${why}.`,
      `Use lower-case letters, digits and hyphens for the ${field}, starting with a letter or digit (at most 64), e.g. "${field === 'domain' ? 'security' : 'api-errors'}".`,
    );
  };
  if (typeof value !== 'string') return refuse('it is not text');
  if (value.includes('\0')) refuse('it contains a NUL character');
  if (value.trim() === '') refuse('it is empty');
  if (value.includes('..')) refuse('it climbs out with ".."');
  if (/^([a-zA-Z]:|~)/.test(value)) refuse('it is an absolute path');
  if (/[/\\]/.test(value)) refuse(value.startsWith('/') ? 'it is an absolute path' : 'it contains a path separator; a standard is one file in one domain folder');
  if (isReservedName(value) || (field === 'topic' && isReservedName(`${value}.md`))) refuse('it is a reserved device name on Windows');
  if (!STANDARD_SLUG.test(value)) refuse('it is not a slug');
}

export interface StandardFields {
  domain: string;
  topic: string;
  title: string;
  tags: string[];
  /** The persona, agent or "person" that proposed it. */
  createdBy: string;
  /** The person who approved it: from git or the OS, never from the proposal. */
  approvedBy: string;
  createdAt: number;
  approvedAt: number;
  proposalId: string;
  body: string;
}

/** A leading YAML front-matter block in a body (the file's own comes from StandardFields only). */
const LEADING_FRONT_MATTER = /^\uFEFF?---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/;

/** The body without a leading front-matter block, and whether one was there. */
export function stripFrontMatter(body: string): { body: string; dropped: boolean } {
  const match = LEADING_FRONT_MATTER.exec(body);
  return match ? { body: body.slice(match[0].length).replace(/^\s*\n/, ''), dropped: true } : { body, dropped: false };
}

/**
 * The standard's file: YAML front matter built only from `fields` (so an `approved_by` a
 * proposal wrote into its body never reaches it: a leading block is dropped, anything later
 * is plain markdown text), the title as a heading unless the body starts with one, the body.
 */
export function composeStandard(fields: StandardFields): string {
  const frontMatter = stringify(
    {
      domain: fields.domain,
      topic: fields.topic,
      title: fields.title,
      tags: fields.tags,
      created_by: fields.createdBy,
      approved_by: fields.approvedBy,
      created_at: new Date(fields.createdAt).toISOString(),
      approved_at: new Date(fields.approvedAt).toISOString(),
      proposal_id: fields.proposalId,
    },
    { lineWidth: 0 },
  );
  const body = stripFrontMatter(fields.body).body.trim();
  const heading = /^#\s/.test(body) ? '' : `# ${fields.title}\n\n`;
  return `---\n${frontMatter}---\n\n${heading}${body}\n`;
}

/**
 * Writes a new file atomically and never replaces one: the text goes to a temporary file in
 * the same folder (created with `wx`), is fsync'd, then hard-linked to its name, which fails
 * with EEXIST when the name is taken, whoever took it and however recently. A file system
 * without hard links falls back to check-then-rename (a narrow race, said here so nobody
 * relies on it there). The folder is fsync'd so the name survives a crash.
 * Temporary names start with "." and end with ".tmp", so a watcher of `*.md` ignores them.
 */
export async function writeNewFile(location: StandardFileLocation, text: string): Promise<void> {
  try {
    await writeNewFileOnce(location, text);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    // The temporary file is already gone (see below); say so, in the user's terms, without the machine's path.
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new PersonaError('STORE_DISK_FULL', `The disk holding ${location.relative} is full; the standard was not written and no partial file was left.`, 'Free some space on that disk, then approve the proposal again (it is still pending). Nothing saved before was lost.');
    }
    throw err;
  }
}

async function writeNewFileOnce(location: StandardFileLocation, text: string): Promise<void> {
  const exists = (): PersonaError => new PersonaError('STANDARD_EXISTS', `A standard already exists at ${location.relative}.`, 'An approved standard is never overwritten: pick another topic, or edit that file itself to change it.');
  if (existsSync(location.absolute)) throw exists();
  const dir = dirname(location.absolute);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(location.absolute)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, location.absolute);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw exists();
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(code ?? '')) throw err;
      if (existsSync(location.absolute)) throw exists();
      await rename(temp, location.absolute);
    }
  } finally {
    await rm(temp, { force: true });
  }
  await syncFolder(dir);
}

async function syncFolder(dir: string): Promise<void> {
  // Opening a folder to fsync it works on Linux and macOS; Windows refuses, and NTFS does not need it.
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/**
 * Whether the file at `location` was written by an approval of this proposal that stopped
 * (a crash, a kill) before its row was recorded: a regular file, not a link, whose front matter
 * names the proposal. Such a file is that unfinished decision's, not another standard.
 */
export function isUnrecordedApprovalOf(location: StandardFileLocation, proposalId: string): boolean {
  const read = readOwnFile(location.absolute, { maxBytes: 1024 * 1024, private: false });
  if (read.kind !== 'read') return false;
  const match = LEADING_FRONT_MATTER.exec(read.text);
  if (!match) return false;
  try {
    const fields = parse(match[0].replace(/^\uFEFF?---\r?\n/, '').replace(/\r?\n---[ \t]*(\r?\n|$)$/, '')) as { proposal_id?: unknown } | null;
    return fields?.proposal_id === proposalId;
  } catch {
    return false;
  }
}

/** The first `<topic>-N` (N from 2) that has no standard yet, to offer after STANDARD_EXISTS. */
export function suggestTopic(workspaceRoot: string, domain: string, topic: string): string {
  const base = topic.replace(/-\d+$/, '').slice(0, 60) || 'standard';
  for (let n = 2; n < 1000; n++) {
    const candidate = `${base}-${n}`;
    try {
      if (!existsSync(standardFilePath(workspaceRoot, domain, candidate).absolute)) return candidate;
    } catch {
      return candidate;
    }
  }
  return `${base}-${Date.now()}`;
}
