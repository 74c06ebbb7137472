import { PersonaError, type SerializedError } from '../core/errors';
import type { Disposable } from '../core/disposable';
import type { JobStore } from '../jobs/jobStore';
import { JOB_PHASES, TERMINAL_STATUSES, type Job, type JobPhase, type JobSource, type JobSummary } from '../jobs/types';
import { mergePanelReport } from './reportMerge';

/** The persona id of a panel's parent job. It is a coordinator, never a persona a worker runs. */
export const PANEL_PERSONA = 'panel';
export const MIN_PANEL_PERSONAS = 2;
export const MAX_PANEL_PERSONAS = 8;

export interface PanelRequest {
  personas: string[];
  task: string;
  context?: string;
  contextNote?: string | null;
  priority?: number;
  /** Where it was asked from; its children share it. */
  source?: JobSource;
}

export interface Panel {
  parent: JobSummary;
  children: JobSummary[];
}

export interface PanelCoordinatorOptions {
  store: JobStore;
  /** The ids of the personas that can be asked (the registry's). */
  knownPersonas: () => string[];
  log?: (line: string) => void;
}

/**
 * Several personas on one context: a parent job (persona `panel`) and one child job per persona.
 * The children are ordinary queued jobs that the pool runs in parallel; the parent is created
 * running and is never a worker's: this coordinator, following store events, keeps its progress
 * (the children's mean), finishes it with one merged report when every child has ended, and
 * cancels the children when the parent is cancelled. Everything it does is a store write, so a
 * restart loses nothing: `recover()` settles what was left mid-way.
 *
 * Invariant: every write to one parent happens on that parent's queue, one at a time, and each
 * step re-reads the rows, so events arriving in any order give the same result.
 */
export class PanelCoordinator implements Disposable {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly pendingRefresh = new Set<string>();
  private readonly unsubscribers: (() => void)[] = [];
  private disposed = false;

  constructor(private readonly options: PanelCoordinatorOptions) {
    const { store } = options;
    const onChild = (job: JobSummary): void => {
      if (job.parentId) this.refresh(job.parentId);
    };
    for (const event of ['job:started', 'job:progress', 'job:completed', 'job:failed'] as const) {
      this.unsubscribers.push(store.events.on(event, onChild));
    }
    this.unsubscribers.push(
      store.events.on('job:cancelled', (job) => {
        if (job.parentId) this.refresh(job.parentId);
        else if (store.hasChildren(job.id)) this.enqueue(job.id, () => this.cancelChildren(job.id));
      }),
    );
  }

  /** Validates, then creates the parent and its children in one durable write; returns both. */
  async startPanel(request: PanelRequest): Promise<Panel> {
    const personas = this.validPersonas(request.personas);
    const message = progressMessage(0, personas.length);
    const common = { task: request.task, context: request.context ?? '', contextNote: request.contextNote ?? null, priority: request.priority ?? 0 };
    // The context goes to each child, which is what a worker sends; the parent keeps only the note.
    const { parent, children } = await this.options.store.createWithChildren(
      { ...common, persona: PANEL_PERSONA, context: '', message, source: request.source },
      personas.map((persona) => ({ ...common, persona })),
    );
    return { parent, children };
  }

  /**
   * At start, after the store re-queued interrupted children: a running parent whose children
   * have all ended is finished now (its last child ended while the host was down), and an ended
   * parent's leftover children are cancelled. Returns the parents it finished.
   */
  async recover(): Promise<JobSummary[]> {
    const { store } = this.options;
    const openChildren = store.listSummaries({ status: ['queued', 'running'], limit: 500 }).filter((c) => c.parentId !== null);
    for (const parentId of new Set(openChildren.map((c) => c.parentId!))) {
      const parent = store.summary(parentId);
      if (parent && TERMINAL_STATUSES.has(parent.status)) this.enqueue(parentId, () => this.cancelChildren(parentId));
    }
    const running = store.parents('running');
    for (const parent of running) this.refresh(parent.id);
    await this.idle();
    return running.map((p) => store.requireSummary(p.id)).filter((p) => TERMINAL_STATUSES.has(p.status));
  }

  /** Resolves when no write is pending. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  private validPersonas(requested: unknown): string[] {
    if (!Array.isArray(requested) || requested.some((p) => typeof p !== 'string')) {
      throw new PersonaError('INVALID_INPUT', 'A panel needs a list of persona ids.', 'Pass personas such as ["architect", "engineer", "security"].');
    }
    const personas = [...new Set((requested as string[]).map((p) => p.trim()).filter((p) => p !== ''))];
    const known = this.options.knownPersonas();
    if (personas.includes(PANEL_PERSONA)) {
      throw new PersonaError('INVALID_INPUT', `"${PANEL_PERSONA}" names the panel itself, not a persona on it.`, `Pick personas from: ${known.filter((p) => p !== PANEL_PERSONA).join(', ')}.`);
    }
    const unknown = personas.filter((p) => !known.includes(p));
    if (unknown.length > 0) {
      throw new PersonaError('UNKNOWN_PERSONA', `There is no persona ${unknown.map((p) => `"${p}"`).join(', ')} to put on the panel.`, `Known personas: ${known.join(', ')}.`);
    }
    if (personas.length < MIN_PANEL_PERSONAS) {
      throw new PersonaError('INVALID_INPUT', `A panel needs at least ${MIN_PANEL_PERSONAS} different personas; ${personas.length === 0 ? 'none was' : `only ${personas.map((p) => `"${p}"`).join(', ')} was`} given.`, `Add personas from: ${known.join(', ')}; for one persona use Personas: Ask a Persona….`);
    }
    if (personas.length > MAX_PANEL_PERSONAS) {
      throw new PersonaError('INVALID_INPUT', `A panel takes at most ${MAX_PANEL_PERSONAS} personas; ${personas.length} were given.`, 'Pick the personas that matter most for this task, or run two panels.');
    }
    return personas;
  }

  /** Brings a parent up to date with its children; coalesces bursts of progress into one pass. */
  private refresh(parentId: string): void {
    if (this.pendingRefresh.has(parentId)) return;
    this.pendingRefresh.add(parentId);
    this.enqueue(parentId, async () => {
      this.pendingRefresh.delete(parentId);
      await this.update(parentId);
    });
  }

  private async update(parentId: string): Promise<void> {
    const { store } = this.options;
    const parent = store.summary(parentId);
    if (!parent || parent.status !== 'running') return;
    // Progress needs only the summaries; the merged report reads the children's results once, at the end.
    const children = store.listSummaries({ parentId, limit: 500 }).reverse();
    if (children.length === 0) return;
    const done = children.filter((c) => TERMINAL_STATUSES.has(c.status)).length;
    if (done === children.length) {
      await this.finish(parent, store.list({ parentId, limit: 500 }).reverse());
      return;
    }
    const percent = Math.round(children.reduce((sum, c) => sum + (TERMINAL_STATUSES.has(c.status) ? 100 : c.percent), 0) / children.length);
    const message = progressMessage(done, children.length);
    const phase = furthestPhase(children);
    // The panel ends with its slowest child; unknown while any running child has no estimate.
    const running = children.filter((c) => c.status === 'running');
    const etas = running.map((c) => c.etaMs).filter((e): e is number => e !== null);
    const etaMs = etas.length > 0 && etas.length === running.length ? Math.max(...etas) : null;
    if (parent.message === message && parent.phase === phase && parent.percent >= Math.min(99, percent) && parent.etaMs === etaMs) return;
    await store.progress(parentId, { phase, percent, message, etaMs });
  }

  /** Every child has ended: completed with the merged report if any answered; else failed or cancelled. */
  private async finish(parent: JobSummary, children: Job[]): Promise<void> {
    const { store } = this.options;
    const answered = children.filter((c) => c.status === 'completed');
    const failed = children.filter((c) => c.status === 'failed');
    if (answered.length > 0) {
      const result = mergePanelReport({
        task: parent.task,
        contextNote: parent.contextNote,
        members: children.map((c) => ({ persona: c.persona, status: c.status, modelLabel: c.modelLabel, result: c.result, error: c.error })),
      });
      const models = [...new Set(answered.map((c) => c.modelLabel).filter((m): m is string => m !== null))];
      await store.complete(parent.id, {
        result,
        tokensIn: sum(children, (c) => c.tokensIn),
        tokensOut: sum(children, (c) => c.tokensOut),
        toolCalls: sum(children, (c) => c.toolCalls),
        modelLabel: models.length > 0 ? models.join(', ') : null,
      });
    } else if (failed.length > 0) {
      await store.fail(parent.id, panelFailure(failed));
    } else {
      await store.cancel(parent.id, 'Every persona on the panel was cancelled');
    }
  }

  private async cancelChildren(parentId: string): Promise<void> {
    const { store } = this.options;
    const open = store.listSummaries({ parentId, status: ['queued', 'running'], limit: 500 });
    await Promise.all(
      open.map((child) =>
        // The store's cancel is enough: the pool follows it and stops the child's worker.
        store.cancel(child.id, 'Cancelled with its panel').catch((err: unknown) => {
          // A child that ended meanwhile is expected; anything else is worth a line in the log.
          if (!(err instanceof PersonaError && err.code === 'INVALID_TRANSITION')) throw err;
        }),
      ),
    );
  }

  private enqueue(parentId: string, step: () => Promise<void>): void {
    if (this.disposed) return;
    const previous = this.queues.get(parentId) ?? Promise.resolve();
    const next = previous
      .then(() => (this.disposed ? undefined : step()))
      .catch((err: unknown) => {
        // Writes that race a cancel or a reset (which deletes ended jobs) are expected; a closed
        // store means we are shutting down.
        if (err instanceof PersonaError && (err.code === 'INVALID_TRANSITION' || err.code === 'JOB_NOT_FOUND' || err.code === 'STORE_CLOSED')) return;
        this.options.log?.(`panel ${parentId}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      })
      .finally(() => {
        if (this.queues.get(parentId) === next) this.queues.delete(parentId);
      });
    this.queues.set(parentId, next);
  }

  /** Stops following the store; pending writes finish. A parent left running is settled by `recover()` on the next start. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const u of this.unsubscribers.splice(0)) u();
    await this.idle();
  }
}

function progressMessage(done: number, total: number): string {
  return `${done} of ${total} personas done`;
}

/** The phase of the child that has got furthest (initializing while none has started). */
function furthestPhase(children: JobSummary[]): JobPhase {
  let best = 0;
  for (const c of children) {
    if (c.phase) best = Math.max(best, JOB_PHASES.indexOf(c.phase));
  }
  return JOB_PHASES[best] ?? 'initializing';
}

function panelFailure(failed: JobSummary[]): SerializedError {
  const errors = failed.map((c) => `${c.persona}: ${c.error?.code ?? 'error'} (${c.error?.message ?? 'no message'})`);
  const hint = failed.find((c) => c.error?.hint)?.error?.hint;
  return {
    code: 'PANEL_FAILED',
    message: `No persona on the panel answered. ${errors.join('; ')}.`,
    hint: `${hint ? `${failed[0]?.persona ?? 'The first'}: ${hint} ` : ''}Each persona's job under the panel has its own error and hint; fix the cause and ask the panel again.`,
  };
}

function sum(jobs: JobSummary[], of: (j: JobSummary) => number): number {
  return jobs.reduce((total, j) => total + of(j), 0);
}
