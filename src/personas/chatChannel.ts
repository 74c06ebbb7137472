/**
 * The chat model bridge across the worker boundary. A worker cannot call VS Code; the host
 * can. The worker's ChatChannelClient turns `streamTurn` into messages, the host's
 * ChatChannelHost serves them with the real bridge (src/ui/lmBridge.ts). The pool carries them
 * as its plug-in channel (`WorkerChannel`) without knowing what they mean:
 *
 *   worker → host   lmRequest {requestId, request}      start a turn
 *   host → worker   lmEvent   {requestId, event} ...    text deltas and tool calls, in order
 *   host → worker   lmDone    {requestId, result}       or lmError {requestId, error}
 *   worker → host   lmCancel  {requestId}               the job's signal aborted
 *
 * Invariant: every request the host starts ends in exactly one lmDone or lmError, and the
 * host's controller for it is aborted (the editor's CancellationTokenSource cancelled) when
 * the worker cancels, when its job ends or is cancelled, and when the worker goes away.
 */
import { PersonaError, type SerializedError } from '../core/errors';
import type { WorkerChannel } from '../jobs/workerPool';
import { noChatBridgeError, type ChatModelBridge, type ChatTurnEvent, type ChatTurnRequest, type ChatTurnResult, type ChatTurnStreamer } from './chatBridge';

export type ChatWorkerMessage =
  | { type: 'lmRequest'; jobId: string; requestId: number; request: ChatTurnRequest }
  | { type: 'lmCancel'; jobId: string; requestId: number };

export type ChatHostMessage =
  | { type: 'lmEvent'; requestId: number; event: ChatTurnEvent }
  | { type: 'lmDone'; requestId: number; result: ChatTurnResult }
  | { type: 'lmError'; requestId: number; error: SerializedError };

const cancelled = (): PersonaError => new PersonaError('CANCELLED', 'The chat model request was cancelled.', 'Nothing to do.');

interface PendingTurn {
  onEvent: (event: ChatTurnEvent) => void;
  settle: (outcome: { result: ChatTurnResult } | { error: Error }) => void;
}

/** Worker side: a ChatTurnStreamer whose turns run in the host. */
export class ChatChannelClient implements ChatTurnStreamer {
  private nextRequestId = 1;
  private readonly pending = new Map<number, PendingTurn>();

  constructor(private readonly post: (message: ChatWorkerMessage) => void) {}

  streamTurn(request: ChatTurnRequest, onEvent: (event: ChatTurnEvent) => void, signal: AbortSignal): Promise<ChatTurnResult> {
    if (signal.aborted) return Promise.reject(cancelled());
    const requestId = this.nextRequestId++;
    return new Promise<ChatTurnResult>((resolve, reject) => {
      const onAbort = (): void => {
        // Settle now: the host's answer to a cancelled request is no longer awaited.
        this.post({ type: 'lmCancel', jobId: request.jobId, requestId });
        settle({ error: cancelled() });
      };
      const settle: PendingTurn['settle'] = (outcome) => {
        if (!this.pending.delete(requestId)) return;
        signal.removeEventListener('abort', onAbort);
        if ('result' in outcome) resolve(outcome.result);
        else reject(outcome.error);
      };
      this.pending.set(requestId, { onEvent, settle });
      signal.addEventListener('abort', onAbort, { once: true });
      this.post({ type: 'lmRequest', jobId: request.jobId, requestId, request });
    });
  }

  /** Delivers one host message; messages for a settled request are dropped. */
  handle(message: ChatHostMessage): void {
    const turn = this.pending.get(message.requestId);
    if (!turn) return;
    if (message.type === 'lmEvent') turn.onEvent(message.event);
    else if (message.type === 'lmDone') turn.settle({ result: message.result });
    else turn.settle({ error: PersonaError.from(message.error) });
  }
}

/** Host side, one per worker: serves its lmRequests with the editor's bridge. */
export class ChatChannelHost implements WorkerChannel {
  private readonly open = new Map<number, { jobId: string; controller: AbortController }>();

  constructor(
    private readonly bridge: ChatModelBridge | undefined,
    private readonly post: (message: ChatHostMessage) => void,
    private readonly log?: (line: string) => void,
  ) {}

  /** Requests still running in the editor (for tests and diagnostics). */
  get openCount(): number {
    return this.open.size;
  }

  handle(_jobId: string, payload: unknown): void {
    const message = payload as ChatWorkerMessage;
    if (message.type === 'lmCancel') {
      this.open.get(message.requestId)?.controller.abort(cancelled());
      return;
    }
    void this.serve(message);
  }

  private async serve({ jobId, requestId, request }: Extract<ChatWorkerMessage, { type: 'lmRequest' }>): Promise<void> {
    if (!this.bridge) {
      this.post({ type: 'lmError', requestId, error: noChatBridgeError().toJSON() });
      return;
    }
    const controller = new AbortController();
    this.open.set(requestId, { jobId, controller });
    try {
      const result = await this.bridge.streamTurn(request, (event) => {
        if (!controller.signal.aborted) this.post({ type: 'lmEvent', requestId, event });
      }, controller.signal);
      this.post(controller.signal.aborted ? { type: 'lmError', requestId, error: cancelled().toJSON() } : { type: 'lmDone', requestId, result });
    } catch (err) {
      if (!(err instanceof PersonaError)) this.log?.(`chat model request for job ${jobId} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      this.post({ type: 'lmError', requestId, error: asModelError(err, controller.signal.aborted) });
    } finally {
      this.open.delete(requestId);
    }
  }

  /** Cancels the editor requests of one job (it was cancelled or has ended). */
  abortJob(jobId: string): void {
    for (const { jobId: owner, controller } of this.open.values()) {
      if (owner === jobId) controller.abort(cancelled());
    }
  }

  /** Cancels every open request (the worker is going away). */
  abortAll(): void {
    for (const { controller } of this.open.values()) controller.abort(cancelled());
  }
}

/** A bridge should throw PersonaErrors; anything else is reported as the model's failure, with a hint. */
function asModelError(err: unknown, aborted: boolean): SerializedError {
  if (err instanceof PersonaError) return err.toJSON();
  if (aborted) return cancelled().toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'MODEL_ERROR', message: `The chat model request failed: ${message}`, hint: 'Retry the job; the output channel "Agent OS Personas" has details.' };
}
