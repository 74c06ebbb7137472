import type { SerializedError } from '../core/errors';
import type { JobOutcome, JobProgress } from './types';

/**
 * Messages between the pool (host) and a worker thread. The run payload, host calls and channel
 * messages are opaque here: what a job is, and which calls and channels it has, belong to
 * whoever plugs a runner into the pool (src/personas/personaWorker.ts for persona reviews).
 */
export type HostToWorker =
  | { type: 'run'; jobId: string; payload: unknown }
  | { type: 'cancel'; jobId: string }
  /** Report the latest progress now: the host is about to stop this worker. */
  | { type: 'checkpoint'; jobId: string }
  /** The answer to a worker's hostCall. */
  | { type: 'hostReply'; callId: number; ok: true; value: unknown }
  | { type: 'hostReply'; callId: number; ok: false; error: SerializedError }
  /** A plug-in channel's message for the worker (e.g. a chat model turn served by the host). */
  | { type: 'channel'; message: unknown };

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
  | { type: 'deadline'; jobId: string; what: string; ms: number | null };
