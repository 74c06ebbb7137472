import type { Disposable } from '../core/disposable';
import { redactSecrets } from '../core/redact';
import { toolCallOutcome, type ToolCallHook } from '../core/toolCalls';
import type { JournaledDatabase } from '../jobs/journaledDatabase';
import { utcDay } from './days';
import { bucketOf } from './histogram';
import { SERIES } from './jobMeter';
import { counterUpsert, histogramUpsert, type MetricsStatement } from './statements';

/** How often buffered counts are written: a kill -9 may lose up to this much of them (job counts are exact). */
export const FLUSH_INTERVAL_MS = 5_000;
/** Zero-hit rows kept (a row is one query on one day); the rarest go first. */
export const MAX_ZERO_HIT_ROWS = 500;
export const MAX_ZERO_HIT_CHARS = 200;
/** Distinct MCP tool names one process counts on their own; the rest are OTHER_TOOL. */
export const MAX_TOOL_NAMES = 64;
export const OTHER_TOOL = '(other)';
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const COUNTERS = {
  proposed: 'standards.proposed',
  approved: 'standards.approved',
  rejected: 'standards.rejected',
  searches: 'search.queries',
  zeroHit: 'search.zero_hit',
  mcpCalls: 'mcp.calls',
  mcpErrors: 'mcp.errors',
  workflowStarted: 'workflow.started',
  workflowCompleted: 'workflow.completed',
  workflowRefused: 'workflow.refused',
} as const;

/** A search that found nothing, as it is kept: no secret, one case, no surrounding space, bounded. */
export function zeroHitText(query: string): string {
  return redactSecrets(query).trim().toLowerCase().slice(0, MAX_ZERO_HIT_CHARS);
}

/**
 * Counts of things that happen often and outside a job's terminal write (searches, MCP calls,
 * standards, workflow sessions), added up in memory and written together, one writeAll every
 * FLUSH_INTERVAL_MS and at dispose: a search costs a map update, not a journal record.
 */
export class MetricsRecorder implements Disposable {
  private counters = new Map<string, { day: string; name: string; key: string; detail: string; count: number }>();
  private histograms = new Map<string, { day: string; series: string; key: string; bucket: number; count: number }>();
  private zeroHits = new Map<string, { day: string; query: string; count: number }>();
  private readonly toolNames = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly database: JournaledDatabase,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    // A pending flush must not keep the CLI or a test process alive.
    this.timer.unref();
  }

  count(name: string, key = '', detail = '', at = this.now()): void {
    const day = utcDay(at);
    const id = JSON.stringify([day, name, key, detail]);
    const row = this.counters.get(id);
    if (row) row.count += 1;
    else this.counters.set(id, { day, name, key, detail, count: 1 });
  }

  sample(series: string, key: string, ms: number, at = this.now()): void {
    const day = utcDay(at);
    const bucket = bucketOf(ms);
    const id = JSON.stringify([day, series, key, bucket]);
    const row = this.histograms.get(id);
    if (row) row.count += 1;
    else this.histograms.set(id, { day, series, key, bucket, count: 1 });
  }

  /** One search through the standards index, by any caller (a persona's tool, MCP, the editor). */
  searched(query: string, hits: number, ms: number): void {
    this.count(COUNTERS.searches);
    this.sample(SERIES.search, '', ms);
    if (hits > 0) return;
    this.count(COUNTERS.zeroHit);
    const text = zeroHitText(query);
    if (!text) return;
    const day = utcDay(this.now());
    const id = JSON.stringify([day, text]);
    const row = this.zeroHits.get(id);
    if (row) row.count += 1;
    else this.zeroHits.set(id, { day, query: text, count: 1 });
  }

  /** Counts and times every MCP tools/call, and its error results. */
  readonly toolCallHook: ToolCallHook = async (info, run) => {
    const started = performance.now();
    const tool = this.toolKey(info.tool);
    try {
      const result = await run();
      if (toolCallOutcome(result).isError) this.count(COUNTERS.mcpErrors, tool);
      return result;
    } catch (err) {
      this.count(COUNTERS.mcpErrors, tool);
      throw err;
    } finally {
      this.count(COUNTERS.mcpCalls, tool);
      this.sample(SERIES.mcp, tool, performance.now() - started);
    }
  };

  /**
   * A client may call any name: names that are not tool-like, and names past the first
   * MAX_TOOL_NAMES a process has seen, are counted together as OTHER_TOOL, so a client
   * inventing names cannot grow the table without bound.
   */
  private toolKey(name: string): string {
    if (this.toolNames.has(name)) return name;
    if (!TOOL_NAME.test(name) || this.toolNames.size >= MAX_TOOL_NAMES) return OTHER_TOOL;
    this.toolNames.add(name);
    return name;
  }

  /**
   * Writes what is buffered (applied in memory at once, durable when the promise resolves).
   * Never rejects: a failed write is logged and its counts are lost, never retried twice over.
   */
  flush(): Promise<void> {
    const statements = this.drain();
    if (statements.length === 0) return Promise.resolve();
    try {
      return this.database.writeAll(statements).catch((err: unknown) => this.log(`metrics: a flush failed (${String(err)}); its counts are lost`));
    } catch (err) {
      this.log(`metrics: a flush failed (${String(err)}); its counts are lost`);
      return Promise.resolve();
    }
  }

  /** Stops the timer and writes what is left; the database must still be open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }

  dispose(): Promise<void> {
    return this.close();
  }

  private drain(): MetricsStatement[] {
    const statements: MetricsStatement[] = [];
    for (const c of this.counters.values()) statements.push(counterUpsert(c.day, c.name, c.key, c.detail, c.count));
    for (const h of this.histograms.values()) statements.push(histogramUpsert(h.day, h.series, h.key, h.bucket, h.count));
    for (const z of this.zeroHits.values()) {
      statements.push({
        sql: `INSERT INTO metrics_zero_hits (day, query, count) VALUES (?, ?, ?)
              ON CONFLICT (day, query) DO UPDATE SET count = count + excluded.count`,
        params: [z.day, z.query, z.count],
      });
    }
    if (this.zeroHits.size > 0) {
      // Ordered on every column, so replaying the journal prunes exactly the same rows.
      statements.push({
        sql: `DELETE FROM metrics_zero_hits WHERE (day, query) IN (
                SELECT day, query FROM metrics_zero_hits ORDER BY count ASC, day ASC, query ASC
                LIMIT MAX(0, (SELECT COUNT(*) FROM metrics_zero_hits) - ?))`,
        params: [MAX_ZERO_HIT_ROWS],
      });
    }
    this.counters = new Map();
    this.histograms = new Map();
    this.zeroHits = new Map();
    return statements;
  }
}
