import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as lockfile from 'proper-lockfile';
import { PersonaError } from '../core/errors';

export interface StoreOwner {
  pid: number;
  host: string;
  /** Who holds the store: "VS Code" or "CLI". */
  kind: string;
  since: number;
}

const LOCK_TARGET = 'jobs';
const OWNER_FILE = 'owner.json';
/** proper-lockfile refreshes the lock's mtime this often; a lock this much older is stale. */
const STALE_MS = 10_000;

/**
 * One process owns a workspace's job store. The lock itself is proper-lockfile's (an atomic
 * mkdir, refreshed while held, stale when its owner stops refreshing); `owner.json` beside it
 * names the owner, so a refusal can say who, and a lock whose owner process is gone (same
 * host, pid not alive) is taken over at once instead of after the stale period.
 */
export class StoreLock {
  private constructor(
    private readonly dir: string,
    private readonly release: () => Promise<void>,
  ) {}

  static async acquire(dir: string, kind: string, onLost: (err: Error) => void): Promise<StoreLock> {
    const target = join(dir, LOCK_TARGET);
    const options: lockfile.LockOptions = { realpath: false, stale: STALE_MS, update: STALE_MS / 4, retries: 0, onCompromised: onLost };
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(target, options);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ELOCKED') throw err;
      const owner = readOwner(dir);
      if (!owner || !ownerIsGone(owner)) {
        throw new PersonaError(
          'STORE_LOCKED',
          owner
            ? `The job store in ${dir} is in use by ${owner.kind} (process ${owner.pid} on ${owner.host}, since ${new Date(owner.since).toISOString()}).`
            : `The job store in ${dir} is locked by another process.`,
          'Close the other VS Code window or CLI using this folder, or wait for it to finish; a lock left by a crashed process is taken over automatically.',
        );
      }
      // The owner died without releasing: its lock is ours to take.
      rmSync(`${target}.lock`, { recursive: true, force: true });
      release = await lockfile.lock(target, options);
    }
    const owner: StoreOwner = { pid: process.pid, host: hostname(), kind, since: Date.now() };
    writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner, null, 2));
    return new StoreLock(dir, release);
  }

  async dispose(): Promise<void> {
    rmSync(join(this.dir, OWNER_FILE), { force: true });
    await this.release().catch(() => undefined);
  }
}

export function readOwner(dir: string): StoreOwner | undefined {
  const file = join(dir, OWNER_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoreOwner;
  } catch {
    return undefined;
  }
}

function ownerIsGone(owner: StoreOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return (err as { code?: string }).code === 'ESRCH';
  }
}
