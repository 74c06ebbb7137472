import type { MetricsReport, Percentiles } from '../metrics/reportTypes';
import { costText, formatCount, formatMs } from '../metrics/wording';

/** `metrics --format table`: the report as fixed-width text for a terminal (the JSON is the contract; this is for eyes). */
export function metricsTable(report: MetricsReport): string {
  const out: string[] = [];
  const since = report.range.since ? report.range.since.slice(0, 10) : 'the first kept day';
  out.push(`Persona metrics, ${report.range.label} (${since} to ${report.range.until.slice(0, 10)}, UTC)${report.persona ? `, persona ${report.persona}` : ''}`);
  out.push('');
  const t = report.totals;
  out.push(`Runs ${t.invocations}: ${t.completed} completed, ${t.failed} failed, ${t.cancelled} cancelled; ${t.toolCalls} tool calls`);
  out.push(`Tokens: ${formatCount(t.tokens.input)} in, ${formatCount(t.tokens.output)} out, ${formatCount(t.tokens.cacheRead)} cache read, ${formatCount(t.tokens.cacheWrite)} cache write; cost: ${costText(t.cost)}`);
  out.push('');
  if (report.personas.length === 0) {
    out.push('No runs in this range. Ask a persona (agent-os-personas review --persona security <file>), then look again.');
  } else {
    out.push(table(
      ['persona', 'runs', 'ok', 'failed', 'cancel', 'p50', 'p90', 'wait p50', 'tokens in', 'tokens out', 'cost'],
      report.personas.map((p) => [p.persona, p.invocations, p.completed, p.failed, p.cancelled, ms(p.durationMs.p50), ms(p.durationMs.p90), ms(p.queueWaitMs.p50), p.tokens.input, p.tokens.output, costText(p.cost)]),
    ));
    const failures = report.personas.flatMap((p) => Object.entries(p.failedByCode).map(([code, n]) => `${p.persona} ${code} ×${n}`));
    if (failures.length > 0) out.push(`Failures: ${failures.join(', ')}`);
  }
  out.push('');
  const s = report.standards;
  out.push(`Standards: ${s.proposed} proposed, ${s.approved} approved, ${s.rejected} rejected; time to decision p50 ${ms(s.decisionMs.p50)}`);
  const q = report.search;
  out.push(`Searches: ${q.queries} (${q.zeroHit} found nothing), latency ${percent(q.latencyMs)}`);
  if (q.topZeroHit.length > 0) out.push(`  found nothing: ${q.topZeroHit.map((z) => `"${z.query}" ×${z.count}`).join(', ')}`);
  if (report.mcp.length > 0) {
    out.push('');
    out.push(table(['MCP tool', 'calls', 'errors', 'p50', 'p90'], report.mcp.map((m) => [m.tool, m.calls, m.errors, ms(m.latencyMs.p50), ms(m.latencyMs.p90)])));
  }
  if (report.workflows.length > 0) {
    out.push('');
    out.push(table(['workflow', 'started', 'completed', 'refusals by phase'], report.workflows.map((w) => [w.workflow, w.started, w.completed, Object.entries(w.refusalsByPhase).map(([phase, n]) => `${phase}: ${n}`).join(', ') || '-'])));
  }
  out.push('');
  out.push(`Prices: ${report.prices.source === 'settings' ? 'built in, with agentOsPersonas.metrics.prices over them' : 'built in'}. Durations are bucket bounds (within 19%).`);
  return out.join('\n');
}

function ms(value: number | null): string {
  return value === null ? '-' : formatMs(value);
}

function percent(p: Percentiles): string {
  return p.count === 0 ? '-' : `p50 ${ms(p.p50)}, p90 ${ms(p.p90)}`;
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: string[]): string => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
