import type { SerializedError } from '../core/errors';
import type { JobOutcome, JobProgress } from './types';

/**
 * Messages between the pool (host) and a worker thread. The run payload, host calls and channel
 * messages are opaque here: what a job is, and which calls and channels it has, belong to
 * whoever plugs a runner into the pool (src/personas/personaWorker.ts for persona reviews).
 */
export type HostToWorker =
  /** `trace`: present only when tracing is on; the worker then times its steps as spans under it. */
  | { type: 'run'; jobId: string; payload: unknown; trace?: RunTrace | null }
  | { type: 'cancel'; jobId: string }
  /** Report the latest progress now: the host is about to stop this worker. */
  | { type: 'checkpoint'; jobId: string }
  /** The answer to a worker's hostCall. */
  | { type: 'hostReply'; callId: number; ok: true; value: unknown }
  | { type: 'hostReply'; callId: number; ok: false; error: SerializedError }
  /** A plug-in channel's message for the worker (e.g. a chat model turn served by the host). */
  | { type: 'channel'; message: unknown }
  /** Report this worker's heap (a diagnostic: `npm run bench -- --memory`). */
  | { type: 'heap' };

/** Messages from a worker thread to the host. */
export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'progress'; jobId: string; progress: JobProgress }
  | { type: 'completed'; jobId: string; outcome: JobOutcome }
  | { type: 'failed'; jobId: string; error: SerializedError }
  | { type: 'cancelled'; jobId: string }
  | { type: 'checkpointed'; jobId: string }
  /** Ask the host (which owns the store) to run a named handler for this job. */
  | { type: 'hostCall'; jobId: string; callId: number; method: string; args: unknown }
  /** A plug-in channel's message for the host, on behalf of a job. */
  | { type: 'channel'; jobId: string; message: unknown }
  /**
   * The job enters a step bounded to `ms` (a tool call): if the worker has not cleared it
   * (ms: null) by then, the host terminates the worker, as a step that overruns may be pinning
   * the thread where no signal can reach it.
   */
  | { type: 'deadline'; jobId: string; what: string; ms: number | null }
  /** A step the worker timed (a model turn, a tool call), for the host's tracer: only sent when the run had a `trace`. */
  | { type: 'span'; jobId: string; span: SpanRecord }
  /** The answer to `heap`: the worker's V8 heap, in bytes. */
  | { type: 'heap'; heap: WorkerHeap };

/** A worker thread's V8 heap (v8.getHeapStatistics() on that thread). */
export interface WorkerHeap {
  usedBytes: number;
  totalBytes: number;
}

/** What a traced run needs: the job span to hang its steps under, and whether prompt and answer text may go in spans. */
export interface RunTrace {
  /** W3C traceparent of the job's span (`invoke_agent <persona>`), created by the host. */
  parent: string;
  /** The user opted in to prompt, answer and tool text in spans (agentOsPersonas.telemetry.captureContent). */
  captureContent: boolean;
}

export type SpanAttributeValue = string | number | boolean | string[];

/**
 * A finished span as plain data. A worker loads no tracing library: it posts what it timed and
 * the host's tracer creates the span with these times and this parent.
 */
export interface SpanRecord {
  name: string;
  kind: 'internal' | 'client';
  /** W3C traceparent of the parent span (the RunTrace's `parent`). */
  parent: string;
  /** Epoch milliseconds, fractional (performance.timeOrigin + performance.now()). */
  startMs: number;
  endMs: number;
  attributes: Record<string, SpanAttributeValue>;
  /** `error.type` when the step failed, else null. */
  error: string | null;
}
