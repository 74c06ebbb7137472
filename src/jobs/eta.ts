import type { JobStore } from './jobStore';
import type { JobSummary } from './types';

interface History {
  durationMs: number;
  outputChars: number;
}

/**
 * Estimates a running job's time left. The persona's recent completed jobs give a typical
 * duration and answer length; the job's own progress refines it. History leads while the job
 * is within its typical duration; past it, or without history, the observed rate decides.
 */
export class EtaEstimator {
  private readonly history = new Map<string, History | null>();

  constructor(private readonly store: JobStore) {
    store.events.on('job:completed', (job) => this.history.delete(job.persona));
  }

  private typical(persona: string): History | null {
    if (!this.history.has(persona)) {
      const recent = this.store.recentCompleted(persona).filter((r) => r.durationMs > 0);
      const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      this.history.set(
        persona,
        recent.length ? { durationMs: median(recent.map((r) => r.durationMs)), outputChars: median(recent.map((r) => r.tokensOut * 4)) } : null,
      );
    }
    return this.history.get(persona) ?? null;
  }

  /** Median duration (ms) of the persona's recent completed jobs, or null without history. */
  typicalMs(persona: string): number | null {
    return this.typical(persona)?.durationMs ?? null;
  }

  /** The answer length to measure progress against: the persona's typical one, else `fallback`. */
  expectedOutputChars(persona: string, fallback: number): number {
    const chars = this.typical(persona)?.outputChars;
    return chars && chars > 200 ? chars : fallback;
  }

  /** Milliseconds left for a running job at `now`, or null when nothing is known yet. */
  estimate(job: JobSummary, now: number): number | null {
    const typical = this.typicalMs(job.persona);
    if (!job.startedAt) return typical;
    const elapsed = Math.max(0, now - job.startedAt);
    const fromRate = job.percent >= 10 && elapsed > 0 ? (elapsed * (100 - job.percent)) / job.percent : null;
    if (typical === null || elapsed >= typical) return fromRate === null ? null : Math.round(fromRate);
    const fromHistory = typical - elapsed;
    if (fromRate === null) return Math.round(fromHistory);
    const weight = (job.percent / 100) ** 2;
    return Math.round((1 - weight) * fromHistory + weight * fromRate);
  }
}
