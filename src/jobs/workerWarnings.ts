// A warning raised on a worker thread (a FileHandle left to the collector, a deprecation) is
// emitted on that thread's own `process`: the host's listeners (its log, the test runner's leak
// guard) never see it. Each worker posts its warnings to a process-wide BroadcastChannel and
// the main thread emits them again on its own process. A channel rather than the worker's
// parentPort: the pool's and the compactor's protocols stay as they are, and a worker started
// by anyone (a bench host in a worker, a nested pool) reaches the same relay.
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

const CHANNEL = 'agent-os-personas:worker-warnings';

interface RelayedWarning {
  name: string;
  message: string;
  code: string | undefined;
  stack: string | undefined;
  threadId: number;
}

/** On a worker thread: posts every warning of this thread to the main thread's relay. */
export function forwardWarningsToHost(): void {
  if (isMainThread) return;
  const channel = new BroadcastChannel(CHANNEL);
  // Never the reason a worker stays alive.
  channel.unref();
  process.on('warning', (warning: Error & { code?: string }) => {
    const relayed: RelayedWarning = { name: warning.name, message: warning.message, code: warning.code, stack: warning.stack, threadId };
    channel.postMessage(relayed);
  });
}

let relaying = false;

/** On the main thread: emits the warnings workers forward, once per process however often it is called. */
export function relayWorkerWarnings(): void {
  if (!isMainThread || relaying) return;
  relaying = true;
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  channel.onmessage = (event: unknown): void => {
    const warning = (event as { data: RelayedWarning }).data;
    // The stack's frames only (its first line repeats the message); none for a collector's warning.
    const frames = warning.stack?.split('\n').slice(1).join('\n') || undefined;
    process.emitWarning(`${warning.message} (on worker thread ${warning.threadId})`, { type: warning.name, code: warning.code, detail: frames });
  };
}
