/**
 * The metrics report: what `agent-os-personas metrics`, the `persona_metrics` MCP tool and the
 * Metrics view show. A documented, versioned shape (docs/metrics.schema.json): add fields in a
 * minor change, never rename or remove one without raising `schemaVersion`.
 */
import type { JobSource } from '../jobs/types';

export const METRICS_SCHEMA_VERSION = 1;

/** How far back a report reaches: the last 7 or 30 days (UTC days, today included), or everything kept. */
export const METRICS_RANGES = ['7d', '30d', 'all'] as const;
export type MetricsRange = (typeof METRICS_RANGES)[number];

/** A distribution from the stored histogram: the bucket bound at or above each percentile, in ms (null with no samples). */
export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
}

/** One non-empty histogram bucket: `count` samples at or below `le` ms (and above the previous bucket's bound). */
export interface HistogramBucket {
  le: number;
  count: number;
}

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * Estimated cost from the price table. The demo model costs 0 and says so (`demoTokens`); a
 * model with no price (an editor chat model, an unknown id) is unknown, never 0 (`unpricedTokens`).
 */
export interface Cost {
  /** US dollars for the priced tokens; null when none of the tokens could be priced. */
  usd: number | null;
  /** Tokens answered by the demo model (free). */
  demoTokens: number;
  /** Tokens of models with no price: their cost is unknown. */
  unpricedTokens: number;
}

/** The runs of one persona (a panel's coordinator is the persona `panel`; its tokens are its children's, counted once, there). */
export interface PersonaMetrics {
  persona: string;
  /** Runs that ended (a retried job that ends again counts again). */
  invocations: number;
  bySource: Record<JobSource, number>;
  completed: number;
  failed: number;
  cancelled: number;
  /** Failed runs by error code. */
  failedByCode: Record<string, number>;
  durationMs: Percentiles;
  durationBuckets: HistogramBucket[];
  queueWaitMs: Percentiles;
  tokens: TokenCounts;
  cost: Cost;
  toolCalls: number;
}

/** One persona on one UTC day (only days with runs are listed). */
export interface DayMetrics {
  /** YYYY-MM-DD, UTC. */
  day: string;
  persona: string;
  invocations: number;
  completed: number;
  failed: number;
  cancelled: number;
  tokens: TokenCounts;
  cost: Cost;
}

export interface StandardsMetrics {
  proposed: number;
  approved: number;
  rejected: number;
  /** From a proposal to its approval or rejection. */
  decisionMs: Percentiles;
}

export interface SearchMetrics {
  queries: number;
  zeroHit: number;
  latencyMs: Percentiles;
  /** The most frequent searches that found nothing (redacted, lower-cased, at most 10). */
  topZeroHit: { query: string; count: number }[];
}

export interface McpToolMetrics {
  tool: string;
  calls: number;
  errors: number;
  latencyMs: Percentiles;
}

export interface WorkflowMetrics {
  workflow: string;
  started: number;
  completed: number;
  /** Refused complete_phase calls by phase number ("0", "1", …). */
  refusalsByPhase: Record<string, number>;
}

export interface PriceRow {
  model: string;
  /** US dollars per million tokens. */
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface MetricsReport {
  schemaVersion: typeof METRICS_SCHEMA_VERSION;
  /** ISO 8601. */
  generatedAt: string;
  range: {
    label: MetricsRange;
    /** ISO 8601 start of the first day counted; null for `all`. */
    since: string | null;
    until: string;
  };
  /** The persona the report was filtered to, or null for all. */
  persona: string | null;
  totals: {
    invocations: number;
    completed: number;
    failed: number;
    cancelled: number;
    tokens: TokenCounts;
    cost: Cost;
    toolCalls: number;
  };
  personas: PersonaMetrics[];
  days: DayMetrics[];
  standards: StandardsMetrics;
  search: SearchMetrics;
  mcp: McpToolMetrics[];
  workflows: WorkflowMetrics[];
  /** The prices the costs were estimated with: built in, or overridden in settings. */
  prices: { source: 'built-in' | 'settings'; models: PriceRow[] };
}
