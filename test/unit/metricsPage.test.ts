// The Metrics view's host-side pieces that need no VS Code: the page's CSP, the webview's
// messages (untrusted input), what each chart and its data table say for a report, and how a
// cost, a duration and a job's usage read in the tooltip and the result footer.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobSource, JobSummary } from '../../src/jobs/types';
import { costOf, PriceTable } from '../../src/metrics/prices';
import type { Cost, MetricsReport, PersonaMetrics, TokenCounts } from '../../src/metrics/reportTypes';
import { DEMO_MODEL_ID } from '../../src/personas/demoModel/server';
import { costLine, costText, formatMs, formatUsd, jobUsage, jobUsageLines, sumCosts, type JobCostSource } from '../../src/metrics/wording';
import { parseMetricsMessage } from '../../src/ui/metricsMessages';
import { metricsViewModel, type ChartView } from '../../src/ui/metricsModel';
import { metricsPageHtml } from '../../src/ui/metricsPage';
import { REPO_ROOT } from './tempDir';

const tokens = (input: number, output: number, cacheRead = 0, cacheWrite = 0): TokenCounts => ({ input, output, cacheRead, cacheWrite });
const sources = (mcp: number, palette = 0): Record<JobSource, number> => ({ palette, chat: 0, mcp, cli: 0, workflow: 0, api: 0 });
const priced = (usd: number): Cost => ({ usd, demoTokens: 0, unpricedTokens: 0 });
// Demo and unpriced costs as the metrics compute them (free is usd 0 with demo tokens; unknown is usd null).
const BUILT_IN = PriceTable.fromSetting(undefined).table;
const demo = (n: number): Cost => costOf([[DEMO_MODEL_ID, tokens(n, 0)]], BUILT_IN);
const unpriced = (n: number): Cost => costOf([['vscode-lm:copilot/gpt-4o', tokens(n, 0)]], BUILT_IN);

function persona(name: string, p: Partial<PersonaMetrics>): PersonaMetrics {
  return {
    persona: name,
    invocations: 0,
    bySource: sources(0),
    completed: 0,
    failed: 0,
    cancelled: 0,
    failedByCode: {},
    durationMs: { count: 0, p50: null, p90: null },
    durationBuckets: [],
    queueWaitMs: { count: 0, p50: null, p90: null },
    tokens: tokens(0, 0),
    cost: priced(0),
    toolCalls: 0,
    ...p,
  };
}

/** A week with three personas: security on Claude (priced), architect on the demo model, reviewer on an editor chat model. */
function weekReport(): MetricsReport {
  return {
    schemaVersion: 1,
    generatedAt: '2026-12-01T12:00:00.000Z',
    range: { label: '7d', since: '2026-11-25T00:00:00.000Z', until: '2026-12-01T12:00:00.000Z' },
    persona: null,
    totals: { invocations: 6, completed: 4, failed: 1, cancelled: 1, tokens: tokens(5200, 1300, 4000, 1000), cost: { usd: 0.0321, demoTokens: 900, unpricedTokens: 700 }, toolCalls: 9 },
    personas: [
      persona('architect', { invocations: 2, bySource: sources(0, 2), completed: 2, durationMs: { count: 2, p50: 1024, p90: 1218 }, durationBuckets: [{ le: 1024, count: 1 }, { le: 1218, count: 1 }], queueWaitMs: { count: 2, p50: 16, p90: 19 }, tokens: tokens(600, 300), cost: demo(900), toolCalls: 2 }),
      persona('reviewer', { invocations: 1, bySource: sources(1), completed: 1, durationMs: { count: 1, p50: 4096, p90: 4096 }, durationBuckets: [{ le: 4096, count: 1 }], queueWaitMs: { count: 1, p50: 8, p90: 8 }, tokens: tokens(500, 200), cost: unpriced(700), toolCalls: 1 }),
      persona('security', { invocations: 3, bySource: sources(3), completed: 1, failed: 1, cancelled: 1, failedByCode: { MODEL_ERROR: 1 }, durationMs: { count: 2, p50: 1218, p90: 8192 }, durationBuckets: [{ le: 1218, count: 1 }, { le: 8192, count: 1 }], queueWaitMs: { count: 3, p50: 19, p90: 64 }, tokens: tokens(4100, 800, 4000, 1000), cost: priced(0.0321), toolCalls: 6 }),
    ],
    days: [
      { day: '2026-11-26', persona: 'security', invocations: 2, completed: 1, failed: 1, cancelled: 0, tokens: tokens(3000, 500, 2000, 1000), cost: priced(0.02) },
      { day: '2026-11-30', persona: 'architect', invocations: 2, completed: 2, failed: 0, cancelled: 0, tokens: tokens(600, 300), cost: demo(900) },
      { day: '2026-12-01', persona: 'reviewer', invocations: 1, completed: 1, failed: 0, cancelled: 0, tokens: tokens(500, 200), cost: unpriced(700) },
      { day: '2026-12-01', persona: 'security', invocations: 1, completed: 0, failed: 0, cancelled: 1, tokens: tokens(1100, 300, 2000, 0), cost: priced(0.0121) },
    ],
    standards: { proposed: 4, approved: 2, rejected: 1, decisionMs: { count: 3, p50: 60_000, p90: 3_600_000 } },
    search: { queries: 12, zeroHit: 5, latencyMs: { count: 12, p50: 2, p90: 8 }, topZeroHit: [{ query: 'graphql pagination', count: 3 }, { query: 'feature flags', count: 2 }] },
    mcp: [{ tool: 'ask_persona', calls: 4, errors: 0, latencyMs: { count: 4, p50: 16, p90: 32 } }],
    workflows: [],
    prices: { source: 'built-in', models: [{ model: 'claude-sonnet-4-5', input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }] },
  };
}

function chart(view: ReturnType<typeof metricsViewModel>, id: ChartView['id']): ChartView {
  const found = view.charts.find((c) => c.id === id);
  assert.ok(found, `a ${id} chart`);
  return found;
}

describe('Metrics view model', () => {
  const view = metricsViewModel(weekReport(), ['architect', 'reviewer', 'security']);

  it('runs per persona per day: every day of the range, one stacked series per persona, the table row by row', () => {
    const runs = chart(view, 'invocations');
    assert.deepEqual(runs.labels, ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01']);
    assert.deepEqual(runs.series.map((s) => [s.label, s.data]), [
      ['architect', [0, 0, 0, 0, 0, 2, 0]],
      ['reviewer', [0, 0, 0, 0, 0, 0, 1]],
      ['security', [0, 2, 0, 0, 0, 0, 1]],
    ]);
    assert.equal(new Set(runs.series.map((s) => s.color)).size, 3, 'each persona its own theme colour');
    assert.deepEqual(runs.table.rows.map((r) => r.slice(0, 3)), [['2026-11-26', 'security', '2'], ['2026-11-30', 'architect', '2'], ['2026-12-01', 'reviewer', '1'], ['2026-12-01', 'security', '1']]);
    assert.match(runs.summary, /6 runs by 3 personas over 7 days/);
    assert.equal(runs.empty, null);
  });

  it('durations: the histogram buckets of every persona on one axis, p50/p90 said as bucket bounds', () => {
    const d = chart(view, 'duration');
    // Every log bucket (four per doubling) from 1,024 ms to 8,192 ms: the bars are spaced as the times are.
    assert.equal(d.labels.length, 13);
    assert.deepEqual([d.labels[0], d.labels[1], d.labels[8], d.labels[12]], ['≤ 1.0 s', '≤ 1.2 s', '≤ 4.1 s', '≤ 8.2 s']);
    const security = d.series.find((s) => s.label === 'security')?.data ?? [];
    assert.deepEqual([security[1], security[12], security.reduce((a, b) => a + b, 0)], [1, 1, 2]);
    assert.match(d.summary, /security p50 ≤ 1\.2 s, p90 ≤ 8\.2 s/);
    assert.deepEqual(d.table.rows.find((r) => r[0] === 'reviewer'), ['reviewer', '1', '≤ 4.1 s', '≤ 4.1 s', '≤ 8 ms', '≤ 8 ms']);
  });

  it('tokens and cost per persona: priced in dollars, the demo model free, an editor model unknown (never $0)', () => {
    const t = chart(view, 'tokens');
    assert.deepEqual(t.labels, ['security', 'architect', 'reviewer'], 'most tokens first');
    assert.deepEqual(t.series.map((s) => s.label), ['Input', 'Output', 'Cache read', 'Cache write']);
    const cost = (name: string): string | undefined => t.table.rows.find((r) => r[0] === name)?.[7];
    assert.equal(cost('security'), '$0.0321');
    assert.equal(cost('architect'), 'demo model: free');
    assert.equal(cost('reviewer'), 'cost unknown (unpriced model)');
    const c = chart(view, 'cost');
    assert.deepEqual(c.labels, ['security'], 'only priced personas are drawn in dollars');
    assert.match(c.summary, /security \$0\.0321; architect: demo model, free; reviewer: cost unknown for 700 tokens/);
    assert.equal(view.totals.find((x) => x.label === 'Estimated cost')?.value, '$0.0321 + unknown for 700 unpriced tokens');
  });

  it('the standards funnel and the top zero-hit searches', () => {
    const s = chart(view, 'standards');
    assert.deepEqual(s.series[0]?.data, [4, 2, 1, 1]);
    assert.match(s.summary, /4 proposed, 2 approved, 1 rejected, 1 not decided\. Time to a decision: p50 ≤ 1 min, p90 ≤ 60 min/);
    const z = chart(view, 'zeroHit');
    assert.deepEqual(z.labels, ['graphql pagination', 'feature flags']);
    assert.deepEqual(z.table.rows, [['graphql pagination', '3'], ['feature flags', '2']]);
    assert.match(z.summary, /5 of 12; most often “graphql pagination” \(3\)/);
  });

  it('an empty range says what to do, for everyone or for one persona', () => {
    const report = weekReport();
    const none: MetricsReport = { ...report, totals: { ...report.totals, invocations: 0 }, personas: [], days: [], standards: { proposed: 0, approved: 0, rejected: 0, decisionMs: { count: 0, p50: null, p90: null } }, search: { queries: 0, zeroHit: 0, latencyMs: { count: 0, p50: null, p90: null }, topZeroHit: [] } };
    const empty = metricsViewModel(none, []);
    assert.match(empty.empty ?? '', /No persona has run in this range yet\. Ask a persona \(Personas: Ask a Persona…/);
    assert.equal(chart(empty, 'invocations').empty, 'No persona has run in this range.');
    const one = metricsViewModel({ ...none, persona: 'security' }, ['security']);
    assert.match(one.empty ?? '', /^security has not run in this range yet/);
  });
});

describe('Metrics wording', () => {
  it('costs: dollars, free, unknown, and a mix', () => {
    assert.equal(costText(priced(0.0042)), '$0.0042');
    assert.equal(costText(priced(1.234)), '$1.23');
    assert.equal(costText(demo(900)), 'demo model: free');
    assert.equal(costText(unpriced(10), 'vscode-lm:copilot/gpt-4o'), 'cost unknown (editor model)');
    assert.equal(costText(unpriced(10), 'claude-future-9'), 'cost unknown (no price for claude-future-9)');
    assert.equal(costText(unpriced(10), null), 'cost unknown (model not recorded)');
    assert.equal(costText(costOf([['vscode-lm:x/y', tokens(10, 0)], [DEMO_MODEL_ID, tokens(5, 0)]], BUILT_IN)), 'cost unknown (unpriced model); demo model: free');
    assert.equal(costText(costOf([['claude-sonnet-4-5', tokens(0, 0)]], BUILT_IN)), '$0.00', 'no tokens: nothing to pay');
    assert.equal(costLine(demo(5)), 'Demo model: free');
    assert.equal(costLine(priced(0.5)), 'Cost: $0.500');
    assert.deepEqual(sumCosts([priced(0.25), demo(10), unpriced(5), priced(0.5)]), { usd: 0.75, demoTokens: 10, unpricedTokens: 5 });
    assert.equal(costText(sumCosts([demo(10), demo(5)])), 'demo model: free', 'free stays free, not $0');
    assert.equal(costText(sumCosts([demo(10), priced(0.25)])), '$0.250');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatMs(125_000), '2 min 5 s');
  });

  it("a job's usage lines: duration with queue wait, tokens with cache, cost", () => {
    const job = { status: 'completed' as const, createdAt: 1000, startedAt: 1200, finishedAt: 4300, tokensIn: 1234, tokensOut: 567, cacheReadTokens: 1000, cacheWriteTokens: 200, modelId: 'claude-sonnet-4-5' };
    assert.deepEqual(jobUsageLines(job, priced(0.0123)), ['Ran 3.1 s (after 200 ms in the queue)', 'Tokens: 1,234 in / 567 out (+ cache: 1,000 read, 200 written)', 'Cost: $0.0123']);
    assert.deepEqual(jobUsageLines({ ...job, cacheReadTokens: 0, cacheWriteTokens: 0, modelId: 'demo-model' }, demo(1801)).slice(1), ['Tokens: 1,234 in / 567 out', 'Demo model: free']);
    assert.deepEqual(jobUsageLines({ ...job, modelId: 'vscode-lm:copilot/gpt-4o' }, unpriced(3001)).at(-1), 'Cost unknown (editor model)');
    assert.deepEqual(jobUsageLines({ ...job, status: 'queued', startedAt: null, finishedAt: null, tokensIn: 0, tokensOut: 0 }, priced(0)), [], 'nothing used yet, nothing said');
    assert.deepEqual(jobUsageLines(job, undefined).length, 2, 'no cost line when the metrics are not available');
  });
});

describe("a job's usage in its tooltip and footer", () => {
  /** Prices as services.metrics.jobCost does: the job's tokens under its model id, by the built-in table. */
  const costs: JobCostSource = { jobCost: (j) => costOf([[j.modelId ?? '', tokens(j.tokensIn, j.tokensOut, j.cacheReadTokens, j.cacheWriteTokens)]], BUILT_IN) };
  const job = (p: Partial<JobSummary>): JobSummary => ({
    id: 'j', persona: 'security', task: 't', contextNote: null, priority: 0, status: 'completed', phase: null, percent: 100, message: null, etaMs: null, error: null,
    modelLabel: null, tokensIn: 0, tokensOut: 0, toolCalls: 0, cacheReadTokens: 0, cacheWriteTokens: 0, modelId: null, source: 'palette', attempt: 1,
    createdAt: 0, startedAt: 100, finishedAt: 2100, heartbeatAt: null, expiresAt: null, parentId: null, ...p,
  });

  it('prices a Claude job from its usage: 1M in, 100k out, 1M cache read at Sonnet 4.5 prices', () => {
    const lines = jobUsage(job({ tokensIn: 1_000_000, tokensOut: 100_000, cacheReadTokens: 1_000_000, modelId: 'claude-sonnet-4-5-20250929' }), [], costs);
    // $3 input + $1.50 output + $0.30 cache read, per million tokens.
    assert.deepEqual(lines, ['Ran 2.0 s (after 100 ms in the queue)', 'Tokens: 1,000,000 in / 100,000 out (+ cache: 1,000,000 read, 0 written)', 'Cost: $4.80']);
  });

  it("a panel's lines add up its personas' (its own row has no tokens), each priced by its own model", () => {
    const parent = job({ persona: 'panel', modelLabel: 'demo model, claude-sonnet-4-5' });
    const children = [job({ id: 'a', parentId: 'j', tokensIn: 1000, tokensOut: 100, modelId: DEMO_MODEL_ID }), job({ id: 'b', parentId: 'j', tokensIn: 1_000_000, tokensOut: 0, modelId: 'claude-sonnet-4-5' })];
    assert.deepEqual(jobUsage(parent, children, costs).slice(1), ['Tokens: 1,001,000 in / 100 out', 'Cost: $3.00']);
  });

  it('a row written before model ids were recorded: the demo label still says free; another model is not recorded', () => {
    assert.equal(jobUsage(job({ tokensIn: 10, modelLabel: 'demo model' }), [], costs).at(-1), 'Demo model: free');
    assert.equal(jobUsage(job({ tokensIn: 10, modelLabel: 'Claude Sonnet 4.5' }), [], costs).at(-1), 'Cost unknown (model not recorded)');
    assert.equal(jobUsage(job({ tokensIn: 10, modelId: 'vscode-lm:copilot/gpt-4o' }), [], costs).at(-1), 'Cost unknown (editor model)');
  });
});

describe('Metrics webview messages', () => {
  it('accepts ready and a query for each range, with or without a persona', () => {
    for (const message of [{ type: 'ready' }, { type: 'query', range: '7d', persona: null }, { type: 'query', range: '30d', persona: 'security' }, { type: 'query', range: 'all', persona: null }]) {
      const parsed = parseMetricsMessage(message);
      assert.ok('message' in parsed, JSON.stringify(parsed));
      assert.deepEqual(parsed.message, message);
    }
  });

  const malformed: [string, unknown][] = [
    ['null', null],
    ['an unknown type', { type: 'reset' }],
    ['an unknown range', { type: 'query', range: '1y', persona: null }],
    ['a missing persona', { type: 'query', range: '7d' }],
    ['an empty persona', { type: 'query', range: '7d', persona: '' }],
    ['a persona over 200 characters', { type: 'query', range: '7d', persona: 'p'.repeat(201) }],
    ['an extra field', { type: 'query', range: '7d', persona: null, sql: 'DROP TABLE jobs' }],
  ];
  for (const [name, raw] of malformed) {
    it(`rejects ${name}, saying why in a short line`, () => {
      const parsed = parseMetricsMessage(raw);
      assert.ok('problem' in parsed, `${name} was accepted`);
      assert.ok(parsed.problem.length < 200, parsed.problem);
    });
  }
});

describe('the Metrics page', () => {
  const options = { cspSource: 'https://webview.example', chartUri: 'https://webview.example/media/chart.umd.min.js', scriptUri: 'https://webview.example/media/metrics.js', styleUri: 'https://webview.example/media/metrics.css' };

  it('has a strict CSP with a per-load nonce, loads Chart.js and its script from media/ only, no inline script or handler', () => {
    const a = metricsPageHtml(options);
    const nonce = /script-src 'nonce-([^']+)'/.exec(a)?.[1];
    assert.ok(nonce && nonce.length >= 16);
    assert.notEqual(nonce, /script-src 'nonce-([^']+)'/.exec(metricsPageHtml(options))?.[1], 'a new nonce per load');
    const csp = /content="([^"]+)"/.exec(a)?.[1] ?? '';
    assert.equal(csp, `default-src 'none'; style-src https://webview.example 'nonce-${nonce}'; script-src 'nonce-${nonce}';`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!webview\.example)/);
    const scripts = a.match(/<script[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${nonce}" src="https://webview.example/media/chart.umd.min.js">`, `<script nonce="${nonce}" src="https://webview.example/media/metrics.js">`]);
    assert.doesNotMatch(a, /\son[a-z]+=/i, 'no inline handlers in the page');
    assert.doesNotMatch(a, /<style/i);
    // The range picker and the persona filter are labelled controls.
    assert.match(a, /<label for="range">Range<\/label>\s*<select id="range">/);
    assert.match(a, /<label for="persona">Persona<\/label>\s*<select id="persona">/);
  });

  it('the page script inserts text only as text, and gives every chart a labelled image and a data table', () => {
    const script = readFileSync(join(REPO_ROOT, 'media', 'metrics.js'), 'utf8');
    assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|setTimeout\(['"`]|\.on[a-z]+\s*=/);
    assert.match(script, /el\('canvas', \{ role: 'img'/);
    assert.match(script, /setAttribute\('aria-label', spec\.summary\)/);
    assert.match(script, /el\('details', \{ className: 'data' \}, \[el\('summary', \{ text: 'Data table' \}\)/);
  });

  it('Chart.js is bundled into media/ by the build (no CDN)', () => {
    const file = join(REPO_ROOT, 'media', 'chart.umd.min.js');
    assert.ok(existsSync(file), 'npm run build copies chart.umd.min.js into media/');
    assert.match(readFileSync(file, 'utf8').slice(0, 200), /Chart\.js v4\.[\s\S]*Released under the MIT License/);
  });
});
