// Load with faults: many persona jobs from several MCP clients at once — stdio proxies (real
// `agent-os-personas mcp` children forwarding to this process, the store's owner) and HTTP
// clients (the real SDK client with the bearer token) — while the demo model answers each
// request at random (seeded) with a review, 429, 529, 500, a stream cut mid-answer, or a hang.
// Shared by `npm run bench -- --load` (bench/load.ts) and its CI-sized unit test
// (test/unit/loadFaults.test.ts): both read the same report.
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startMcpHttp, type McpHttpEndpoint } from '../src/mcp/httpServer';
import { removeEndpointFile, writeEndpointFile } from '../src/mcp/endpointFile';
import type { JobSummary } from '../src/jobs/types';
import { waitFor } from '../test/harness/waitFor';
import { demoSettings, startDemoServices } from '../test/unit/demoServices';
import { connectHttp, connectStdio, textOf, type BenchClient } from './mcpClients';

const PERSONAS = ['engineer', 'security', 'qa'] as const;
const CONTEXT = 'File: src/pay.ts (file, lines 1-3)\n1| export function pay(amount: number) {\n2|   return charge(amount * 100);\n3| }';
/**
 * A job's deadline: its limit on a ready worker, after at most the same limit waiting for a fresh
 * worker to load (the pool bounds both), plus this slack for the timer and the store write.
 */
const DEADLINE_SLACK_MS = 3000;

export interface LoadOptions {
  jobs: number;
  stdioClients: number;
  httpClients: number;
  /** Seeds the demo model's draws: the same seed gives the same faults per job and attempt. */
  seed: number;
  workers: number;
  /** Each job's wall-clock limit on its worker: what ends a hung request. */
  jobTimeoutMs: number;
  /** The model client's per-request timeout (the Anthropic SDK's `timeout`, retried by it). */
  requestTimeoutSeconds: number;
  /** Gives up waiting for the jobs to end after this long; what is still open is reported. */
  drainTimeoutMs: number;
}

/** One acknowledged job as the store has it at the end, and who asked for it. */
export interface LoadJob {
  id: string;
  client: string;
  row: JobSummary | undefined;
}

export interface LoadReport {
  options: LoadOptions;
  jobs: LoadJob[];
  /** invoke_* calls that answered an error instead of a job id. */
  refused: string[];
  /** Acknowledged ids the store or the asking client's check_persona_job does not know. */
  lost: string[];
  /** Still queued or running when the drain gave up. */
  open: string[];
  /** Failed without an error code or without a hint. */
  withoutHint: string[];
  /** Ended later than started + twice the job timeout (warm-up, then the run) + slack. */
  late: string[];
  /** Read back through the asking client with a status other than the store's. */
  misread: string[];
  /** Pool size and live worker threads, sampled every 20 ms and at every worker replacement. */
  poolSizes: Set<number>;
  liveWorkers: Set<number>;
  replacedWorkers: number;
  /** Requests the demo model served, by the script each drew. */
  served: Map<string, number>;
  /** How each stdio child said it was serving (proxying is the point). */
  stdioModes: string[];
  queueWaitMs: number[];
  /** From the first invoke sent to the last job's end. */
  drainMs: number;
  /** Opening the owner's services and connecting every client. */
  setupMs: number;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export async function runLoad(workspace: string, options: LoadOptions): Promise<LoadReport> {
  const opened = Date.now();
  const services = await startDemoServices(workspace, {
    ownerKind: 'load bench',
    workerCount: options.workers,
    jobTimeoutMs: () => options.jobTimeoutMs,
    // The wait for a fresh worker bounded by the same figure, so a job's deadline is twice it.
    workerStartTimeoutMs: options.jobTimeoutMs,
    modelSettings: () => ({ ...demoSettings(), requestTimeoutSeconds: options.requestTimeoutSeconds }),
  });
  const dataDir = join(workspace, '.agent-os');
  let endpoint: McpHttpEndpoint | undefined;
  const clients: { name: string; agent: BenchClient }[] = [];
  const stderr: string[][] = [];
  const poolSizes = new Set<number>();
  const liveWorkers = new Set<number>();
  const sample = (): void => {
    poolSizes.add(services.pool.size);
    liveWorkers.add(services.pool.liveWorkers);
  };
  let replacedWorkers = 0;
  const unsubscribe = services.pool.events.on('worker:replaced', () => {
    replacedWorkers++;
    sample();
  });
  const sampler = setInterval(sample, 20);
  const served = new Map<string, number>();
  try {
    const demo = await services.models.demoServer();
    demo.events.on('request', (r) => {
      const draw = r.status !== undefined ? String(r.status) : r.script;
      served.set(draw, (served.get(draw) ?? 0) + 1);
    });
    // The clients connect while the workers warm up (each loads the SDK): the run's setup is most of a CI-sized run.
    const warm = services.pool.ready();
    endpoint = await startMcpHttp(services);
    // As VS Code does: the endpoint file is how a stdio server finds the owner to proxy to.
    writeEndpointFile(dataDir, { url: endpoint.url, token: endpoint.token, pid: process.pid, owner: 'load bench' });
    const http = endpoint;
    const connected = await Promise.all([
      ...Array.from({ length: options.stdioClients }, async (_, i) => {
        const lines: string[] = [];
        stderr.push(lines);
        return { name: `stdio-${i}`, agent: await connectStdio(workspace, lines) };
      }),
      ...Array.from({ length: options.httpClients }, async (_, i) => ({ name: `http-${i}`, agent: await connectHttp(http, `load-http-${i}`) })),
    ]);
    clients.push(...connected);
    await warm;

    const started = Date.now();
    const refused: string[] = [];
    const asked = await Promise.all(
      Array.from({ length: options.jobs }, async (_, i) => {
        const { name, agent } = clients[i % clients.length]!;
        const persona = PERSONAS[i % PERSONAS.length]!;
        const result = (await agent.client.callTool({ name: `invoke_${persona}`, arguments: { task: `Load job ${i} [[demo:mix-${options.seed * 100_000 + i}]]`, context: CONTEXT } })) as CallToolResult;
        if (result.isError) {
          refused.push(`job ${i} via ${name}: ${textOf(result)}`);
          return undefined;
        }
        return { id: String((JSON.parse(textOf(result)) as { job_id: string }).job_id), client: name, agent: agent.client };
      }),
    );
    const acknowledged = asked.filter((a): a is NonNullable<typeof a> => a !== undefined);
    const ended = (id: string): boolean => TERMINAL.has(services.store.summary(id)?.status ?? 'lost');
    await waitFor(() => acknowledged.every((a) => ended(a.id)), { timeoutMs: options.drainTimeoutMs, message: 'the load jobs to end', intervalMs: 100 }).catch(() => undefined);
    sample();

    const jobs: LoadJob[] = acknowledged.map((a) => ({ id: a.id, client: a.client, row: services.store.summary(a.id) }));
    const misread: string[] = [];
    const lost = jobs.filter((j) => !j.row).map((j) => j.id);
    // Every job read back through the client that asked for it: through its proxy, or over HTTP.
    await Promise.all(
      acknowledged.map(async (a) => {
        const result = (await readJob(a.agent, a.id)) as CallToolResult;
        const status = result.isError ? 'not found' : (JSON.parse(textOf(result)) as { status: string }).status;
        if (result.isError) lost.push(a.id);
        else if (status !== services.store.summary(a.id)?.status) misread.push(`${a.id} via ${a.client}: ${status}`);
      }),
    );
    const finished = jobs.flatMap((j) => (j.row?.finishedAt != null ? [j.row.finishedAt] : []));
    return {
      options,
      jobs,
      refused,
      lost: [...new Set(lost)],
      open: jobs.filter((j) => j.row && !TERMINAL.has(j.row.status)).map((j) => j.id),
      withoutHint: jobs.filter((j) => j.row?.status === 'failed' && !(j.row.error?.code && j.row.error.hint)).map((j) => j.id),
      late: jobs.filter((j) => j.row?.startedAt != null && j.row.finishedAt != null && j.row.finishedAt - j.row.startedAt > 2 * options.jobTimeoutMs + DEADLINE_SLACK_MS).map((j) => j.id),
      misread,
      poolSizes,
      liveWorkers,
      replacedWorkers,
      served,
      stdioModes: stderr.map((lines) => stdioMode(lines.join(''))),
      queueWaitMs: jobs.flatMap((j) => (j.row?.startedAt != null ? [j.row.startedAt - j.row.createdAt] : [])),
      drainMs: finished.length > 0 ? Math.max(...finished) - started : NaN,
      setupMs: started - opened,
    };
  } finally {
    clearInterval(sampler);
    unsubscribe();
    await Promise.all(clients.map((c) => c.agent.close().catch(() => undefined)));
    if (endpoint) {
      removeEndpointFile(dataDir, endpoint.token);
      await endpoint.close();
    }
    await services.dispose(0);
  }
}

/** What a stdio child said on stderr about how it serves: `proxy` is what this run means to test. */
function stdioMode(stderr: string): string {
  if (/forwarding to/.test(stderr)) return 'proxy';
  if (/this process owns the job store/.test(stderr)) return 'owner';
  return `unknown (${stderr.slice(0, 200)})`;
}

function readJob(client: Client, id: string): Promise<unknown> {
  return client.callTool({ name: 'check_persona_job', arguments: { job_id: id } });
}

/** One failed job's message and hint per error code: what a user of each outcome reads. */
export function examples(report: LoadReport): Map<string, string> {
  const byCode = new Map<string, string>();
  for (const j of report.jobs) {
    const e = j.row?.status === 'failed' ? j.row.error : null;
    if (e && !byCode.has(e.code)) byCode.set(e.code, `${e.message} — hint: ${e.hint}`);
  }
  return byCode;
}

/** The jobs' ends, counted: `completed`, `failed MODEL_RATE_LIMITED`, ... */
export function outcomes(report: LoadReport): Map<string, number> {
  const counts = new Map<string, number>();
  for (const j of report.jobs) {
    const key = j.row ? (j.row.status === 'failed' ? `failed ${j.row.error?.code ?? '(no code)'}` : j.row.status) : 'lost';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}
