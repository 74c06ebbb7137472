import type { JobStore } from './jobStore';
import type { Job } from './types';

/**
 * Estimates a running job's time left from its persona's recent completed jobs, refined by
 * the job's own progress: early on the history dominates, later the observed rate does.
 */
export class EtaEstimator {
  private readonly history = new Map<string, number | null>();

  constructor(private readonly store: JobStore) {
    store.events.on('job:completed', (job) => this.history.delete(job.persona));
  }

  /** Median duration (ms) of the persona's recent completed jobs, or null without history. */
  typicalMs(persona: string): number | null {
    if (!this.history.has(persona)) {
      const durations = this.store.recentDurations(persona).filter((d) => d > 0).sort((a, b) => a - b);
      this.history.set(persona, durations.length ? durations[Math.floor(durations.length / 2)]! : null);
    }
    return this.history.get(persona) ?? null;
  }

  /** Milliseconds left for a running job at `now`, or null when nothing is known yet. */
  estimate(job: Job, now: number): number | null {
    if (!job.startedAt) return this.typicalMs(job.persona);
    const elapsed = Math.max(0, now - job.startedAt);
    const typical = this.typicalMs(job.persona);
    const fromHistory = typical === null ? null : Math.max(0, typical - elapsed);
    if (job.percent < 10 || elapsed === 0) return fromHistory;
    const fromRate = (elapsed * (100 - job.percent)) / job.percent;
    if (fromHistory === null) return Math.round(fromRate);
    const weight = job.percent / 100;
    return Math.round((1 - weight) * fromHistory + weight * fromRate);
  }
}
