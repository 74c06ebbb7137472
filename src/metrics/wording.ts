// Metrics in words: costs, durations and token counts as the Metrics view, a job's tooltip, its
// result footer and `metrics --format table` say them, so every surface says them alike.
import type { JobSummary } from '../jobs/types';
import { DEMO_MODEL_ID, DEMO_MODEL_LABEL } from '../personas/demoModel/server';
import type { Cost } from './reportTypes';

const EDITOR_MODEL_PREFIX = 'vscode-lm:';

/** "1,234": counts read the same in every view. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** "$0.0042", "$0.512", "$1.23": small costs keep more decimals so a cheap run is not shown as $0.00. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  return `$${usd.toFixed(usd < 0.1 ? 4 : usd < 1 ? 3 : 2)}`;
}

/** "850 ms", "3.1 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest > 0 ? `${m} min ${rest} s` : `${m} min`;
}

/**
 * A cost as a person should read it. The demo model is free and says so; a model with no price
 * is unknown, never "$0.00" (an editor chat model's price is not ours to know); a mix says both.
 * `modelId` is one job's model (null: not recorded, as for jobs that ended before it was);
 * without it the cost is a sum over runs of whatever models they used.
 */
export function costText(cost: Cost, modelId?: string | null): string {
  if (cost.unpricedTokens > 0) {
    if (cost.usd === null) return unknownCost(modelId) + (modelId === undefined && cost.demoTokens > 0 ? '; demo model: free' : '');
    return `${formatUsd(cost.usd)} + unknown for ${formatCount(cost.unpricedTokens)} unpriced tokens`;
  }
  // Demo tokens add nothing to the dollars: only-demo usage is free, and says so rather than "$0.00".
  if (cost.demoTokens > 0 && !cost.usd) return 'demo model: free';
  if (cost.usd === null) return 'no tokens used';
  return formatUsd(cost.usd);
}

function unknownCost(modelId: string | null | undefined): string {
  if (modelId === undefined) return 'cost unknown (unpriced model)';
  if (modelId === null || modelId === '') return 'cost unknown (model not recorded)';
  if (modelId.startsWith(EDITOR_MODEL_PREFIX)) return 'cost unknown (editor model)';
  return `cost unknown (no price for ${modelId})`;
}

/** "Cost: $0.0123", "Demo model: free", "Cost unknown (editor model)". */
export function costLine(cost: Cost, modelId?: string | null): string {
  const text = costText(cost, modelId);
  return text.startsWith('$') ? `Cost: ${text}` : `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** Costs added up (a panel's is its personas'): dollars where any are priced, null where none are. */
export function sumCosts(costs: Cost[]): Cost {
  let usd: number | null = null;
  let demoTokens = 0;
  let unpricedTokens = 0;
  for (const c of costs) {
    if (c.usd !== null) usd = (usd ?? 0) + c.usd;
    demoTokens += c.demoTokens;
    unpricedTokens += c.unpricedTokens;
  }
  return { usd, demoTokens, unpricedTokens };
}

/** The usage fields of a job the tooltip and footer read; `modelId` undefined: a sum over several models. */
export type JobUsage = Pick<JobSummary, 'status' | 'createdAt' | 'startedAt' | 'finishedAt' | 'tokensIn' | 'tokensOut' | 'cacheReadTokens' | 'cacheWriteTokens'> & {
  modelId?: string | null;
};

/** "Ran 3.1 s (after 0.2 s in the queue)", or null before the job has ended. */
export function jobDurationText(job: JobUsage): string | null {
  if (job.startedAt === null || job.finishedAt === null) return null;
  const wait = job.startedAt - job.createdAt;
  return `Ran ${formatMs(job.finishedAt - job.startedAt)}${wait >= 1 ? ` (after ${formatMs(wait)} in the queue)` : ''}`;
}

/** "Tokens: 1,234 in / 567 out (+ cache: 1,000 read, 200 written)". Input excludes cached tokens, as the Messages API counts them. */
export function jobTokensText(job: JobUsage): string {
  const read = job.cacheReadTokens;
  const written = job.cacheWriteTokens;
  const cache = read + written > 0 ? ` (+ cache: ${formatCount(read)} read, ${formatCount(written)} written)` : '';
  return `Tokens: ${formatCount(job.tokensIn)} in / ${formatCount(job.tokensOut)} out${cache}`;
}

/**
 * What a job used, one fact per line: duration, tokens, cost. `cost` is undefined when the
 * metrics are not available (no cost line then, rather than a guess).
 */
export function jobUsageLines(job: JobUsage, cost: Cost | undefined): string[] {
  const lines: string[] = [];
  const duration = jobDurationText(job);
  if (duration) lines.push(duration);
  if (job.finishedAt !== null || job.tokensIn + job.tokensOut > 0) {
    lines.push(jobTokensText(job));
    if (cost) lines.push(costLine(cost, job.modelId));
  }
  return lines;
}

/** Prices a job's tokens (`services.metrics`). */
export interface JobCostSource {
  jobCost(job: { tokensIn: number; tokensOut: number; cacheReadTokens: number; cacheWriteTokens: number; modelId: string | null }): Cost;
}

function costOfJob(costs: JobCostSource, job: JobUsage & Pick<JobSummary, 'modelLabel'>): Cost {
  return costs.jobCost({ tokensIn: job.tokensIn, tokensOut: job.tokensOut, cacheReadTokens: job.cacheReadTokens, cacheWriteTokens: job.cacheWriteTokens, modelId: modelIdOf(job) });
}

/**
 * The model a job was priced by. A row written before model ids were recorded has none, but
 * its label still says when the demo model answered, and that one is known to be free.
 */
function modelIdOf(job: Pick<JobSummary, 'modelLabel'> & { modelId?: string | null }): string | null {
  if (job.modelId) return job.modelId;
  return job.modelLabel === DEMO_MODEL_LABEL ? DEMO_MODEL_ID : null;
}

/**
 * What a job used, one fact per line (duration, tokens, cost). A panel's own row carries no
 * tokens (its personas do, each counted once), so a panel's lines add up its personas'.
 */
export function jobUsage(job: JobSummary, children: JobSummary[], costs: JobCostSource | undefined): string[] {
  if (children.length === 0) return jobUsageLines({ ...job, modelId: modelIdOf(job) }, costs && costOfJob(costs, job));
  const sum = (pick: (c: JobUsage) => number): number => children.reduce((n, c) => n + pick(c), 0);
  const total: JobUsage = {
    ...job,
    tokensIn: sum((c) => c.tokensIn),
    tokensOut: sum((c) => c.tokensOut),
    cacheReadTokens: sum((c) => c.cacheReadTokens),
    cacheWriteTokens: sum((c) => c.cacheWriteTokens),
    modelId: undefined,
  };
  return jobUsageLines(total, costs ? sumCosts(children.map((c) => costOfJob(costs, c))) : undefined);
}
