// MCP figures: tools/call latency of check_persona_job next to a trivial tool (the SDK's
// floor) over HTTP and stdio, invoke latency with its durable create, and many concurrent
// clients. The real SDK Client and server on both ends. Figures only; goals are reported
// next to them, never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { callJson, callTool, connectHttp, connectStdio, interleaved, textOf, timedCall, type BenchClient, type ToolArgs } from './mcpClients';
import { McpHttpHost } from './mcpHttpHost';
import { fmtMs, percentile, timeIt } from './stats';

const WORKERS = 2; // as the CLI's stdio server has
const RATIO_GOAL = 1.2;
const REVIEWED = 'File: src/pay.ts (file, lines 1-3)\n1| const apiKey = "sk-live-1234567890";\n2| try { charge(); }\n3| catch (e) {}';

export interface McpBenchOptions {
  /** Sequential timed calls per tool and transport. */
  calls: number;
  /** Sequential timed invokes per transport. */
  invokes: number;
  /** Concurrent HTTP clients (each its own session) or stdio callers, and calls each. */
  clients: number;
  callsPerClient: number;
}

/** `--mcp-calls=N --mcp-invokes=N --mcp-clients=N --mcp-calls-per-client=N` override the defaults. */
export function mcpOptionsFrom(argv: string[]): McpBenchOptions {
  const value = (name: string, fallback: number): number => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    const n = arg ? Number(arg.slice(name.length + 3)) : fallback;
    return Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return { calls: value('mcp-calls', 2000), invokes: value('mcp-invokes', 2000), clients: value('mcp-clients', 100), callsPerClient: value('mcp-calls-per-client', 100) };
}

interface Side {
  name: 'HTTP' | 'stdio';
  agent: BenchClient;
  /** A completed demo review in this side's store: what check_persona_job reads. */
  jobId: string;
}

const pad = (name: string): string => name.padEnd(5);
const p50p99 = (values: number[]): string => `p50 ${fmtMs(percentile(values, 50))}, p99 ${fmtMs(percentile(values, 99))}`;
const kB = (chars: number): string => `${(chars / 1024).toFixed(1)} kB`;
const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
/** Untimed calls before the timed ones: a tenth, at least 10. */
const warmupFor = (n: number): number => Math.max(10, Math.round(n / 10));

/** Runs real demo reviews to completion; returns the first job's id. */
async function seed(client: Client, count: number): Promise<string> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await callJson<{ job_id: string }>(client, 'invoke_engineer', { task: `Review the payment code (${i})`, context: REVIEWED })).job_id);
  for (const id of ids) {
    const done = await callJson<{ status: string }>(client, 'check_persona_job', { job_id: id, wait_seconds: 50 });
    if (done.status !== 'completed') throw new Error(`seed job ${id} ended ${done.status}`);
  }
  return ids[0]!;
}

/** check_persona_job on a completed job next to current_date, interleaved. */
async function checkVersusTrivial(side: Side, n: number): Promise<void> {
  const check = { name: 'check_persona_job', args: { job_id: side.jobId, wait_seconds: 0 } };
  const trivial = { name: 'current_date', args: {} };
  const sizes = await Promise.all([check, trivial].map(async (c) => textOf(await callTool(side.agent.client, c.name, c.args)).length));
  const [checks, trivials] = await interleaved(side.agent.client, [check, trivial], n, warmupFor(n));
  const ratio50 = percentile(checks!, 50) / percentile(trivials!, 50);
  const ratio99 = percentile(checks!, 99) / percentile(trivials!, 99);
  console.log(`  ${pad(side.name)} check_persona_job (${kB(sizes[0]!)} answer) ${p50p99(checks!)}; current_date (${kB(sizes[1]!)}) ${p50p99(trivials!)}`);
  console.log(`  ${pad('')} check : trivial  p50 ${ratio50.toFixed(2)}x, p99 ${ratio99.toFixed(2)}x  (goal ≤ ${RATIO_GOAL}x at p50: ${met(ratio50 <= RATIO_GOAL)})`);
  const intl = intlCostMs();
  const floor = percentile(trivials!, 50) - intl;
  const estimate = floor > 0 ? `; against a floor without it, check : floor p50 ≈ ${(percentile(checks!, 50) / floor).toFixed(1)}x (estimate)` : '';
  console.log(`  ${pad('')} current_date is not free: the Intl.DateTimeFormat() it builds per call takes ${fmtMs(intl)} in this process${estimate}`);
}

/** What current_date spends on `Intl.DateTimeFormat().resolvedOptions()` per call, measured here. */
function intlCostMs(): number {
  const zone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (let i = 0; i < 200; i++) zone();
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    zone();
    times.push(performance.now() - t);
  }
  return percentile(times, 50);
}

/** The concurrent callers' mix by call number: 60% check_persona_job, 30% list_persona_jobs, 10% current_date. */
function mixCall(k: number, jobId: string): { name: string; args: ToolArgs } {
  const r = k % 10;
  if (r < 6) return { name: 'check_persona_job', args: { job_id: jobId, wait_seconds: 0 } };
  if (r < 9) return { name: 'list_persona_jobs', args: {} };
  return { name: 'current_date', args: {} };
}

/** Every caller runs its calls one after another; all callers at once. */
async function concurrentMix(label: string, callers: Client[], callsEach: number, jobId: string): Promise<void> {
  const byTool = new Map<string, number[]>();
  const all: number[] = [];
  const errors: string[] = [];
  const [, wallMs] = await timeIt(() =>
    Promise.all(
      callers.map(async (client, c) => {
        for (let j = 0; j < callsEach; j++) {
          // Offset by caller, so the callers are not all on the same tool at once.
          const call = mixCall(j + c, jobId);
          try {
            const ms = await timedCall(client, call.name, call.args);
            all.push(ms);
            const mine = byTool.get(call.name) ?? [];
            mine.push(ms);
            byTool.set(call.name, mine);
          } catch (err) {
            errors.push(err instanceof Error ? err.message : String(err));
          }
        }
      }),
    ),
  );
  const total = callers.length * callsEach;
  console.log(`  ${label}: ${total} calls in ${(wallMs / 1000).toFixed(2)} s = ${Math.round(total / (wallMs / 1000))} calls/s; per call ${p50p99(all)}; errors ${errors.length} (goal 0: ${met(errors.length === 0)})`);
  console.log(`    by tool: ${[...byTool].map(([name, v]) => `${name} (${v.length}) ${p50p99(v)}`).join('; ')}`);
  if (errors.length > 0) console.log(`    first error: ${errors[0]}`);
}

/**
 * invoke_engineer returns a job id once the job is durably created. Hung demo jobs hold
 * every worker first, so the invoked jobs stay queued and nothing runs beside the
 * calls; reset_persona_jobs then deletes them and the blockers are cancelled.
 */
async function invokeFigures(side: Side, n: number): Promise<void> {
  const client = side.agent.client;
  const blockers: string[] = [];
  for (let i = 0; i < WORKERS; i++) blockers.push((await callJson<{ job_id: string }>(client, 'invoke_engineer', { task: `bench blocker [[demo:hang]]`, priority: 10 })).job_id);
  for (let i = 0; i < warmupFor(n); i++) await callTool(client, 'invoke_engineer', { task: `bench warm-up ${i}` });
  const latencies: number[] = [];
  for (let i = 0; i < n; i++) latencies.push(await timedCall(client, 'invoke_engineer', { task: `bench invoke ${i}` }));
  const stats = await callJson<{ counts: Record<string, number>; running: number }>(client, 'persona_database_stats');
  const { deleted } = await callJson<{ deleted: number }>(client, 'reset_persona_jobs', { confirm: true });
  for (const id of blockers) await callTool(client, 'cancel_persona_job', { job_id: id });
  console.log(`  ${pad(side.name)} invoke_engineer ${p50p99(latencies)}  (afterwards: ${stats.counts['queued'] ?? 0} queued, ${stats.running} running = the blockers; reset deleted ${deleted})`);
}

export async function mcpBench(options: McpBenchOptions): Promise<void> {
  const started = performance.now();
  const httpDir = mkdtempSync(join(tmpdir(), 'agent-os-bench-mcp-http-'));
  const stdioDir = mkdtempSync(join(tmpdir(), 'agent-os-bench-mcp-stdio-'));
  const stderr: string[] = [];
  const open: BenchClient[] = [];
  let host: McpHttpHost | undefined;
  try {
    const server = await McpHttpHost.start(httpDir, WORKERS);
    host = server;
    const httpAgent = await connectHttp(server, 'bench-http');
    const stdioAgent = await connectStdio(stdioDir, stderr);
    open.push(httpAgent, stdioAgent);
    // 20 jobs over HTTP so that list_persona_jobs answers a full page to the concurrent callers.
    const sides: Side[] = [
      { name: 'HTTP', agent: httpAgent, jobId: await seed(httpAgent.client, 20) },
      { name: 'stdio', agent: stdioAgent, jobId: await seed(stdioAgent.client, 1) },
    ];

    console.log(`\nMCP (the real SDK Client and server; HTTP: startMcpHttp on loopback with the bearer token, on a thread of its own; stdio: \`node dist/cli.js mcp\`, a child owning its own store; demo model, ${WORKERS} workers each):`);
    console.log(`tools/call latency, ${options.calls} sequential calls per tool after ${warmupFor(options.calls)} warm-up rounds, the two tools interleaved; check_persona_job on a completed review, wait_seconds 0:`);
    for (const side of sides) await checkVersusTrivial(side, options.calls);

    // The concurrent callers come before the invokes, whose reset deletes the jobs they read.
    console.log(`concurrent callers; the mix: 60% check_persona_job, 30% list_persona_jobs (a page of 20), 10% current_date:`);
    const [crowd, connectMs] = await timeIt(() => Promise.all(Array.from({ length: options.clients }, (_, i) => connectHttp(server, `bench-crowd-${i}`))));
    try {
      const sessions = await server.sessions();
      await server.markLoop();
      await concurrentMix(`HTTP, ${options.clients} clients (each its own session; ${sessions} open on the server, the first client's included; connected together in ${fmtMs(connectMs)}) × ${options.callsPerClient} calls`, crowd.map((a) => a.client), options.callsPerClient, sides[0]!.jobId);
      console.log(`    the server's event loop (its own thread) was busy ${(100 * (await server.loopSinceMark())).toFixed(0)}% of that time; the clients share the bench's main thread`);
    } finally {
      await Promise.all(crowd.map((a) => a.close().catch(() => undefined)));
    }
    // One stdio child per agent would be 100 processes with 2 worker threads each on this
    // machine; instead, one child with as many callers sharing its pipe (an agent's parallel tool calls).
    await concurrentMix(`stdio, one child, ${options.clients} concurrent callers on its pipe × ${options.callsPerClient} calls`, Array.from({ length: options.clients }, () => stdioAgent.client), options.callsPerClient, sides[1]!.jobId);

    console.log(`invoke latency (durable create included; the job id comes back at once), ${options.invokes} sequential invoke_engineer calls, context-less task, after ${warmupFor(options.invokes)} warm-up; ${WORKERS} hung demo jobs hold the workers, so the invoked jobs stay queued and none runs meanwhile:`);
    for (const side of sides) await invokeFigures(side, options.invokes);
  } catch (err) {
    if (stderr.length > 0) console.error(`stdio server's stderr:\n${stderr.join('')}`);
    throw err;
  } finally {
    await Promise.all(open.map((a) => a.close().catch(() => undefined)));
    await host?.close();
    rmSync(httpDir, { recursive: true, force: true });
    rmSync(stdioDir, { recursive: true, force: true });
  }
  console.log(`  MCP section: ${((performance.now() - started) / 1000).toFixed(1)} s. Reproduce: npm run bench -- --only-mcp  (smaller: --mcp-calls=N --mcp-invokes=N --mcp-clients=N --mcp-calls-per-client=N)`);
}
