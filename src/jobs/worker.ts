// Worker-thread entry (dist/worker.js): runs one persona job at a time for the pool.
import { parentPort } from 'node:worker_threads';
import { serializeError, PersonaError } from '../core/errors';
import { runPersona } from '../personas/personaRunner';
import type { ToolHost } from '../personas/tools/types';
import { ChatChannelClient } from './chatChannel';
import type { HostMethod, HostToWorker, WorkerToHost } from './workerProtocol';
import type { JobProgress } from './types';

const port = parentPort;
if (!port) {
  throw new Error('dist/worker.js must run as a worker thread');
}
const post = (message: WorkerToHost): void => port.postMessage(message);
const running = new Map<string, AbortController>();
const pendingCalls = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
let nextCallId = 1;

/** Standards search and proposals live with the store, in the host: asked by message. */
function hostFor(jobId: string): ToolHost {
  const call = (method: HostMethod, args: unknown): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const callId = nextCallId++;
      pendingCalls.set(callId, { resolve, reject });
      post({ type: 'hostCall', jobId, callId, method, args });
    });
  return {
    searchStandards: (query) => call('searchStandards', query) as ReturnType<ToolHost['searchStandards']>,
    proposeStandard: (proposal) => call('proposeStandard', proposal) as ReturnType<ToolHost['proposeStandard']>,
  };
}
/** Chat model turns (vscode-lm) run in the host, which alone can call VS Code. */
const chat = new ChatChannelClient(post);
const latest = new Map<string, JobProgress>();

/** Progress goes to the host at most every 150 ms per job, plus every phase change. */
const PROGRESS_INTERVAL_MS = 150;

port.on('message', (message: HostToWorker) => {
  if (message.type === 'cancel') {
    running.get(message.jobId)?.abort(new PersonaError('CANCELLED', 'The job was cancelled.', 'Nothing to do.'));
    return;
  }
  if (message.type === 'hostReply') {
    const pending = pendingCalls.get(message.callId);
    pendingCalls.delete(message.callId);
    if (message.ok) pending?.resolve(message.value);
    else pending?.reject(new PersonaError(message.error.code, message.error.message, message.error.hint));
    return;
  }
  if (message.type === 'lmEvent' || message.type === 'lmDone' || message.type === 'lmError') {
    chat.handle(message);
    return;
  }
  if (message.type === 'checkpoint') {
    const progress = latest.get(message.jobId);
    if (progress) post({ type: 'progress', jobId: message.jobId, progress });
    post({ type: 'checkpointed', jobId: message.jobId });
    return;
  }
  const { jobId, input, model } = message;
  const controller = new AbortController();
  running.set(jobId, controller);
  let lastSent = 0;
  let lastPhase: JobProgress['phase'] | undefined;
  const onProgress = (progress: JobProgress): void => {
    latest.set(jobId, progress);
    const now = performance.now();
    if (progress.phase === lastPhase && now - lastSent < PROGRESS_INTERVAL_MS) return;
    lastSent = now;
    lastPhase = progress.phase;
    post({ type: 'progress', jobId, progress });
  };
  runPersona(input, model, controller.signal, onProgress, { toolHost: hostFor(jobId), chat }).then(
    (outcome) => post({ type: 'completed', jobId, outcome }),
    (err: unknown) => {
      const error = serializeError(err);
      post(error.code === 'CANCELLED' ? { type: 'cancelled', jobId } : { type: 'failed', jobId, error });
    },
  ).finally(() => {
    running.delete(jobId);
    latest.delete(jobId);
  });
});

post({ type: 'ready' });
