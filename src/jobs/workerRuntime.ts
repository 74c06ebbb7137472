// The worker-thread side of the pool: receives runs, reports progress (throttled), answers
// cancel and checkpoint, and carries host calls and channel messages. What a run does is the
// runner's, plugged in by a worker entry (src/personas/personaWorker.ts).
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { PersonaError, serializeError } from '../core/errors';
import type { JobOutcome, JobProgress } from './types';
import type { HostToWorker, RunTrace, SpanRecord, WorkerToHost } from './workerProtocol';
import { forwardWarningsToHost } from './workerWarnings';

export interface JobRunContext {
  jobId: string;
  /** Aborted when the job is cancelled; the runner must stop at once. */
  signal: AbortSignal;
  /** Reports progress; sent to the host at most every 150 ms per job, plus every phase change and milestone. */
  progress: (progress: JobProgress) => void;
  /** Runs a named handler in the host (which owns the store) and returns its answer. */
  hostCall: (method: string, args: unknown) => Promise<unknown>;
  /** Arms (ms) or clears (null) the host's watchdog on a bounded step, named by `what` in the error. */
  deadline: (what: string, ms: number | null) => void;
  /** Null unless tracing is on: then `span` posts a timed step to the host's tracer, under `trace.parent`. */
  trace: { captureContent: boolean; span: (span: Omit<SpanRecord, 'parent'>) => void } | null;
}

export type JobRunner = (payload: unknown, context: JobRunContext) => Promise<JobOutcome>;

export interface WorkerRuntime {
  /** Sends a channel message to the host on behalf of a job. */
  postChannel(jobId: string, message: unknown): void;
  /** Receives the host's channel messages. */
  onChannel(handler: (message: unknown) => void): void;
}

const PROGRESS_INTERVAL_MS = 150;

/**
 * Serves jobs on this worker thread with `run`.
 *
 * Invariant: every run the host posts is answered by exactly one of completed, failed or
 * cancelled; a run that throws CANCELLED (its signal aborted) is reported as cancelled.
 */
export function serveJobs(run: JobRunner): WorkerRuntime {
  const port = parentPort;
  if (!port) throw new Error('a job worker must run as a worker thread');
  forwardWarningsToHost();
  const post = (message: WorkerToHost): void => port.postMessage(message);
  const running = new Map<string, AbortController>();
  const latest = new Map<string, JobProgress>();
  const pendingCalls = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextCallId = 1;
  let channelHandler: (message: unknown) => void = () => undefined;

  const start = (jobId: string, payload: unknown, trace: RunTrace | null): void => {
    const controller = new AbortController();
    running.set(jobId, controller);
    let lastSent = 0;
    let lastPhase: JobProgress['phase'] | undefined;
    const context: JobRunContext = {
      jobId,
      signal: controller.signal,
      progress: (progress) => {
        latest.set(jobId, progress);
        const now = performance.now();
        if (!progress.milestone && progress.phase === lastPhase && now - lastSent < PROGRESS_INTERVAL_MS) return;
        lastSent = now;
        lastPhase = progress.phase;
        post({ type: 'progress', jobId, progress });
      },
      hostCall: (method, args) =>
        new Promise((resolve, reject) => {
          const callId = nextCallId++;
          pendingCalls.set(callId, { resolve, reject });
          post({ type: 'hostCall', jobId, callId, method, args });
        }),
      deadline: (what, ms) => post({ type: 'deadline', jobId, what, ms }),
      trace: trace && { captureContent: trace.captureContent, span: (span) => post({ type: 'span', jobId, span: { ...span, parent: trace.parent } }) },
    };
    run(payload, context)
      .then(
        (outcome) => post({ type: 'completed', jobId, outcome }),
        (err: unknown) => {
          const error = serializeError(err);
          post(error.code === 'CANCELLED' ? { type: 'cancelled', jobId } : { type: 'failed', jobId, error });
        },
      )
      .finally(() => {
        running.delete(jobId);
        latest.delete(jobId);
      });
  };

  port.on('message', (message: HostToWorker) => {
    switch (message.type) {
      case 'run':
        start(message.jobId, message.payload, message.trace ?? null);
        return;
      case 'cancel':
        running.get(message.jobId)?.abort(new PersonaError('CANCELLED', 'The job was cancelled.', 'Nothing to do.'));
        return;
      case 'checkpoint': {
        const progress = latest.get(message.jobId);
        if (progress) post({ type: 'progress', jobId: message.jobId, progress });
        post({ type: 'checkpointed', jobId: message.jobId });
        return;
      }
      case 'hostReply': {
        const pending = pendingCalls.get(message.callId);
        pendingCalls.delete(message.callId);
        if (message.ok) pending?.resolve(message.value);
        else pending?.reject(PersonaError.from(message.error));
        return;
      }
      case 'channel':
        channelHandler(message.message);
        return;
      case 'heap': {
        // A process started with --expose-gc (the memory bench) collects first: a steady figure.
        (globalThis as { gc?: () => void }).gc?.();
        const stats = getHeapStatistics();
        post({ type: 'heap', heap: { usedBytes: stats.used_heap_size, totalBytes: stats.total_heap_size } });
        return;
      }
    }
  });
  // Ready after the caller has had this turn to plug its channel in.
  queueMicrotask(() => post({ type: 'ready' }));
  return {
    postChannel: (jobId, message) => post({ type: 'channel', jobId, message }),
    onChannel: (handler) => {
      channelHandler = handler;
    },
  };
}
