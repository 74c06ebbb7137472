import assert from 'node:assert/strict';
import { TERMINAL_STATUSES, type JobSummary } from '../../src/jobs/types';
import type { MetricsReport } from '../../src/metrics/reportTypes';
import type { PersonaServices } from '../../src/services';
import { settledJob } from './settledJob';

/**
 * A mix of job ends on real services (the pool, the worker, the demo model): reviews that
 * complete (one with tool calls), two that fail (the model refuses the key; the model is
 * unknown), one cancelled while running and one cancelled while queued.
 */
export async function runJobMix(services: PersonaServices): Promise<void> {
  const { jobs, store, watch } = services;
  const settle = (job: JobSummary): Promise<unknown> => settledJob({ watch, store }, job.id);
  const context = { text: 'export const apiKey = "sk-live-abcdef123456";\n' };
  await Promise.all([
    jobs.ask({ persona: 'security', task: 'Review this', context }).then(settle),
    jobs.ask({ persona: 'security', task: 'Review again', context }).then(settle),
    jobs.ask({ persona: 'qa', task: 'Check the tests [[demo:tools]]', context }).then(settle),
  ]);
  await settle(await jobs.ask({ persona: 'sre', task: 'Review [[demo:401]]', context }));
  await settle(await jobs.ask({ persona: 'data', task: 'Review [[demo:404]]', context }));
  const hanging = await jobs.ask({ persona: 'architect', task: 'Review [[demo:hang]]', context });
  await waitForStatus(services, hanging.id, 'running');
  await jobs.cancel(hanging.id);
  const queued = await jobs.ask({ persona: 'engineer', task: 'Never runs', context, priority: -10 });
  if (!TERMINAL_STATUSES.has(store.require(queued.id).status)) await jobs.cancel(queued.id).catch(() => undefined);
}

async function waitForStatus(services: PersonaServices, id: string, status: string): Promise<void> {
  for await (const job of services.watch.watch(id, { signal: AbortSignal.timeout(30_000) })) {
    if (job.status === status || TERMINAL_STATUSES.has(job.status)) return;
  }
  throw new Error(`job ${id} never became ${status}`);
}

/** What the job rows say, per persona, in the report's terms: the counters must equal it. */
export function fromRows(services: PersonaServices): Record<string, { invocations: number; completed: number; failed: number; cancelled: number; failedByCode: Record<string, number>; tokensIn: number; tokensOut: number; toolCalls: number }> {
  const out: ReturnType<typeof fromRows> = {};
  for (const job of services.store.listSummaries({ limit: 500 })) {
    if (!TERMINAL_STATUSES.has(job.status)) continue;
    const p = (out[job.persona] ??= { invocations: 0, completed: 0, failed: 0, cancelled: 0, failedByCode: {}, tokensIn: 0, tokensOut: 0, toolCalls: 0 });
    p.invocations += 1;
    p[job.status as 'completed' | 'failed' | 'cancelled'] += 1;
    if (job.status === 'failed') p.failedByCode[job.error!.code] = (p.failedByCode[job.error!.code] ?? 0) + 1;
    p.tokensIn += job.tokensIn;
    p.tokensOut += job.tokensOut;
    p.toolCalls += job.toolCalls;
  }
  return out;
}

/** The report's per-persona figures in the same terms. */
export function fromReport(report: MetricsReport): ReturnType<typeof fromRows> {
  return Object.fromEntries(report.personas.map((p) => [p.persona, { invocations: p.invocations, completed: p.completed, failed: p.failed, cancelled: p.cancelled, failedByCode: p.failedByCode, tokensIn: p.tokens.input, tokensOut: p.tokens.output, toolCalls: p.toolCalls }]));
}

export function assertSameCounts(report: MetricsReport, services: PersonaServices, message?: string): void {
  assert.deepEqual(fromReport(report), fromRows(services), message);
}
