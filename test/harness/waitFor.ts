// Condition polling with a deadline, and a promise you resolve from outside.
// Tests synchronise on these (or on events), never on fixed sleeps.

export interface WaitForOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Start of the error message thrown on timeout: `<message> (waited <n> ms)`. */
  message: string;
  /** Pause between polls; 100 ms unless told. */
  intervalMs?: number;
}

/**
 * Polls `cond` until it returns (or resolves to) a truthy value and resolves with that value.
 * A `cond` that throws counts as "not yet"; its last error is appended to the timeout message.
 */
export async function waitFor<T>(
  cond: () => T | Promise<T>,
  options: WaitForOptions,
): Promise<NonNullable<T>> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await cond();
      if (value) {
        return value;
      }
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const now = Date.now();
    if (now >= deadline) {
      const waited = now - started;
      const cause = lastError === undefined ? '' : `; last error: ${errorMessage(lastError)}`;
      throw new Error(`${options.message} (waited ${waited} ms)${cause}`);
    }
    await delay(Math.min(interval, deadline - now));
  }
}

/** Races `promise` against a deadline; rejects with `<message> (waited <n> ms)` when it passes. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (waited ${Date.now() - started} ms)`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
  /** True once resolve or reject has been called. */
  readonly settled: boolean;
}

export function deferred<T>(): Deferred<T> {
  let resolveFn!: (value: T) => void;
  let rejectFn!: (reason: unknown) => void;
  let settled = false;
  const promise = new Promise<T>((resolve, reject) => {
    resolveFn = resolve;
    rejectFn = reject;
  });
  // A deferred nobody awaits must not crash the process with an unhandled rejection.
  promise.catch(() => undefined);
  return {
    promise,
    resolve(value: T) {
      if (!settled) {
        settled = true;
        resolveFn(value);
      }
    },
    reject(reason: unknown) {
      if (!settled) {
        settled = true;
        rejectFn(reason);
      }
    },
    get settled() {
      return settled;
    },
  };
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    return err.message;
  }
  return String(err);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
