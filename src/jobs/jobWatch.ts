import type { Disposable } from '../core/disposable';
import type { JobStore } from './jobStore';
import { JOB_CHANGE_EVENTS, TERMINAL_STATUSES, type JobSummary } from './types';

export interface SettleOptions {
  /** Give up after this long and resolve with the job as it stands (no limit when absent; 0 answers at once). */
  timeoutMs?: number;
  /** Give up when this aborts (the caller went away), resolving with the job as it stands. */
  signal?: AbortSignal;
  /** Sees the job as it is at first and after each change, until it ends. */
  onChange?: (job: JobSummary) => void;
}

type Listener = (job: JobSummary | undefined) => void;

/**
 * Following one job until it ends, for every surface (progress notifications, MCP waits and
 * task status, the CLI, tests). It holds one subscription per store event and hands each change
 * to the watchers of that job only, so a thousand waiting callers cost one map lookup per event.
 * Nothing polls: a watcher sees the job as it is when it starts, then each change.
 */
export class JobWatch implements Disposable {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly unsubscribers: (() => void)[] = [];

  constructor(private readonly store: JobStore) {
    const dispatch = (job: JobSummary): void => {
      const set = this.listeners.get(job.id);
      if (set) for (const listener of [...set]) listener(job);
    };
    for (const event of JOB_CHANGE_EVENTS) this.unsubscribers.push(store.events.on(event, dispatch));
    // A deleted job (a reset, retention) ends its watches.
    this.unsubscribers.push(
      store.events.on('jobs:removed', () => {
        for (const [id, set] of [...this.listeners]) {
          if (!store.summary(id)) for (const listener of [...set]) listener(undefined);
        }
      }),
    );
  }

  /**
   * The job as it is now, then each change, until it ends (completed, failed, cancelled), is
   * deleted, or `signal` aborts. A consumer slower than the job sees the latest state (progress
   * in between is skipped); the end is always delivered. Throws JOB_NOT_FOUND for an unknown id.
   */
  watch(jobId: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<JobSummary, void, undefined> {
    const { signal } = options;
    const store = this.store;
    const subscribe = (listener: Listener): (() => void) => this.subscribe(jobId, listener);
    // Everything happens inside the generator, so a watch that is never iterated holds nothing.
    return (async function* () {
      let latest: JobSummary | null = null;
      let gone = false;
      let wake: (() => void) | null = null;
      // The first read and the subscription happen in one turn, so no change between them is missed.
      latest = store.requireSummary(jobId);
      const unsubscribe = subscribe((job) => {
        if (job) latest = job;
        else gone = true;
        wake?.();
      });
      const onAbort = (): void => wake?.();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        for (;;) {
          if (signal?.aborted) return;
          if (latest) {
            const job: JobSummary = latest;
            latest = null;
            yield job;
            if (TERMINAL_STATUSES.has(job.status)) return;
            continue;
          }
          if (gone) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
      }
    })();
  }

  /** Resolves with the job once it has ended, or as it stands when the time is up or the signal aborts. */
  async whenSettled(jobId: string, options: SettleOptions = {}): Promise<JobSummary> {
    const { timeoutMs, signal, onChange } = options;
    if (timeoutMs !== undefined && timeoutMs <= 0) {
      const now = this.store.requireSummary(jobId);
      onChange?.(now);
      return now;
    }
    const stop = new AbortController();
    const abort = (): void => stop.abort();
    const timer = timeoutMs === undefined ? undefined : setTimeout(abort, timeoutMs);
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) abort();
    let last: JobSummary | undefined;
    try {
      for await (const job of this.watch(jobId, { signal: stop.signal })) {
        last = job;
        onChange?.(job);
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
    // An ended job is what the watch delivered; a wait cut short reports the job as it stands now.
    if (last && TERMINAL_STATUSES.has(last.status)) return last;
    return this.store.summary(jobId) ?? last ?? this.store.requireSummary(jobId);
  }

  /** How many jobs are being watched now (for tests and diagnostics). */
  get watchedJobs(): number {
    return this.listeners.size;
  }

  dispose(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    for (const set of this.listeners.values()) for (const listener of [...set]) listener(undefined);
    this.listeners.clear();
  }

  private subscribe(jobId: string, listener: Listener): () => void {
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(jobId) === set) this.listeners.delete(jobId);
    };
  }
}
