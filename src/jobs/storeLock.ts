import { rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';
import { PersonaError } from '../core/errors';
import { readOwnFile, writePrivateFile } from '../core/ownFile';
import { ownerProcessIsGone, processStartMs } from './ownerProcess';

export interface StoreOwner {
  pid: number;
  host: string;
  /** Who holds the store: "VS Code" or "CLI". */
  kind: string;
  since: number;
  /**
   * When the owner process started, ms since the epoch (Linux: /proc/self/stat); absent
   * elsewhere and in records written before it was kept. A process with the owner's pid that
   * started at another time is not the owner (the pid was reused).
   */
  started?: number;
}

const LOCK_TARGET = 'jobs';
const OWNER_FILE = 'owner.json';
/** proper-lockfile refreshes the lock's mtime this often; a lock this much older is stale. */
const STALE_MS = 10_000;
/**
 * How far in the future a lock's mtime may be and still count as being refreshed. An owner on
 * this machine dates the lock by the same clock, at most a second ahead (mtimes rounded up to
 * whole seconds), and a clock stepped back (NTP after a laptop resumes) leaves the last refresh
 * ahead only until the next one, 2.5 s later; 30 s covers both with margin and a modest skew of
 * an owner on another host of a shared folder. A date further ahead was never written by a
 * refresh (a lock copied by an archive that keeps mtimes, or planted): it is taken over.
 * Within the slack, a planted lock holds the store for at most 40 s, and a proxy still refuses
 * to follow an endpoint that fails its own checks (src/mcp/endpointTrust.ts).
 */
export const FUTURE_SLACK_MS = 30_000;

/**
 * One process owns a workspace's job store. The lock itself is proper-lockfile's (an atomic
 * mkdir, refreshed while held, stale when its owner stops refreshing); `owner.json` beside it
 * names the owner, so a refusal can say who, and a lock whose owner process is gone (same
 * host, and no process has the pid, or it is a zombie, or the process with that pid is not
 * the one that took the lock: see ownerProcessIsGone) is taken over at once instead of after
 * the stale period, so a restart right after a crash serves at once. A lock dated
 * in the future is not one being refreshed and is taken over too, so an owner.json naming
 * another host protects only a lock whose owner keeps it fresh.
 */
export class StoreLock {
  private constructor(
    private readonly dir: string,
    private readonly release: () => Promise<void>,
  ) {}

  static async acquire(dir: string, kind: string, onLost: (err: Error) => void, log: (line: string) => void = () => undefined): Promise<StoreLock> {
    const target = join(dir, LOCK_TARGET);
    const lockDir = `${target}.lock`;
    const options: lockfile.LockOptions = { realpath: false, stale: STALE_MS, update: STALE_MS / 4, retries: 0, onCompromised: onLost };
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(target, options);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ELOCKED') throw err;
      const owner = readOwner(dir);
      const ahead = msInFuture(lockDir);
      if (ahead > FUTURE_SLACK_MS) {
        log(`The store's lock (.agent-os/jobs.lock) is dated ${Math.round(ahead / 1000)} s in the future, so no owner is refreshing it (copied or planted); taking the store over.`);
      } else if (owner && recordPredatesLock(dir, lockDir)) {
        // Another process has just taken a dead owner's store over and not yet written its
        // record: the record names the dead owner, not this lock's (removing the lock now
        // would give the store two owners).
        throw lockedBy(undefined);
      } else if (!owner || !ownerIsGone(owner)) {
        throw lockedBy(owner);
      }
      // The owner died without releasing, or the lock was never a live owner's: ours to take.
      // (Judged and removed in one synchronous step, as proper-lockfile removes a stale lock.)
      rmSync(lockDir, { recursive: true, force: true });
      try {
        release = await lockfile.lock(target, options);
      } catch (again) {
        // Another process took it over between the two steps; it owns the store now.
        if ((again as { code?: string }).code === 'ELOCKED') throw lockedBy(readOwner(dir));
        throw again;
      }
    }
    const owner: StoreOwner = { pid: process.pid, host: hostname(), kind, since: Date.now(), started: processStartMs('self') };
    writePrivateFile(join(dir, OWNER_FILE), JSON.stringify(owner, null, 2));
    return new StoreLock(dir, release);
  }

  async dispose(): Promise<void> {
    rmSync(join(this.dir, OWNER_FILE), { force: true });
    await this.release().catch(() => undefined);
  }
}

function lockedBy(owner: StoreOwner | undefined): PersonaError {
  return new PersonaError(
    'STORE_LOCKED',
    owner
      ? `This workspace's job store (.agent-os) is in use by ${owner.kind} (process ${owner.pid} on ${owner.host}, since ${new Date(owner.since).toISOString()}).`
      : 'This workspace\'s job store (.agent-os) is locked by another process.',
    'Close the other VS Code window or CLI using this folder, or wait for it to finish; a lock left by a crashed process is taken over automatically.',
  );
}

/** The owner as owner.json names it; undefined when it is missing or not an owner record (a planted file is only text). */
export function readOwner(dir: string): StoreOwner | undefined {
  const read = readOwnFile(join(dir, OWNER_FILE), { maxBytes: 4096, private: false });
  if (read.kind !== 'read') return undefined;
  try {
    const o = JSON.parse(read.text) as Partial<StoreOwner>;
    const valid =
      Number.isSafeInteger(o.pid) && o.pid! > 0 &&
      typeof o.host === 'string' && o.host.length <= 255 &&
      typeof o.kind === 'string' && o.kind.length <= 64 &&
      typeof o.since === 'number' && Number.isFinite(new Date(o.since).getTime()) &&
      (o.started === undefined || (typeof o.started === 'number' && Number.isFinite(o.started)));
    return valid ? (o as StoreOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** How far the lock's mtime is ahead of this clock (negative when it is in the past). */
function msInFuture(lockDir: string): number {
  try {
    return statSync(lockDir).mtimeMs - Date.now();
  } catch {
    return 0;
  }
}

/**
 * True when owner.json was last written before the lock now there was made (the lock's
 * birth time; where the file system keeps none, never): a lock's owner writes its record
 * right after making the lock, so an older record is a previous owner's.
 */
function recordPredatesLock(dir: string, lockDir: string): boolean {
  try {
    const born = statSync(lockDir).birthtimeMs;
    return born > 0 && born > statSync(join(dir, OWNER_FILE)).mtimeMs;
  } catch {
    return false;
  }
}

function ownerIsGone(owner: StoreOwner): boolean {
  return owner.host === hostname() && ownerProcessIsGone(owner);
}
