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
  /** The estimate last given per running job (a new run, `startedAt`, starts afresh). */
  private readonly last = new Map<string, ShownEta & { startedAt: number | null }>();

  constructor(private readonly store: JobStore) {
    store.events.on('job:completed', (job) => {
      this.history.delete(job.persona);
      this.last.delete(job.id);
    });
    for (const event of ['job:failed', 'job:cancelled', 'job:requeued'] as const) store.events.on(event, (job) => this.last.delete(job.id));
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

  /**
   * Milliseconds left for a running job at `now`, or null when nothing is known yet. Within a
   * phase it never grows (see `steadyEta`); the last estimate per job is kept until it ends.
   */
  estimate(job: JobSummary, now: number): number | null {
    const raw = rawEta({ startedAt: job.startedAt, percent: job.percent, typicalMs: this.typicalMs(job.persona), now });
    const before = this.last.get(job.id);
    const previous = before && before.startedAt === job.startedAt ? before : undefined;
    const etaMs = steadyEta(previous, { phase: job.phase, etaMs: raw });
    this.last.set(job.id, { startedAt: job.startedAt, phase: job.phase, etaMs });
    return etaMs;
  }
}

/** What a job's time left is computed from; `now` is the caller's clock. */
export interface EtaInput {
  startedAt: number | null;
  percent: number;
  /** Median duration of the persona's recent completed jobs, or null without history. */
  typicalMs: number | null;
  now: number;
}

/**
 * The time left as the job's history and its own rate say, blended by progress: history leads
 * while the job is within its typical duration; past it, or without history, the rate decides.
 * On its own this can grow while percent advances (a slow stretch lowers the observed rate).
 */
export function rawEta({ startedAt, percent, typicalMs, now }: EtaInput): number | null {
  if (!startedAt) return typicalMs;
  const elapsed = Math.max(0, now - startedAt);
  const fromRate = percent >= 10 && elapsed > 0 ? (elapsed * (100 - percent)) / percent : null;
  if (typicalMs === null || elapsed >= typicalMs) return fromRate === null ? null : Math.round(fromRate);
  const fromHistory = typicalMs - elapsed;
  if (fromRate === null) return Math.round(fromHistory);
  const weight = (percent / 100) ** 2;
  return Math.round((1 - weight) * fromHistory + weight * fromRate);
}

/** The estimate last shown for a job. */
export interface ShownEta {
  phase: string | null;
  etaMs: number | null;
}

/**
 * The estimate to show next. A person reads "~15s left" after "~13s left" at a higher percent as
 * the tool being wrong, so within one phase it never grows; a new phase (the model starts
 * writing after its tool calls, say) is new information and may move it either way.
 */
export function steadyEta(previous: ShownEta | undefined, next: ShownEta): number | null {
  if (!previous || previous.phase !== next.phase || previous.etaMs === null) return next.etaMs;
  if (next.etaMs === null) return previous.etaMs;
  return Math.min(previous.etaMs, next.etaMs);
}
