/**
 * The OpenTelemetry side of tracing: the entry of the separate bundle dist/telemetry.js, loaded
 * (by loadTracing.ts) only when tracing is on, so nothing here costs anything when it is off.
 *
 * Spans, by the GenAI and MCP semantic conventions:
 * - `invoke_agent <persona>` per job run, from job:started to its terminal event (host side);
 * - `chat <model>` and `execute_tool <tool>`, timed by the worker and posted as records, created
 *   here with the worker's times as children of the job's span;
 * - `tools/call <tool>` per MCP call, a child of the caller's `traceparent` when it sent one. The
 *   call runs inside that span's context, so a job it creates joins the caller's trace.
 *
 * Nothing is registered globally (no global tracer provider, context manager or propagator):
 * the VS Code extension host is shared with other extensions, which may run OpenTelemetry of
 * their own. The context manager and the tracer are this module's alone.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, defaultTextMapSetter, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type Span as SdkSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { countOf } from '../core/plural';
import { redactSecrets } from '../core/redact';
import { toolCallOutcome, type ToolCallHook } from '../core/toolCalls';
import type { JobStore } from '../jobs/jobStore';
import type { JobSummary } from '../jobs/types';
import type { PoolTracing } from '../jobs/workerPool';
import type { RunTrace, SpanRecord } from '../jobs/workerProtocol';
import type { TracingConfig } from './tracingConfig';

export interface TracingOptions {
  config: TracingConfig;
  /** One line to the output channel (VS Code) or stderr (CLI). */
  log: (line: string) => void;
  serviceVersion: string;
  /** How often the batch is sent (default 2 s; tests use less). */
  scheduledDelayMillis?: number;
  /** Spans held while the endpoint is slow or down; past it new spans are dropped and counted (default 2048). */
  maxQueueSize?: number;
  /** How long one export may take, its retries of a refused connection included (default 10 s; tests use less). */
  exportTimeoutMillis?: number;
  now?: () => number;
}

export interface TracingStats {
  /** Spans the endpoint accepted. */
  exported: number;
  /** Spans lost: the export failed, or the queue was full. */
  dropped: number;
}

/** What the services hold while tracing is on. */
export interface JobTracing {
  readonly toolCallHook: ToolCallHook;
  /** Follows the store's job events (the job spans) and plugs into the pool (worker spans). Returns a detach function. */
  attach(store: JobStore, pool: { tracing: PoolTracing | null }): () => void;
  stats(): TracingStats;
  /** Ends open job spans, flushes (bounded by the export timeout) and stops. */
  shutdown(): Promise<void>;
}

const EXPORT_TIMEOUT_MS = 10_000;
const DROP_REPORT_INTERVAL_MS = 60_000;
const SHUTDOWN_GRACE_MS = 2000;
/** Queued jobs whose creation context is remembered; a job deleted while queued must not pin memory forever. */
const MAX_REMEMBERED_JOBS = 10_000;

export function startTracing(options: TracingOptions): JobTracing {
  return new OtelJobTracing(options);
}

class OtelJobTracing implements JobTracing {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly contexts = new AsyncLocalStorageContextManager().enable();
  private readonly propagator = new W3CTraceContextPropagator();
  private readonly counters: TracingStats = { exported: 0, dropped: 0 };
  private readonly created = new Map<string, Context>();
  private readonly open = new Map<string, Span>();
  private readonly detachers: (() => void)[] = [];
  private readonly drops: DropReporter;
  private stopped = false;

  constructor(private readonly options: TracingOptions) {
    const { config } = options;
    const maxQueueSize = options.maxQueueSize ?? 2048;
    this.drops = new DropReporter(config.shownEndpoint, options.log, options.now ?? Date.now);
    const exporter = new CountingExporter(
      // Two exports in flight at most: with the queue bound, memory stays bounded when the endpoint hangs.
      new OTLPTraceExporter({ url: config.tracesUrl, headers: config.headers, timeoutMillis: options.exportTimeoutMillis ?? EXPORT_TIMEOUT_MS, concurrencyLimit: 2 }),
      this.counters,
      this.drops,
    );
    const batches = new BatchSpanProcessor(exporter, {
      maxQueueSize,
      maxExportBatchSize: Math.min(512, maxQueueSize),
      scheduledDelayMillis: options.scheduledDelayMillis ?? 2000,
      exportTimeoutMillis: options.exportTimeoutMillis ?? EXPORT_TIMEOUT_MS,
    });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'agent-os-personas', 'service.version': options.serviceVersion }),
      spanProcessors: [new BoundedQueue(batches, exporter, maxQueueSize, this.counters, this.drops)],
      // Captured text is cut in the worker already; this is the backstop for any attribute.
      spanLimits: { attributeValueLengthLimit: 16_384 },
    });
    this.tracer = this.provider.getTracer('agent-os-personas', options.serviceVersion);
  }

  readonly toolCallHook: ToolCallHook = async (info, run) => {
    if (this.stopped) return run();
    const carrier: Record<string, string> = {};
    if (info.traceparent) carrier['traceparent'] = info.traceparent;
    if (info.tracestate) carrier['tracestate'] = info.tracestate;
    // A malformed traceparent extracts to nothing: the call then starts a trace of its own.
    const parent = this.propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    const tool = info.tool.slice(0, 128);
    const span = this.tracer.startSpan(
      `tools/call ${tool}`,
      { kind: SpanKind.SERVER, attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool } },
      parent,
    );
    try {
      // The job a tool creates (job:created is emitted inside this call) reads this context.
      const result = await this.contexts.with(trace.setSpan(parent, span), run);
      const outcome = toolCallOutcome(result);
      if (outcome.isError) fail(span, outcome.errorCode ?? 'tool_error');
      return result;
    } catch (err) {
      fail(span, errorType(err));
      throw err;
    } finally {
      span.end();
    }
  };

  attach(store: JobStore, pool: { tracing: PoolTracing | null }): () => void {
    const { events } = store;
    const offs = [
      events.on('job:created', (job) => this.onCreated(job)),
      events.on('job:started', (job) => this.startJob(job)),
      events.on('job:completed', (job) => this.endJob(job)),
      events.on('job:failed', (job) => this.endJob(job)),
      events.on('job:cancelled', (job) => this.endJob(job)),
      // Stopped while it ran (the editor closed): this run ends here; the next start is a new span.
      events.on('job:requeued', (job) => this.endJob(job)),
    ];
    pool.tracing = {
      runTrace: (jobId) => this.runTrace(jobId),
      span: (jobId, record) => this.workerSpan(jobId, record),
      shutdown: () => this.shutdown(),
    };
    const ours = pool.tracing;
    const detach = (): void => {
      for (const off of offs) off();
      if (pool.tracing === ours) pool.tracing = null;
    };
    this.detachers.push(detach);
    return detach;
  }

  stats(): TracingStats {
    return { ...this.counters };
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const detach of this.detachers.splice(0)) detach();
    for (const span of this.open.values()) {
      span.setAttribute('agent_os.job.status', 'interrupted');
      span.end();
    }
    this.open.clear();
    this.created.clear();
    try {
      // An endpoint that hangs must not hold up closing the editor: what is not out by then is lost.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)));
      await Promise.race([this.provider.shutdown(), grace]).finally(() => clearTimeout(timer));
    } finally {
      this.contexts.disable();
      this.drops.final(this.counters);
    }
  }

  private onCreated(job: JobSummary): void {
    if (this.stopped) return;
    // A panel's child hangs under its parent's span; any other job under whatever context created
    // it (an MCP tools/call span, or nothing: a new trace).
    const parentSpan = job.parentId ? this.open.get(job.parentId) : undefined;
    const context = parentSpan ? trace.setSpan(ROOT_CONTEXT, parentSpan) : this.contexts.active();
    if (this.created.size >= MAX_REMEMBERED_JOBS) this.created.delete(this.created.keys().next().value!);
    this.created.set(job.id, context);
    // A panel's parent is created running (no worker ever starts it): its span starts now.
    if (job.status === 'running') this.startJob(job);
  }

  private startJob(job: JobSummary): void {
    if (this.stopped || this.open.has(job.id)) return;
    const parent = this.created.get(job.id) ?? ROOT_CONTEXT;
    this.created.delete(job.id);
    const attributes: Attributes = {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': job.persona,
      'agent_os.job.id': job.id,
      'agent_os.job.source': job.source,
      'agent_os.job.attempt': job.attempt,
    };
    if (job.parentId) attributes['agent_os.job.parent_id'] = job.parentId;
    const span = this.tracer.startSpan(`invoke_agent ${job.persona}`, { kind: SpanKind.INTERNAL, startTime: job.startedAt ?? undefined, attributes }, parent);
    this.open.set(job.id, span);
  }

  private endJob(job: JobSummary): void {
    const span = this.open.get(job.id);
    if (!span) return;
    this.open.delete(job.id);
    this.namedModel.delete(job.id);
    const cacheRead = job.cacheReadTokens;
    const cacheWrite = job.cacheWriteTokens;
    span.setAttributes({
      'agent_os.job.status': job.status === 'queued' ? 'requeued' : job.status,
      // As on the chat spans: every input token, cached ones included.
      'gen_ai.usage.input_tokens': job.tokensIn + cacheRead + cacheWrite,
      'gen_ai.usage.output_tokens': job.tokensOut,
      'gen_ai.usage.cache_read.input_tokens': cacheRead,
      'gen_ai.usage.cache_creation.input_tokens': cacheWrite,
      'agent_os.job.tool_calls': job.toolCalls,
    });
    if (job.status === 'failed') fail(span, job.error?.code ?? 'failed');
    span.end(job.finishedAt ?? undefined);
  }

  private runTrace(jobId: string): RunTrace | null {
    const span = this.open.get(jobId);
    if (!span || this.stopped) return null;
    return { parent: this.traceparentOf(span), captureContent: this.options.config.captureContent };
  }

  private traceparentOf(span: Span): string {
    const carrier: Record<string, string> = {};
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    return carrier['traceparent'] ?? '';
  }

  /** A worker's step: created with its own times, under the parent it names (the job's span). */
  private workerSpan(jobId: string, record: SpanRecord): void {
    if (this.stopped) return;
    const parent = this.propagator.extract(ROOT_CONTEXT, { traceparent: record.parent }, defaultTextMapGetter);
    const span = this.tracer.startSpan(record.name.slice(0, 256), { kind: record.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, startTime: record.startMs, attributes: record.attributes }, parent);
    if (record.error) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(record.endMs);
    // The job's span names the model that answered it, from its first turn.
    const job = this.open.get(jobId);
    const provider = record.attributes['gen_ai.provider.name'];
    if (job && typeof provider === 'string' && !this.namedModel.has(jobId)) {
      this.namedModel.add(jobId);
      job.setAttribute('gen_ai.provider.name', provider);
      const model = record.attributes['gen_ai.request.model'];
      if (typeof model === 'string') job.setAttribute('gen_ai.request.model', model);
    }
  }

  private readonly namedModel = new Set<string>();
}

function fail(span: Span, type: string): void {
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function errorType(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return err instanceof Error ? err.name : 'Error';
}

/**
 * The batch processor with a queue bound we can count: a span that would overflow it is dropped
 * here (and counted) instead of silently inside the processor.
 */
class BoundedQueue implements SpanProcessor {
  constructor(
    private readonly inner: BatchSpanProcessor,
    private readonly exporter: CountingExporter,
    private readonly maxQueueSize: number,
    private readonly counters: TracingStats,
    private readonly drops: DropReporter,
  ) {}

  onStart(span: SdkSpan, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this.exporter.queued >= this.maxQueueSize) {
      this.counters.dropped += 1;
      this.drops.dropped(this.counters, 'the queue is full');
      return;
    }
    this.exporter.queued += 1;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Counts what leaves the queue, what the endpoint took and what it did not. */
class CountingExporter implements SpanExporter {
  /** Spans handed to the batch processor and not yet given to the exporter. */
  queued = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly counters: TracingStats,
    private readonly drops: DropReporter,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.queued = Math.max(0, this.queued - spans.length);
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) {
        this.counters.exported += spans.length;
        this.drops.recovered();
      } else {
        this.counters.dropped += spans.length;
        this.drops.dropped(this.counters, result.error?.message ?? 'the export failed');
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * One warning when exports start failing (the job runs are unaffected), then the dropped count
 * at most once a minute while they keep failing, and the total at shutdown.
 */
class DropReporter {
  private warned = false;
  private lastReportAt = 0;
  private reported = 0;

  constructor(
    private readonly endpoint: string,
    private readonly log: (line: string) => void,
    private readonly now: () => number,
  ) {}

  dropped(counters: TracingStats, reason: string): void {
    const now = this.now();
    if (!this.warned) {
      this.warned = true;
      this.lastReportAt = now;
      this.reported = counters.dropped;
      // The exporter's message may quote the endpoint's answer: credentials out, and kept short.
      const why = redactSecrets(reason).replace(/\s+/g, ' ').slice(0, 200);
      this.log(`Tracing: spans could not be sent to ${this.endpoint} (${why}); jobs are not affected. ${countOf(counters.dropped, 'span')} dropped so far; the count is logged at most once a minute.`);
      return;
    }
    if (now - this.lastReportAt >= DROP_REPORT_INTERVAL_MS && counters.dropped > this.reported) {
      this.lastReportAt = now;
      this.reported = counters.dropped;
      this.log(`Tracing: ${countOf(counters.dropped, 'span')} dropped so far (${this.endpoint}).`);
    }
  }

  /** An export went through again: a later failure warns once more. */
  recovered(): void {
    this.warned = false;
  }

  final(counters: TracingStats): void {
    if (counters.dropped > 0) this.log(`Tracing stopped: ${countOf(counters.exported, 'span')} exported, ${countOf(counters.dropped, 'span')} dropped.`);
  }
}

