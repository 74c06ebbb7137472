import { Worker } from 'node:worker_threads';
import { PersonaError, serializeError } from '../core/errors';
import type { Disposable } from '../core/disposable';
import { TypedEmitter } from '../core/typedEmitter';
import type { JobStore } from './jobStore';
import { EtaEstimator } from './eta';
import type { JobSummary } from './types';
import type { HostToWorker, RunTrace, SpanRecord, WorkerHeap, WorkerToHost } from './workerProtocol';
import { relayWorkerWarnings } from './workerWarnings';

/** What a worker needs to run a job: an opaque payload for the runner, and the label shown on the job. */
export interface RunPlan {
  payload: unknown;
  /** Names what runs the job (a model), or null. */
  label: string | null;
}

/** A handler the host runs when a worker asks (`hostCall`); the job is the one the worker runs. */
export type HostCallHandler = (job: JobSummary, args: unknown) => Promise<unknown>;

/**
 * A plug-in channel between one worker and the host, for work only the host can do (a chat
 * model VS Code offers). The pool carries its messages and tells it when a job or the worker
 * goes away; what the messages mean is the plug-in's.
 */
export interface WorkerChannel {
  handle(jobId: string, message: unknown): void;
  /** The job was cancelled or has ended: stop what it has open. */
  abortJob(jobId: string): void;
  /** The worker is going away: stop everything. */
  abortAll(): void;
}

/** A fresh worker loads in well under a second; a minute covers a machine that is swapping. */
const DEFAULT_WORKER_START_TIMEOUT_MS = 60_000;

export interface WorkerPoolOptions {
  store: JobStore;
  /** Absolute path of the compiled worker entry (dist/worker.js). */
  workerScript: string;
  size: number;
  /** Turns a job into what the worker needs; throws a PersonaError when it cannot (no key, unknown persona). */
  plan: (job: JobSummary, eta: EtaEstimator) => Promise<RunPlan>;
  /** The host calls a worker may make, by name; any other name fails the call with TOOL_ERROR. */
  hostCalls?: Readonly<Record<string, HostCallHandler>>;
  /** Builds one channel per worker, given how to post to that worker. */
  channel?: (post: (message: unknown) => void) => WorkerChannel;
  /** A running job whose worker ignores cancel this long is stopped by terminating the worker. */
  cancelGraceMs?: number;
  /** Heap limit of each worker thread; a runaway job is stopped by it instead of the host. */
  workerMemoryMb?: number;
  /** A job still running this long after it started on a worker is stopped (JOB_TIMEOUT); undefined: no limit. */
  jobTimeoutMs?: () => number | undefined;
  /**
   * How long a job waits for its worker to finish loading (a fresh worker loads the SDK) before
   * the worker is stopped and the job fails (JOB_TIMEOUT); 60 s unless told. Apart from the
   * job's limit, so a short limit is the run's alone, however busy the machine is at warm-up.
   */
  workerStartTimeoutMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * Tracing as the pool sees it (src/telemetry attaches it when tracing is on): the trace a run
 * starts under, and where the spans its worker timed go. Absent, runs carry no trace and
 * workers time nothing.
 */
export interface PoolTracing {
  /** The job's trace for its worker, or null (not traced). Asked just before the run is posted. */
  runTrace(jobId: string): RunTrace | null;
  /** A span the job's worker timed. */
  span(jobId: string, span: SpanRecord): void;
  /** Flush what is buffered; called once, as the pool shuts down. */
  shutdown(): Promise<void>;
}

export interface PoolEvents extends Record<string, unknown> {
  'worker:replaced': { reason: string };
}

interface Slot {
  worker: Worker;
  channel: WorkerChannel | null;
  jobId: string | null;
  ready: Promise<void>;
  /** It said `ready`: a job given to it starts at once. */
  loaded: boolean;
  retired: boolean;
  /** Waiting for this worker's answer to `heap`. */
  heapWaiters: ((heap: WorkerHeap) => void)[];
}

/**
 * Runs queued jobs on a fixed number of worker threads. It follows the store: a new or
 * re-queued job is picked up, and a cancelled one is stopped on its worker (the store is the one
 * owner of cancel).
 *
 * Invariant: a slot runs at most one job; every job a slot takes ends in exactly one store
 * transition (completed, failed or cancelled), even when its worker crashes or is terminated.
 */
export class WorkerPool implements Disposable {
  readonly events = new TypedEmitter<PoolEvents>();
  private readonly slots: Slot[] = [];
  private readonly cancelTimers = new Map<string, NodeJS.Timeout>();
  /** Per running job: its wall-clock limit, and the deadline of the bounded step it is in. */
  private readonly jobTimers = new Map<string, NodeJS.Timeout>();
  private readonly deadlineTimers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribers: (() => void)[] = [];
  private pumping = false;
  /** A pump asked for while one ran: it runs again when that one ends (a freed slot is never missed). */
  private pumpAgain = false;
  private disposed = false;
  readonly eta: EtaEstimator;
  private readonly checkpoints = new Map<string, () => void>();
  /** Set by src/telemetry when tracing is on; null keeps the pool free of any tracing work. */
  tracing: PoolTracing | null = null;

  constructor(private readonly options: WorkerPoolOptions) {
    this.eta = new EtaEstimator(options.store);
    // A worker's warnings (a leaked FileHandle, a deprecation) reach this process's listeners.
    relayWorkerWarnings();
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
    const { events } = options.store;
    this.unsubscribers.push(
      events.on('job:created', () => this.pump()),
      events.on('job:requeued', () => this.pump()),
      events.on('job:cancelled', (job) => this.stop(job.id)),
    );
  }

  /** Resolves when every worker has loaded (warm before the first job). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  get runningCount(): number {
    return this.slots.filter((s) => s.jobId !== null).length;
  }

  /** How long a job of this kind usually takes (median of recent ones), or null without history. */
  typicalMs(persona: string): number | null {
    return this.eta.typicalMs(persona);
  }

  /** Each worker's V8 heap, once every worker is up (a diagnostic for the memory bench). */
  async workerHeaps(): Promise<WorkerHeap[]> {
    await this.ready();
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<WorkerHeap>((resolve) => {
            slot.heapWaiters.push(resolve);
            slot.worker.postMessage({ type: 'heap' } satisfies HostToWorker);
          }),
      ),
    );
  }

  get size(): number {
    return this.slots.length;
  }

  /** Worker threads alive now (not retired, not exited): a stuck worker is replaced, never just lost (the load bench samples it). */
  get liveWorkers(): number {
    return this.slots.filter((s) => !s.retired && s.worker.threadId >= 0).length;
  }

  /** Starts queued jobs on idle workers; safe to call any time. */
  pump(): void {
    if (this.disposed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.fill().finally(() => {
      this.pumping = false;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.pump();
      }
    });
  }

  /** A cancelled job that a worker holds: abort it there, and terminate the worker if it does not let go. */
  private stop(jobId: string): void {
    const slot = this.slots.find((s) => s.jobId === jobId);
    if (!slot) return;
    // The channel's open work (an editor request) is stopped from here at once, whatever the worker does.
    slot.channel?.abortJob(jobId);
    this.post(slot, { type: 'cancel', jobId });
    this.cancelTimers.set(
      jobId,
      setTimeout(() => {
        // The worker did not let go of the job in time: stop it the hard way.
        if (slot.jobId === jobId) this.replace(slot, `job ${jobId} ignored cancel`);
      }, this.options.cancelGraceMs ?? 2000),
    );
  }

  private async fill(): Promise<void> {
    for (;;) {
      // A loaded worker first: a job given to one still loading waits for it.
      const idle = this.slots.filter((s) => s.jobId === null && !s.retired);
      const slot = idle.find((s) => s.loaded) ?? idle[0];
      // A job retried while its cancelled run is still stopping on a worker waits for that run to
      // let go: two slots holding one id would let the old run's cancel (or its grace timer)
      // land on the new attempt.
      const stopping = this.slots.flatMap((s) => (s.jobId === null ? [] : [s.jobId]));
      const job = slot ? this.options.store.nextQueued(stopping) : undefined;
      if (!slot || !job || this.disposed) return;
      slot.jobId = job.id;
      let plan: RunPlan;
      try {
        plan = await this.options.plan(job, this.eta);
        await this.options.store.start(job.id, plan.label, this.eta.typicalMs(job.persona));
      } catch (err) {
        this.release(slot);
        await this.settle(job.id, () => this.options.store.fail(job.id, serializeError(err)));
        continue;
      }
      // A worker that never finishes loading is stopped (its exit ends the wait) rather than
      // waited on forever; once it is ready, the job gets its whole limit for the run.
      this.armStartTimer(slot, job.id);
      // Not awaited: while this worker loads, the next job goes to the next idle one.
      void this.runWhenLoaded(slot, job.id, plan);
    }
  }

  private async runWhenLoaded(slot: Slot, jobId: string, plan: RunPlan): Promise<void> {
    await slot.ready;
    // Cancelled while its worker warmed up: the cancel already released what it could.
    if (slot.jobId !== jobId || this.options.store.summary(jobId)?.status !== 'running') {
      if (slot.jobId === jobId) {
        this.release(slot);
        this.pump();
      }
      return;
    }
    this.armJobTimer(slot, jobId);
    this.post(slot, { type: 'run', jobId, payload: plan.payload, trace: this.tracing?.runTrace(jobId) ?? null });
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.workerScript, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.workerMemoryMb ?? 512 },
    });
    let markReady: () => void = () => undefined;
    const channel = this.options.channel?.((message) => worker.postMessage({ type: 'channel', message } satisfies HostToWorker)) ?? null;
    const slot: Slot = { worker, channel, jobId: null, ready: new Promise<void>((r) => (markReady = r)), loaded: false, retired: false, heapWaiters: [] };
    worker.on('message', (message: WorkerToHost) => {
      if (message.type === 'ready') {
        slot.loaded = true;
        markReady();
        return;
      }
      if (message.type === 'heap') {
        for (const resolve of slot.heapWaiters.splice(0)) resolve(message.heap);
        return;
      }
      void this.onMessage(slot, message);
    });
    worker.on('error', (err) => {
      this.options.log?.(`worker error: ${err.stack ?? err.message}`);
      this.replace(slot, `worker error: ${err.message}`);
    });
    worker.on('exit', (code) => {
      // A worker gone before it was ready never will be: whoever waits on it goes on (and finds it retired).
      markReady();
      if (!slot.retired) this.replace(slot, `worker exited with code ${code}`);
    });
    return slot;
  }

  private async onMessage(slot: Slot, message: Exclude<WorkerToHost, { type: 'ready' | 'heap' }>): Promise<void> {
    const store = this.options.store;
    const { jobId } = message;
    if (slot.jobId !== jobId) return;
    switch (message.type) {
      case 'progress': {
        const now = (this.options.now ?? Date.now)();
        await this.settle(jobId, () => store.progress(jobId, message.progress, (job) => this.eta.estimate(job, now)));
        return;
      }
      case 'hostCall':
        await this.answerHostCall(slot, message);
        return;
      case 'channel':
        slot.channel?.handle(jobId, message.message);
        return;
      case 'checkpointed':
        this.checkpoints.get(jobId)?.();
        return;
      case 'deadline':
        this.armDeadline(slot, jobId, message.what, message.ms);
        return;
      case 'span':
        this.tracing?.span(jobId, message.span);
        return;
      case 'completed':
        this.release(slot);
        await this.settle(jobId, () => store.complete(jobId, message.outcome));
        break;
      case 'failed':
        this.release(slot);
        await this.settle(jobId, () => store.fail(jobId, message.error));
        break;
      case 'cancelled':
        this.release(slot);
        if (store.summary(jobId)?.status === 'running') await this.settle(jobId, () => store.cancel(jobId));
        break;
    }
    this.pump();
  }

  private async answerHostCall(slot: Slot, message: Extract<WorkerToHost, { type: 'hostCall' }>): Promise<void> {
    const job = this.options.store.summary(message.jobId);
    try {
      const handler = this.options.hostCalls?.[message.method];
      if (!job || !handler) throw new PersonaError('TOOL_ERROR', `"${message.method}" is not available here.`, 'Run the review from the editor or the CLI in a workspace.');
      const value = await handler(job, message.args);
      this.post(slot, { type: 'hostReply', callId: message.callId, ok: true, value });
    } catch (err) {
      this.post(slot, { type: 'hostReply', callId: message.callId, ok: false, error: serializeError(err) });
    }
  }

  private release(slot: Slot): void {
    const jobId = slot.jobId;
    slot.jobId = null;
    if (jobId) {
      slot.channel?.abortJob(jobId);
      for (const timers of [this.cancelTimers, this.jobTimers, this.deadlineTimers]) {
        clearTimeout(timers.get(jobId));
        timers.delete(jobId);
      }
    }
  }

  /**
   * A job's wall-clock limit. Terminating the worker is the one stop that works whatever the job
   * is doing (a cancel needs the thread's event loop, which a pinned thread never reaches).
   */
  private armJobTimer(slot: Slot, jobId: string): void {
    clearTimeout(this.jobTimers.get(jobId));
    this.jobTimers.delete(jobId);
    const limitMs = this.options.jobTimeoutMs?.();
    if (limitMs === undefined || !(limitMs > 0)) return;
    const minutes = limitMs / 60_000;
    const shown = minutes >= 1 ? `${Math.round(minutes * 10) / 10} min` : `${Math.round(limitMs / 1000)} s`;
    this.jobTimers.set(
      jobId,
      setTimeout(() => {
        if (slot.jobId !== jobId) return;
        this.replace(slot, `job ${jobId} ran past its limit`, new PersonaError('JOB_TIMEOUT', `Job ${jobId} was still running after its limit of ${shown}, so its worker was stopped.`, 'Retry with a smaller context or fewer files, or raise "agentOsPersonas.jobs.timeoutMinutes".'));
      }, limitMs),
    );
  }

  /** The bound on a job's wait for its worker to load (see `workerStartTimeoutMs`); the job's own timer replaces it. */
  private armStartTimer(slot: Slot, jobId: string): void {
    clearTimeout(this.jobTimers.get(jobId));
    const ms = this.options.workerStartTimeoutMs ?? DEFAULT_WORKER_START_TIMEOUT_MS;
    const shown = ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
    this.jobTimers.set(
      jobId,
      setTimeout(() => {
        if (slot.jobId !== jobId) return;
        this.replace(slot, `the worker for job ${jobId} did not finish loading`, new PersonaError('JOB_TIMEOUT', `Job ${jobId} waited ${shown} for its worker to start, so the worker was stopped.`, 'Retry the job; if it happens again, the machine is short of memory or CPU: lower "agentOsPersonas.jobs.workerCount" or raise "agentOsPersonas.jobs.timeoutMinutes".'));
      }, ms),
    );
  }

  private armDeadline(slot: Slot, jobId: string, what: string, ms: number | null): void {
    clearTimeout(this.deadlineTimers.get(jobId));
    this.deadlineTimers.delete(jobId);
    if (ms === null) return;
    this.deadlineTimers.set(
      jobId,
      setTimeout(() => {
        if (slot.jobId !== jobId) return;
        this.replace(slot, `${what} of job ${jobId} ran past its deadline`, new PersonaError('TOOL_TIMEOUT', `${what} of job ${jobId} ran past its limit of ${Math.round(ms / 1000)} s without yielding, so its worker was stopped.`, 'Retry the job; if it happens again, ask for a narrower review (fewer files, a simpler search).'));
      }, ms),
    );
  }

  /** Retires a broken or stuck worker, fails its job if it was still running (with `error`, or WORKER_CRASHED), and starts a fresh one. */
  private replace(slot: Slot, reason: string, error?: PersonaError): void {
    if (slot.retired) return;
    slot.retired = true;
    for (const resolve of slot.heapWaiters.splice(0)) resolve({ usedBytes: Number.NaN, totalBytes: Number.NaN });
    const jobId = slot.jobId;
    this.release(slot);
    slot.channel?.abortAll();
    void slot.worker.terminate();
    const index = this.slots.indexOf(slot);
    if (this.disposed || index < 0) return;
    this.slots[index] = this.spawn();
    this.events.emit('worker:replaced', { reason });
    if (jobId && this.options.store.summary(jobId)?.status === 'running') {
      const failure = error ?? new PersonaError('WORKER_CRASHED', `The worker running job ${jobId} stopped unexpectedly (${reason}).`, 'Retry the job; if it happens again, the output channel "Agent OS Personas" has the worker\'s error.');
      void this.settle(jobId, () => this.options.store.fail(jobId, failure.toJSON()));
    }
    this.pump();
  }

  /** Store transitions that race a cancel or a reset (which deletes the job) are expected; anything else is logged. */
  private async settle(jobId: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (err instanceof PersonaError && (err.code === 'INVALID_TRANSITION' || err.code === 'JOB_NOT_FOUND')) return;
      this.options.log?.(`job ${jobId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private post(slot: Slot, message: HostToWorker): void {
    slot.worker.postMessage(message);
  }

  /**
   * Graceful stop: no new pickups; each running job gets up to `graceMs` to report its latest
   * progress (kept in its row), then is re-queued, to run again on the next start. Then the
   * workers are terminated, which aborts their model requests.
   */
  async shutdown(graceMs = 1000): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const u of this.unsubscribers.splice(0)) u();
    const running = this.slots.filter((s) => s.jobId !== null && !s.retired);
    await Promise.all(
      running.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const jobId = slot.jobId!;
            const timer = setTimeout(resolve, graceMs);
            this.checkpoints.set(jobId, () => {
              clearTimeout(timer);
              resolve();
            });
            this.post(slot, { type: 'checkpoint', jobId });
          }),
      ),
    );
    for (const slot of running) {
      const jobId = slot.jobId;
      slot.jobId = null;
      if (jobId && this.options.store.summary(jobId)?.status === 'running') {
        await this.settle(jobId, () => this.options.store.requeue(jobId, 'Re-queued: the editor or CLI stopped while it ran'));
      }
    }
    await this.terminateAll();
    // After the re-queues, so the spans of the runs they ended are in the last export.
    const tracing = this.tracing;
    this.tracing = null;
    await tracing?.shutdown().catch((err: unknown) => this.options.log?.(`tracing: ${err instanceof Error ? err.message : String(err)}`));
  }

  async dispose(): Promise<void> {
    await this.shutdown(0);
  }

  private async terminateAll(): Promise<void> {
    for (const timers of [this.cancelTimers, this.jobTimers, this.deadlineTimers]) for (const t of timers.values()) clearTimeout(t);
    this.checkpoints.clear();
    await Promise.all(
      this.slots.map((s) => {
        s.retired = true;
        s.channel?.abortAll();
        return s.worker.terminate();
      }),
    );
    this.events.removeAll();
  }
}
