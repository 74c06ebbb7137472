import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { PersonaError, type PersonaErrorCode } from '../core/errors';
import { ensurePrivateFolder } from '../core/privateFolder';
import { JournaledDatabase } from '../jobs/journaledDatabase';
import { StoreLock } from '../jobs/storeLock';
import { MetricsService } from '../metrics/metricsService';
import { checkReportRequest } from '../metrics/report';
import type { MetricsRange, MetricsReport } from '../metrics/reportTypes';
import { connectToStoreOwner } from '../mcp/endpointTrust';
import { SERVER_VERSION } from '../mcp/server';
import { STORE_SCHEMA } from '../services';
import { EXIT } from './exitCodes';
import { metricsTable } from './metricsTable';
import { ownerToolAnswer } from './ownerAnswer';

export interface MetricsArgs {
  range: MetricsRange;
  persona: string | null;
  format: 'json' | 'table';
}

/** `metrics [--since 7d|30d|all] [--persona id] [--format json|table]`. */
export function parseMetricsArgs(args: string[]): MetricsArgs {
  let range: unknown = '7d';
  let persona: string | null = null;
  let format: unknown = 'json';
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new PersonaError('INVALID_INPUT', `${flag} needs a value.`, 'For example: agent-os-personas metrics --since 30d --persona security --format table');
      return v;
    };
    if (flag === '--since') range = value();
    else if (flag === '--persona') persona = value();
    else if (flag === '--format') format = value();
    else throw new PersonaError('INVALID_INPUT', `metrics has no option "${flag.slice(0, 40)}".`, 'See agent-os-personas --help.');
  }
  if (format !== 'json' && format !== 'table') throw new PersonaError('INVALID_INPUT', `--format "${String(format).slice(0, 40)}" is not json or table.`, 'Use --format json (the default, docs/metrics.schema.json) or --format table.');
  return { ...checkReportRequest(range, persona), format };
}

/**
 * Prints the metrics report. When no process owns the folder's store it is read here, under
 * the store's lock, without the worker pool (a read starts no workers); when one does (VS Code
 * has the folder open), the owner is asked through its MCP endpoint, as `review` does.
 */
export async function runMetrics(args: MetricsArgs, io: { workspaceRoot: string; log: (line: string) => void; print: (text: string) => void }): Promise<number> {
  const report = await readHere(args, io).catch(async (err: unknown) => {
    if (!(err instanceof PersonaError && err.code === 'STORE_LOCKED')) throw err;
    return readThroughOwner(args, io.workspaceRoot);
  });
  io.print(args.format === 'table' ? metricsTable(report) : JSON.stringify(report, null, 2));
  return EXIT.COMPLETED;
}

async function readHere(args: MetricsArgs, io: { workspaceRoot: string; log: (line: string) => void }): Promise<MetricsReport> {
  const dataDir = join(io.workspaceRoot, '.agent-os');
  ensurePrivateFolder(dataDir);
  const lock = await StoreLock.acquire(dataDir, 'CLI (metrics)', (err) => io.log(`store lock lost: ${err.message}`), io.log);
  try {
    const database = await JournaledDatabase.open({ dir: dataDir, schema: STORE_SCHEMA, now: Date.now, log: io.log });
    try {
      const metrics = new MetricsService({ database, log: io.log });
      const report = metrics.report({ range: args.range, persona: args.persona });
      await metrics.dispose();
      return report;
    } finally {
      await database.close();
    }
  } finally {
    await lock.dispose();
  }
}

async function readThroughOwner(args: MetricsArgs, workspaceRoot: string): Promise<MetricsReport> {
  const client = new Client({ name: 'agent-os-personas-cli', version: SERVER_VERSION });
  await connectToStoreOwner(workspaceRoot, client, fetch);
  try {
    const result = (await client.callTool({ name: 'persona_metrics', arguments: { since: args.range, ...(args.persona ? { persona: args.persona } : {}) } }, CallToolResultSchema)) as CallToolResult;
    const out = ownerToolAnswer(result);
    if ('failure' in out) throw new PersonaError(out.failure.code as PersonaErrorCode, out.failure.message, out.failure.hint);
    return out.answer as MetricsReport;
  } finally {
    await client.close().catch(() => undefined);
  }
}
