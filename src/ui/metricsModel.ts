// The Metrics view's content, computed on the host from a MetricsReport: each chart's labels,
// series, a one-sentence summary (the canvas's aria-label) and the same figures as a table.
// The webview only draws what it gets, so what a person (or a screen reader) is told is decided
// and unit-tested here. No `vscode` import.
import { boundOf, bucketOf } from '../metrics/histogram';
import type { MetricsRange, MetricsReport, PersonaMetrics } from '../metrics/reportTypes';
import { costText, formatCount, formatMs, formatUsd } from '../metrics/wording';

/** Named theme colours; the webview reads each from `--vscode-charts-<name>`. */
export const CHART_COLORS = ['blue', 'orange', 'green', 'purple', 'yellow', 'red'] as const;
export type ChartColor = (typeof CHART_COLORS)[number];

export interface ChartSeries {
  label: string;
  data: number[];
  color: ChartColor;
  /** One colour per bar instead (the standards funnel: approved green, rejected red). */
  barColors?: ChartColor[];
}

export interface ChartTable {
  caption: string;
  columns: string[];
  rows: string[][];
}

export interface ChartView {
  id: 'invocations' | 'duration' | 'tokens' | 'cost' | 'standards' | 'zeroHit';
  title: string;
  /** Horizontal bars read better for named categories with long names (personas, queries). */
  horizontal: boolean;
  stacked: boolean;
  labels: string[];
  series: ChartSeries[];
  /** The canvas's aria-label: what the chart shows, in one sentence with its largest figures. */
  summary: string;
  table: ChartTable;
  /** Set when there is nothing to draw: says why and what would fill it. */
  empty: string | null;
  /** Axis title of the values. */
  valueLabel: string;
}

export interface MetricsViewModel {
  range: MetricsRange;
  /** The persona the view is filtered to, or null for all. */
  persona: string | null;
  /** Personas the filter offers (every persona with runs in the range). */
  personas: string[];
  /** "Last 7 days (2026-11-25 to 2026-12-01, UTC)". */
  rangeText: string;
  generatedAt: string;
  /** Headline figures: label and value. */
  totals: { label: string; value: string }[];
  /** Set when the range holds nothing at all: what to do to see metrics. */
  empty: string | null;
  charts: ChartView[];
  pricesNote: string;
}

const RANGE_TEXT: Record<MetricsRange, string> = { '7d': 'Last 7 days', '30d': 'Last 30 days', all: 'All history' };
const DAY_MS = 86_400_000;
const MAX_DAYS_DRAWN = 400;
const MAX_DURATION_BARS = 48;

export function metricsViewModel(report: MetricsReport, personas: string[]): MetricsViewModel {
  const t = report.totals;
  const rangeEnd = report.range.until.slice(0, 10);
  const rangeText = `${RANGE_TEXT[report.range.label]} (${report.range.since ? `${report.range.since.slice(0, 10)} to ${rangeEnd}` : `to ${rangeEnd}`}, UTC)`;
  const nothing = t.invocations === 0 && report.standards.proposed === 0 && report.search.queries === 0;
  const who = report.persona ? `${report.persona} has not` : 'No persona has';
  return {
    range: report.range.label,
    persona: report.persona,
    personas,
    rangeText,
    generatedAt: report.generatedAt,
    totals: [
      { label: 'Runs', value: formatCount(t.invocations) },
      { label: 'Completed', value: formatCount(t.completed) },
      { label: 'Failed', value: formatCount(t.failed) },
      { label: 'Cancelled', value: formatCount(t.cancelled) },
      { label: 'Tokens in / out', value: `${formatCount(t.tokens.input)} / ${formatCount(t.tokens.output)}` },
      { label: 'Cache read / written', value: `${formatCount(t.tokens.cacheRead)} / ${formatCount(t.tokens.cacheWrite)}` },
      { label: 'Estimated cost', value: costText(t.cost) },
      { label: 'Tool calls', value: formatCount(t.toolCalls) },
    ],
    empty: nothing
      ? `${report.persona ? `${report.persona} has not` : 'No persona has'} run in this range yet. Ask a persona (Personas: Ask a Persona… in the Command Palette, @personas in chat, or an agent over MCP): each run is counted here when it ends.`
      : null,
    charts: [invocationsChart(report, who), durationChart(report), tokensChart(report), costChart(report), standardsChart(report), zeroHitChart(report)],
    pricesNote: `Costs are estimates from the ${report.prices.source === 'settings' ? 'price table in your settings (agentOsPersonas.metrics.prices) over the built-in one' : 'built-in price table'}, in US dollars per million tokens; the demo model is free, and an editor chat model's cost is unknown.`,
  };
}

/** Every UTC day of the range (of the data, for `all`), so a quiet day shows as a gap, not as nothing. */
function daysOf(report: MetricsReport): string[] {
  const first = report.range.since?.slice(0, 10) ?? report.days.map((d) => d.day).sort()[0];
  const last = report.range.until.slice(0, 10);
  if (!first) return [];
  const days: string[] = [];
  for (let at = Date.parse(`${first}T00:00:00Z`); at <= Date.parse(`${last}T00:00:00Z`) && days.length < MAX_DAYS_DRAWN; at += DAY_MS) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}

function colorAt(i: number): ChartColor {
  return CHART_COLORS[i % CHART_COLORS.length] ?? 'blue';
}

function invocationsChart(report: MetricsReport, who: string): ChartView {
  const days = daysOf(report);
  const names = [...new Set(report.days.map((d) => d.persona))].sort();
  const series = names.map((persona, i) => ({
    label: persona,
    color: colorAt(i),
    data: days.map((day) => report.days.filter((d) => d.day === day && d.persona === persona).reduce((n, d) => n + d.invocations, 0)),
  }));
  const busiest = [...report.days].sort((a, b) => b.invocations - a.invocations)[0];
  const total = report.days.reduce((n, d) => n + d.invocations, 0);
  return {
    id: 'invocations',
    title: 'Runs per persona per day',
    horizontal: false,
    stacked: true,
    labels: days,
    series,
    valueLabel: 'runs',
    summary: total === 0
      ? 'Runs per persona per day: none in this range.'
      : `Runs per persona per day: ${formatCount(total)} runs by ${names.length} ${names.length === 1 ? 'persona' : 'personas'} over ${days.length} days; the most in one day: ${busiest ? `${busiest.persona}, ${busiest.invocations} on ${busiest.day}` : 'none'}.`,
    table: {
      caption: 'Runs per persona per day (UTC)',
      columns: ['Day', 'Persona', 'Runs', 'Completed', 'Failed', 'Cancelled', 'Tokens in / out', 'Cost'],
      rows: [...report.days]
        .sort((a, b) => a.day.localeCompare(b.day) || a.persona.localeCompare(b.persona))
        .map((d) => [d.day, d.persona, formatCount(d.invocations), formatCount(d.completed), formatCount(d.failed), formatCount(d.cancelled), `${formatCount(d.tokens.input)} / ${formatCount(d.tokens.output)}`, costText(d.cost)]),
    },
    empty: total === 0 ? `${who} run in this range.` : null,
  };
}

function durationChart(report: MetricsReport): ChartView {
  const bounds = histogramAxis(report.personas.flatMap((p) => p.durationBuckets.map((b) => b.le)));
  const withSamples = report.personas.filter((p) => p.durationMs.count > 0);
  const series = withSamples.map((p, i) => ({
    label: p.persona,
    color: colorAt(i),
    data: bounds.map((le) => p.durationBuckets.find((b) => b.le === le)?.count ?? 0),
  }));
  const slowest = [...withSamples].sort((a, b) => (b.durationMs.p90 ?? 0) - (a.durationMs.p90 ?? 0))[0];
  return {
    id: 'duration',
    title: 'How long runs took',
    horizontal: false,
    stacked: true,
    labels: bounds.map((le) => `≤ ${formatMs(le)}`),
    series,
    valueLabel: 'runs',
    summary: withSamples.length === 0
      ? 'How long runs took: no finished runs in this range.'
      : `How long runs took, by persona: ${withSamples.map((p) => `${p.persona} p50 ${pct(p.durationMs.p50)}, p90 ${pct(p.durationMs.p90)}`).join('; ')}.${slowest ? ` Slowest at p90: ${slowest.persona}.` : ''}`,
    table: {
      caption: 'Run duration and queue wait by persona (percentiles are the upper bound of a histogram bucket)',
      columns: ['Persona', 'Runs timed', 'Duration p50', 'Duration p90', 'Queue wait p50', 'Queue wait p90'],
      rows: report.personas.map((p) => [p.persona, formatCount(p.durationMs.count), pct(p.durationMs.p50), pct(p.durationMs.p90), pct(p.queueWaitMs.p50), pct(p.queueWaitMs.p90)]),
    },
    empty: withSamples.length === 0 ? 'No run has finished in this range.' : null,
  };
}

/**
 * The duration axis: every log bucket from the fastest run's to the slowest's, so the bars are
 * spaced as the times are (an empty bucket is a gap); only the non-empty ones when that is too many.
 */
function histogramAxis(bounds: number[]): number[] {
  const present = [...new Set(bounds)].sort((a, b) => a - b);
  const first = present[0];
  const last = present[present.length - 1];
  if (first === undefined || last === undefined) return [];
  const from = bucketOf(first);
  const to = bucketOf(last);
  if (to - from >= MAX_DURATION_BARS) return present;
  const all = new Set<number>(present);
  for (let k = from; k <= to; k++) all.add(boundOf(k));
  return [...all].sort((a, b) => a - b);
}

function pct(ms: number | null): string {
  return ms === null ? '—' : `≤ ${formatMs(ms)}`;
}

/** Personas that used tokens, most first. */
function byTokens(report: MetricsReport): PersonaMetrics[] {
  const total = (p: PersonaMetrics): number => p.tokens.input + p.tokens.output + p.tokens.cacheRead + p.tokens.cacheWrite;
  return [...report.personas].sort((a, b) => total(b) - total(a) || a.persona.localeCompare(b.persona));
}

function tokensChart(report: MetricsReport): ChartView {
  const personas = byTokens(report);
  const kinds = [
    { key: 'input', label: 'Input', color: 'blue' },
    { key: 'output', label: 'Output', color: 'orange' },
    { key: 'cacheRead', label: 'Cache read', color: 'green' },
    { key: 'cacheWrite', label: 'Cache write', color: 'purple' },
  ] as const;
  const all = personas.reduce((n, p) => n + p.tokens.input + p.tokens.output + p.tokens.cacheRead + p.tokens.cacheWrite, 0);
  const top = personas[0];
  return {
    id: 'tokens',
    title: 'Tokens per persona',
    horizontal: true,
    stacked: true,
    labels: personas.map((p) => p.persona),
    series: kinds.map((k) => ({ label: k.label, color: k.color, data: personas.map((p) => p.tokens[k.key]) })),
    valueLabel: 'tokens',
    summary: all === 0
      ? 'Tokens per persona: none used in this range.'
      : `Tokens per persona: ${formatCount(all)} in all (input, output, cache read and write)${top ? `; most by ${top.persona}, ${formatCount(top.tokens.input)} in and ${formatCount(top.tokens.output)} out` : ''}.`,
    table: {
      caption: 'Tokens and estimated cost per persona (input excludes cached tokens)',
      columns: ['Persona', 'Runs', 'Input', 'Output', 'Cache read', 'Cache write', 'Tool calls', 'Estimated cost'],
      rows: personas.map((p) => [p.persona, formatCount(p.invocations), formatCount(p.tokens.input), formatCount(p.tokens.output), formatCount(p.tokens.cacheRead), formatCount(p.tokens.cacheWrite), formatCount(p.toolCalls), costText(p.cost)]),
    },
    empty: all === 0 ? 'No tokens were used in this range (a panel\'s tokens are its personas\').' : null,
  };
}

function costChart(report: MetricsReport): ChartView {
  const personas = [...report.personas].sort((a, b) => (b.cost.usd ?? -1) - (a.cost.usd ?? -1) || a.persona.localeCompare(b.persona));
  const priced = personas.filter((p) => p.cost.usd !== null && p.cost.usd > 0);
  const free = personas.filter((p) => !p.cost.usd && p.cost.demoTokens > 0 && p.cost.unpricedTokens === 0);
  const unknown = personas.filter((p) => p.cost.unpricedTokens > 0);
  const notes = [
    free.length > 0 ? `${free.map((p) => p.persona).join(', ')}: demo model, free` : '',
    unknown.length > 0 ? `${unknown.map((p) => p.persona).join(', ')}: cost unknown for ${formatCount(unknown.reduce((n, p) => n + p.cost.unpricedTokens, 0))} tokens of unpriced models` : '',
  ].filter((s) => s !== '');
  return {
    id: 'cost',
    title: 'Estimated cost per persona (USD)',
    horizontal: true,
    stacked: false,
    labels: priced.map((p) => p.persona),
    series: [{ label: 'US dollars', color: 'green', data: priced.map((p) => p.cost.usd ?? 0) }],
    valueLabel: 'US dollars',
    summary: priced.length === 0
      ? `Estimated cost per persona: nothing priced in this range${notes.length ? ` (${notes.join('; ')})` : ''}.`
      : `Estimated cost per persona: ${priced.map((p) => `${p.persona} ${formatUsd(p.cost.usd ?? 0)}`).join(', ')}${notes.length ? `; ${notes.join('; ')}` : ''}.`,
    table: {
      caption: 'Estimated cost per persona',
      columns: ['Persona', 'Estimated cost', 'Demo model tokens (free)', 'Unpriced tokens'],
      rows: personas.map((p) => [p.persona, costText(p.cost), formatCount(p.cost.demoTokens), formatCount(p.cost.unpricedTokens)]),
    },
    empty: priced.length === 0 ? (notes.length > 0 ? `Nothing to price: ${notes.join('; ')}.` : 'No priced tokens in this range.') : null,
  };
}

function standardsChart(report: MetricsReport): ChartView {
  const s = report.standards;
  const waiting = Math.max(0, s.proposed - s.approved - s.rejected);
  const decision = s.decisionMs.count > 0 ? ` Time to a decision: p50 ${pct(s.decisionMs.p50)}, p90 ${pct(s.decisionMs.p90)}.` : '';
  return {
    id: 'standards',
    title: 'Standards: proposed → approved or rejected',
    horizontal: false,
    stacked: false,
    labels: ['Proposed', 'Approved', 'Rejected', 'Not decided'],
    series: [{ label: 'Standards', color: 'blue', barColors: ['blue', 'green', 'red', 'yellow'], data: [s.proposed, s.approved, s.rejected, waiting] }],
    valueLabel: 'standards',
    summary: `Standards funnel: ${formatCount(s.proposed)} proposed, ${formatCount(s.approved)} approved, ${formatCount(s.rejected)} rejected, ${formatCount(waiting)} not decided.${decision}`,
    table: {
      caption: 'Standards proposed and decided',
      columns: ['Stage', 'Count'],
      rows: [
        ['Proposed', formatCount(s.proposed)],
        ['Approved', formatCount(s.approved)],
        ['Rejected', formatCount(s.rejected)],
        ['Not decided', formatCount(waiting)],
        ['Time to decision p50', pct(s.decisionMs.p50)],
        ['Time to decision p90', pct(s.decisionMs.p90)],
      ],
    },
    empty: s.proposed + s.approved + s.rejected === 0 ? 'No standard was proposed or decided in this range. Personas propose standards as they review; Personas: New Standard… starts one.' : null,
  };
}

function zeroHitChart(report: MetricsReport): ChartView {
  const s = report.search;
  const top = s.topZeroHit;
  return {
    id: 'zeroHit',
    title: 'Searches that found no standard',
    horizontal: true,
    stacked: false,
    labels: top.map((q) => q.query),
    series: [{ label: 'Searches', color: 'red', data: top.map((q) => q.count) }],
    valueLabel: 'searches',
    summary: top.length === 0
      ? `Searches that found no standard: none (${formatCount(s.queries)} searches in this range).`
      : `Searches that found no standard: ${formatCount(s.zeroHit)} of ${formatCount(s.queries)}; most often ${top.slice(0, 3).map((q) => `“${q.query}” (${q.count})`).join(', ')}.`,
    table: {
      caption: `Top searches that found nothing (${formatCount(s.zeroHit)} of ${formatCount(s.queries)} searches; latency p50 ${pct(s.latencyMs.p50)}, p90 ${pct(s.latencyMs.p90)})`,
      columns: ['Search (lower-cased, secrets redacted)', 'Times'],
      rows: top.map((q) => [q.query, formatCount(q.count)]),
    },
    empty: top.length === 0 ? (s.queries === 0 ? 'No standards were searched in this range.' : 'Every search found at least one standard.') : null,
  };
}
