import type { SqlValue } from 'sql.js';
import { PersonaError } from '../core/errors';
import type { JournaledDatabase } from '../jobs/journaledDatabase';
import { JOB_SOURCES, type JobSource } from '../jobs/types';
import { firstDayOf } from './days';
import { percentiles, toBuckets } from './histogram';
import { SERIES } from './jobMeter';
import { addTokens, costOf, emptyTokens, type PriceTable } from './prices';
import { COUNTERS } from './recorder';
import {
  METRICS_RANGES,
  METRICS_SCHEMA_VERSION,
  type DayMetrics,
  type McpToolMetrics,
  type MetricsRange,
  type MetricsReport,
  type PersonaMetrics,
  type TokenCounts,
  type WorkflowMetrics,
} from './reportTypes';

export interface ReportRequest {
  range: MetricsRange;
  /** Only this persona's runs (the standards, search, MCP and workflow parts are never filtered). */
  persona?: string | null;
  now?: number;
}

const RANGE_DAYS: Record<MetricsRange, number | null> = { '7d': 7, '30d': 30, all: null };
export const TOP_ZERO_HIT = 10;

/** Checks a request from outside (the CLI, the tool): the range and the persona as given. */
export function checkReportRequest(range: unknown, persona: unknown): { range: MetricsRange; persona: string | null } {
  if (!(METRICS_RANGES as readonly unknown[]).includes(range)) {
    throw new PersonaError('INVALID_INPUT', `The range "${String(range).slice(0, 40)}" is not one of ${METRICS_RANGES.join(', ')}.`, 'Ask for 7d (the last 7 days), 30d or all.');
  }
  if (persona !== undefined && persona !== null && (typeof persona !== 'string' || persona.trim() === '' || persona.length > 200)) {
    throw new PersonaError('INVALID_INPUT', 'The persona must be a persona id such as "security".', 'List the ids with list_personas (or agent-os-personas personas), or leave the persona out for all.');
  }
  return { range: range as MetricsRange, persona: typeof persona === 'string' ? persona.trim() : null };
}

/** Reads the report off the metrics tables (synchronous: sql.js in memory). */
export function buildReport(db: JournaledDatabase, prices: PriceTable, request: ReportRequest): MetricsReport {
  const now = request.now ?? Date.now();
  const persona = request.persona ?? null;
  const days = RANGE_DAYS[request.range];
  const since = days === null ? null : firstDayOf(days, now);
  const from = since ?? '';
  const rows = (sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] => db.query(sql, params);
  const jobFilter = 'day >= ? AND (? IS NULL OR persona = ?)';
  const jobParams = [from, persona, persona];

  const perPersona = new Map<string, PersonaMetrics>();
  const tokensByPersona = new Map<string, Map<string, TokenCounts>>();
  const entry = (name: string): PersonaMetrics => {
    let m = perPersona.get(name);
    if (!m) {
      m = {
        persona: name, invocations: 0, bySource: Object.fromEntries(JOB_SOURCES.map((s) => [s, 0])) as Record<JobSource, number>,
        completed: 0, failed: 0, cancelled: 0, failedByCode: {}, durationMs: percentiles([]), durationBuckets: [], queueWaitMs: percentiles([]),
        tokens: emptyTokens(), cost: { usd: 0, demoTokens: 0, unpricedTokens: 0 }, toolCalls: 0,
      };
      perPersona.set(name, m);
    }
    return m;
  };

  const dayRows = new Map<string, DayMetrics>();
  const dayTokens = new Map<string, Map<string, TokenCounts>>();
  for (const r of rows(`SELECT day, persona, invocations, completed, failed, cancelled, tool_calls FROM metrics_job_days WHERE ${jobFilter} ORDER BY day, persona`, jobParams)) {
    const name = String(r['persona']);
    const m = entry(name);
    m.invocations += Number(r['invocations']);
    m.completed += Number(r['completed']);
    m.failed += Number(r['failed']);
    m.cancelled += Number(r['cancelled']);
    m.toolCalls += Number(r['tool_calls']);
    dayRows.set(`${String(r['day'])}\u0000${name}`, {
      day: String(r['day']), persona: name, invocations: Number(r['invocations']), completed: Number(r['completed']), failed: Number(r['failed']),
      cancelled: Number(r['cancelled']), tokens: emptyTokens(), cost: { usd: 0, demoTokens: 0, unpricedTokens: 0 },
    });
  }
  for (const r of rows(`SELECT persona, source, SUM(count) AS n FROM metrics_job_sources WHERE ${jobFilter} GROUP BY persona, source`, jobParams)) {
    const m = entry(String(r['persona']));
    const source = String(r['source']) as JobSource;
    m.bySource[source] = (m.bySource[source] ?? 0) + Number(r['n']);
  }
  for (const r of rows(`SELECT persona, code, SUM(count) AS n FROM metrics_job_failures WHERE ${jobFilter} GROUP BY persona, code ORDER BY code`, jobParams)) {
    entry(String(r['persona'])).failedByCode[String(r['code'])] = Number(r['n']);
  }
  for (const r of rows(`SELECT day, persona, model, input, output, cache_read, cache_write FROM metrics_job_tokens WHERE ${jobFilter}`, jobParams)) {
    const t: TokenCounts = { input: Number(r['input']), output: Number(r['output']), cacheRead: Number(r['cache_read']), cacheWrite: Number(r['cache_write']) };
    const name = String(r['persona']);
    const model = String(r['model']);
    addTo(tokensByPersona, name, model, t);
    addTo(dayTokens, `${String(r['day'])}\u0000${name}`, model, t);
  }
  const histograms = new Map<string, Map<number, number>>();
  for (const r of rows(
    `SELECT series, key, bucket, SUM(count) AS n FROM metrics_histograms WHERE day >= ? AND (series NOT IN (?, ?) OR ? IS NULL OR key = ?) GROUP BY series, key, bucket`,
    [from, SERIES.duration, SERIES.queueWait, persona, persona],
  )) {
    const id = `${String(r['series'])}\u0000${String(r['key'])}`;
    const counts = histograms.get(id) ?? new Map<number, number>();
    counts.set(Number(r['bucket']), (counts.get(Number(r['bucket'])) ?? 0) + Number(r['n']));
    histograms.set(id, counts);
  }
  const histogram = (series: string, key: string): ReturnType<typeof toBuckets> => toBuckets(histograms.get(`${series}\u0000${key}`) ?? new Map());

  for (const m of perPersona.values()) {
    m.durationBuckets = histogram(SERIES.duration, m.persona);
    m.durationMs = percentiles(m.durationBuckets);
    m.queueWaitMs = percentiles(histogram(SERIES.queueWait, m.persona));
    const byModel = tokensByPersona.get(m.persona) ?? new Map<string, TokenCounts>();
    for (const t of byModel.values()) addTokens(m.tokens, t);
    m.cost = costOf(byModel, prices);
  }
  for (const [id, d] of dayRows) {
    const byModel = dayTokens.get(id) ?? new Map<string, TokenCounts>();
    for (const t of byModel.values()) addTokens(d.tokens, t);
    d.cost = costOf(byModel, prices);
  }

  const personas = [...perPersona.values()].sort((a, b) => b.invocations - a.invocations || a.persona.localeCompare(b.persona));
  const allTokens = new Map<string, TokenCounts>();
  for (const byModel of tokensByPersona.values()) for (const [model, t] of byModel) addTokens(allTokens.get(model) ?? setGet(allTokens, model, emptyTokens()), t);

  const counters = new Map<string, number>();
  const counterRows = rows('SELECT name, key, detail, SUM(count) AS n FROM metrics_counters WHERE day >= ? GROUP BY name, key, detail', [from]);
  for (const r of counterRows) counters.set(String(r['name']), (counters.get(String(r['name'])) ?? 0) + Number(r['n']));
  const counter = (name: string): number => counters.get(name) ?? 0;

  const mcp = new Map<string, McpToolMetrics>();
  const workflows = new Map<string, WorkflowMetrics>();
  const workflow = (id: string): WorkflowMetrics => setGet(workflows, id, workflows.get(id) ?? { workflow: id, started: 0, completed: 0, refusalsByPhase: {} });
  const tool = (name: string): McpToolMetrics => setGet(mcp, name, mcp.get(name) ?? { tool: name, calls: 0, errors: 0, latencyMs: percentiles(histogram(SERIES.mcp, name)) });
  for (const r of counterRows) {
    const [name, key, detail, n] = [String(r['name']), String(r['key']), String(r['detail']), Number(r['n'])];
    if (name === COUNTERS.mcpCalls) tool(key).calls += n;
    else if (name === COUNTERS.mcpErrors) tool(key).errors += n;
    else if (name === COUNTERS.workflowStarted) workflow(key).started += n;
    else if (name === COUNTERS.workflowCompleted) workflow(key).completed += n;
    else if (name === COUNTERS.workflowRefused) {
      const w = workflow(key);
      w.refusalsByPhase[detail] = (w.refusalsByPhase[detail] ?? 0) + n;
    }
  }

  const totals = personas.reduce(
    (t, m) => ({ ...t, invocations: t.invocations + m.invocations, completed: t.completed + m.completed, failed: t.failed + m.failed, cancelled: t.cancelled + m.cancelled, toolCalls: t.toolCalls + m.toolCalls }),
    { invocations: 0, completed: 0, failed: 0, cancelled: 0, toolCalls: 0 },
  );
  return {
    schemaVersion: METRICS_SCHEMA_VERSION,
    generatedAt: new Date(now).toISOString(),
    range: { label: request.range, since: since === null ? null : `${since}T00:00:00.000Z`, until: new Date(now).toISOString() },
    persona,
    totals: { ...totals, tokens: [...allTokens.values()].reduce((a, t) => addTokens(a, t), emptyTokens()), cost: costOf(allTokens, prices) },
    personas,
    days: [...dayRows.values()],
    standards: {
      proposed: counter(COUNTERS.proposed),
      approved: counter(COUNTERS.approved),
      rejected: counter(COUNTERS.rejected),
      decisionMs: percentiles(histogram(SERIES.decision, '')),
    },
    search: {
      queries: counter(COUNTERS.searches),
      zeroHit: counter(COUNTERS.zeroHit),
      latencyMs: percentiles(histogram(SERIES.search, '')),
      topZeroHit: rows(`SELECT query, SUM(count) AS n FROM metrics_zero_hits WHERE day >= ? GROUP BY query ORDER BY n DESC, query ASC LIMIT ${TOP_ZERO_HIT}`, [from]).map((r) => ({ query: String(r['query']), count: Number(r['n']) })),
    },
    mcp: [...mcp.values()].sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool)),
    workflows: [...workflows.values()].sort((a, b) => a.workflow.localeCompare(b.workflow)),
    prices: { source: prices.source, models: prices.rows() },
  };
}

function setGet<K, V>(map: Map<K, V>, key: K, value: V): V {
  map.set(key, value);
  return value;
}

function addTo(map: Map<string, Map<string, TokenCounts>>, id: string, model: string, t: TokenCounts): void {
  const byModel = map.get(id) ?? setGet(map, id, new Map<string, TokenCounts>());
  addTokens(byModel.get(model) ?? setGet(byModel, model, emptyTokens()), t);
}
