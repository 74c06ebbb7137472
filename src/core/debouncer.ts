import type { Disposable } from './disposable';

/** The timer half of a clock, injectable so tests fire timers themselves instead of waiting. */
export interface Timers {
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemTimers: Timers = {
  // unref: a pending debounce must not keep a CLI process alive.
  setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Runs `action` once, `delayMs` after the last of a burst of `trigger()` calls: one save in an
 * editor fires several file events, and one reload is enough for all of them.
 */
export class Debouncer implements Disposable {
  private handle: unknown;
  private pending = false;
  private disposed = false;

  constructor(
    private readonly delayMs: number,
    private readonly action: () => void,
    private readonly timers: Timers = systemTimers,
  ) {}

  trigger(): void {
    if (this.disposed) return;
    if (this.pending) this.timers.clearTimer(this.handle);
    this.pending = true;
    this.handle = this.timers.setTimer(() => this.flush(), this.delayMs);
  }

  /** Runs the pending action now, if there is one. */
  flush(): void {
    if (!this.pending) return;
    this.timers.clearTimer(this.handle);
    this.pending = false;
    this.action();
  }

  get isPending(): boolean {
    return this.pending;
  }

  dispose(): void {
    if (this.pending) this.timers.clearTimer(this.handle);
    this.pending = false;
    this.disposed = true;
  }
}
