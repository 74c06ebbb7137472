import { PersonaError } from '../core/errors';
import type { StoreOwner } from '../jobs/storeLock';

/** How often a read-only window tries to take the store over: the lock costs one mkdir to try. */
export const TAKEOVER_INTERVAL_MS = 3000;

export interface StoreWaiterOptions<T> {
  /** Opens the store as its owner; throws STORE_LOCKED while another process owns it. */
  open: () => Promise<T>;
  /** Who owns the store now (.agent-os/owner.json), for the read-only message. */
  owner: () => StoreOwner | undefined;
  /** Called with why this window is read-only, again when that changes, and with undefined once it owns the store. */
  onReadOnly: (refusal: PersonaError | undefined) => void;
  /** Undoes `open` when the waiter was stopped while an attempt was under way. */
  close: (opened: T) => Promise<void>;
  intervalMs?: number;
}

/**
 * A second window on a folder whose store another window (or the CLI) owns: instead of failing,
 * it is read-only and says why, and tries again every few seconds, so it becomes a normal
 * window by itself once the owner closes or dies (a dead owner's lock is taken over at once,
 * see StoreLock). `opened` settles with the store once owned, undefined when stopped first, or
 * rejects with any error other than STORE_LOCKED.
 */
export class StoreWaiter<T> {
  readonly opened: Promise<T | undefined>;
  private refusalNow: PersonaError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private attempt: Promise<void> = Promise.resolve();
  private settle!: (value: T | undefined) => void;
  private fail!: (err: unknown) => void;

  constructor(private readonly options: StoreWaiterOptions<T>) {
    this.opened = new Promise<T | undefined>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    this.attempt = this.tryOpen();
  }

  /** Why this window is read-only now; undefined before the first answer and once it owns the store. */
  get refusal(): PersonaError | undefined {
    return this.refusalNow;
  }

  private async tryOpen(): Promise<void> {
    let opened: T;
    try {
      opened = await this.options.open();
    } catch (err) {
      if (this.stopped) return this.settle(undefined);
      if (!(err instanceof PersonaError && err.code === 'STORE_LOCKED')) return this.fail(err);
      const refusal = readOnlyRefusal(this.options.owner());
      if (refusal.message !== this.refusalNow?.message) {
        this.refusalNow = refusal;
        this.options.onReadOnly(refusal);
      }
      this.timer = setTimeout(() => {
        this.attempt = this.tryOpen();
      }, this.options.intervalMs ?? TAKEOVER_INTERVAL_MS);
      return;
    }
    if (this.stopped) {
      await this.options.close(opened).catch(() => undefined);
      return this.settle(undefined);
    }
    if (this.refusalNow) {
      this.refusalNow = undefined;
      this.options.onReadOnly(undefined);
    }
    this.settle(opened);
  }

  /** Stops trying; an attempt under way is waited for and undone. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.settle(undefined);
    await this.attempt;
  }
}

/** "Read-only: another VS Code window owns this folder's persona jobs (process N, since HH:MM)." */
export function readOnlyRefusal(owner: StoreOwner | undefined): PersonaError {
  if (!owner) {
    return new PersonaError('STORE_LOCKED', 'Read-only: another process owns this folder\'s persona jobs.', 'Close the other VS Code window or CLI using this folder: this window takes over by itself within a few seconds.');
  }
  const window = owner.kind.startsWith('VS Code');
  const who = window ? 'another VS Code window' : `another process (${owner.kind})`;
  const since = new Date(owner.since);
  const hhmm = `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
  return new PersonaError(
    'STORE_LOCKED',
    `Read-only: ${who} owns this folder's persona jobs (process ${owner.pid}, since ${hhmm}).`,
    window ? 'Use that window, or close it: this one takes over by itself within a few seconds.' : 'Wait for it to finish, or stop it: this window takes over by itself within a few seconds.',
  );
}
