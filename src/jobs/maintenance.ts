import { PersonaError } from '../core/errors';
import type { Disposable } from '../core/disposable';
import type { JobStore } from './jobStore';
import type { Retention } from './types';

/** Time as the scheduler sees it; tests pass a clock they advance by hand. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface MaintenanceOptions {
  store: JobStore;
  retention: () => Retention;
  /** The size valve: above this many bytes on disk, retention tightens, then new jobs are refused. */
  maxBytes: () => number;
  /** Local time of the daily cleanup. */
  dailyAt?: { hour: number; minute: number };
  clock?: Clock;
  log?: (line: string) => void;
}

export interface MaintenanceReport {
  removed: number;
  bytesOnDisk: number;
  tightenedTo: Retention | null;
  full: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Retention, a daily cleanup (03:00 local by default, and at start when the last run was
 * missed), and the size valve. It runs on a timer, not by polling the store.
 */
export class MaintenanceScheduler implements Disposable {
  private timer: unknown;
  private readonly clock: Clock;
  private running: Promise<MaintenanceReport> | null = null;

  constructor(private readonly options: MaintenanceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Runs now if a daily run was missed, then schedules the next one. */
  async start(): Promise<MaintenanceReport | null> {
    const last = this.options.store.lastCleanupAt();
    const due = this.previousRunTime(this.clock.now());
    const report = last === null || last < due ? await this.runNow() : null;
    this.scheduleNext();
    return report;
  }

  /** One cleanup and valve check; concurrent callers share one run. */
  runNow(): Promise<MaintenanceReport> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<MaintenanceReport> {
    const { store } = this.options;
    let retention = this.options.retention();
    let removed = await store.cleanup(retention);
    let bytes = store.stats().bytesOnDisk;
    const max = this.options.maxBytes();
    let tightenedTo: Retention | null = null;
    if (bytes > max) {
      if (removed > 0) {
        await store.vacuum();
        bytes = store.stats().bytesOnDisk;
      }
      // Halve every retention until the store fits or nothing finished is left to remove.
      while (bytes > max && (retention.completedDays > 0 || retention.failedDays > 0 || retention.cancelledDays > 0)) {
        retention = {
          completedDays: Math.floor(retention.completedDays / 2),
          failedDays: Math.floor(retention.failedDays / 2),
          cancelledDays: Math.floor(retention.cancelledDays / 2),
        };
        tightenedTo = retention;
        const more = await store.cleanup(retention);
        removed += more;
        if (more > 0) await store.vacuum();
        bytes = store.stats().bytesOnDisk;
      }
    }
    const full = bytes > max;
    store.refuseNewJobs(
      full
        ? new PersonaError(
            'STORE_FULL',
            `The job store holds ${(bytes / 1e6).toFixed(1)} MB, over the ${(max / 1e6).toFixed(0)} MB limit, even after removing every finished job it could.`,
            'Raise "agentOsPersonas.jobs.maxStoreMegabytes", or delete old jobs with the MCP tool reset_persona_jobs (confirm: true); queued and running jobs are kept.',
          )
        : null,
    );
    if (removed > 0 || tightenedTo || full) {
      this.options.log?.(`maintenance: removed ${removed} jobs, ${(bytes / 1e6).toFixed(2)} MB on disk${tightenedTo ? `, retention tightened to ${JSON.stringify(tightenedTo)}` : ''}${full ? ', STORE FULL: new jobs refused' : ''}`);
    }
    return { removed, bytesOnDisk: bytes, tightenedTo, full };
  }

  private scheduleNext(): void {
    const now = this.clock.now();
    const next = this.previousRunTime(now) + DAY_MS;
    this.timer = this.clock.setTimer(() => {
      void this.runNow()
        .catch((err: unknown) => this.options.log?.(`maintenance failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => this.scheduleNext());
    }, Math.max(1000, next - now));
  }

  /** The most recent daily run time at or before `now`, in local time. */
  private previousRunTime(now: number): number {
    const at = this.options.dailyAt ?? { hour: 3, minute: 0 };
    const d = new Date(now);
    d.setHours(at.hour, at.minute, 0, 0);
    let t = d.getTime();
    if (t > now) t -= DAY_MS;
    return t;
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }
}
