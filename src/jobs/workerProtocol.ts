import type { SerializedError } from '../core/errors';
import type { PersonaRunInput } from '../personas/personaRunner';
import type { ModelConfig } from '../personas/modelConfig';
import type { JobOutcome, JobProgress } from './types';
import type { ChatHostMessage, ChatWorkerMessage } from './chatChannel';

/** Messages from the host to a worker thread. */
export type HostToWorker =
  | { type: 'run'; jobId: string; input: PersonaRunInput; model: ModelConfig }
  | { type: 'cancel'; jobId: string }
  /** Report the latest progress now: the host is about to stop this worker. */
  | { type: 'checkpoint'; jobId: string }
  /** The answer to a worker's hostCall. */
  | { type: 'hostReply'; callId: number; ok: true; value: unknown }
  | { type: 'hostReply'; callId: number; ok: false; error: SerializedError }
  /** A chat model turn served by the host (vscode-lm): events, then done or error. See chatChannel.ts. */
  | ChatHostMessage;

/** What a worker may ask of the host (which owns the store and the standards index). */
export type HostMethod = 'searchStandards' | 'proposeStandard';

/** Messages from a worker thread to the host. */
export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'progress'; jobId: string; progress: JobProgress }
  | { type: 'completed'; jobId: string; outcome: JobOutcome }
  | { type: 'failed'; jobId: string; error: SerializedError }
  | { type: 'cancelled'; jobId: string }
  | { type: 'checkpointed'; jobId: string }
  | { type: 'hostCall'; jobId: string; callId: number; method: HostMethod; args: unknown }
  /** Start or cancel a chat model turn in the host (vscode-lm). See chatChannel.ts. */
  | ChatWorkerMessage;
