import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Disposable } from './core/disposable';
import { JobStore } from './jobs/jobStore';
import { MaintenanceScheduler, type Clock } from './jobs/maintenance';
import { PanelCoordinator } from './jobs/panel';
import { StoreLock } from './jobs/storeLock';
import { WorkerPool } from './jobs/workerPool';
import type { Job, Retention } from './jobs/types';
import { PersonaRegistry } from './personas/personaRegistry';
import { personaSources } from './personas/personaSources';
import { ModelResolver, type ModelSettings } from './personas/modelResolver';
import type { ChatModelBridge } from './personas/chatBridge';
import { ProposalStore } from './standards/proposalStore';
import { StandardsIndex } from './standards/standardsIndex';

export const DEFAULT_RETENTION: Retention = { completedDays: 30, failedDays: 30, cancelledDays: 7 };
export const DEFAULT_MAX_STORE_BYTES = 100 * 1024 * 1024;

export interface ServicesOptions {
  workspaceRoot: string;
  /** Folder holding the shipped `personas/` and `dist/worker.js`. */
  extensionRoot: string;
  /** Who owns the store while these services run ("VS Code", "CLI"): named in a refusal. */
  ownerKind: string;
  workerScript?: string;
  workerCount: number;
  workerMemoryMb?: number;
  modelSettings: () => ModelSettings;
  apiKey: () => Promise<string | undefined>;
  /** The editor's chat models (VS Code's Language Model API); absent in the CLI. */
  chatBridge?: ChatModelBridge;
  retention?: () => Retention;
  maxStoreBytes?: () => number;
  clock?: Clock;
  log: (line: string) => void;
}

/** The core services for one workspace, shared by the VS Code extension and the CLI. */
export class PersonaServices implements Disposable {
  private disposed = false;

  private constructor(
    readonly workspaceRoot: string,
    readonly store: JobStore,
    readonly registry: PersonaRegistry,
    readonly models: ModelResolver,
    readonly pool: WorkerPool,
    /** Panels: several personas on one context, one merged report. */
    readonly panels: PanelCoordinator,
    readonly maintenance: MaintenanceScheduler,
    readonly proposals: ProposalStore,
    /** Ranked search over the approved standards; the editor or the CLI keeps it current (watchStandards, `standards.watch()`). */
    readonly standards: StandardsIndex,
    private readonly lock: StoreLock,
    /** Interrupted jobs found at start: re-queued or failed. */
    readonly recovered: { requeued: Job[]; failed: Job[] },
  ) {}

  static async create(options: ServicesOptions): Promise<PersonaServices> {
    const dataDir = join(options.workspaceRoot, '.agent-os');
    mkdirSync(dataDir, { recursive: true });
    const clock = options.clock;
    const now = clock ? (): number => clock.now() : undefined;
    const lock = await StoreLock.acquire(dataDir, options.ownerKind, (err) => options.log(`store lock lost: ${err.message}`));
    // The standards are read while the store opens and the pool starts. A search waits for
    // that first read, so a job's first search_standards sees every approved standard, and
    // jobs that have not reached a search yet do not wait for it (5,000 standards take seconds).
    const standards = new StandardsIndex({ workspaceRoot: options.workspaceRoot, log: options.log });
    void standards.start();
    let store: JobStore | undefined;
    try {
      store = await JobStore.open({ dir: dataDir, now, log: options.log });
      // This process owns the store now, so any job still marked running was orphaned by a crash.
      const recovered = await store.recoverInterrupted();
      const registry = new PersonaRegistry(personaSources(options.extensionRoot, options.workspaceRoot));
      const models = new ModelResolver(options.modelSettings, options.apiKey, options.chatBridge);
      const proposals = new ProposalStore(store.sharedDatabase, now);
      const pool = new WorkerPool({
        store,
        workerScript: options.workerScript ?? join(options.extensionRoot, 'dist', 'worker.js'),
        size: options.workerCount,
        workerMemoryMb: options.workerMemoryMb,
        now,
        log: options.log,
        chatBridge: options.chatBridge,
        toolHost: (job: Job) => ({
          searchStandards: (query) => standards.search(query),
          // The job's persona is the author, whatever the worker says; there is no approver here.
          proposeStandard: async (p) => ({ id: (await proposals.create({ domain: p.domain, topic: p.topic, title: p.title, body: p.body, tags: p.tags, createdBy: job.persona, jobId: job.id })).id }),
        }),
        plan: async (job: Job) => {
          const persona = registry.require(job.persona);
          const model = await models.resolve();
          return {
            model,
            input: { personaId: persona.id, systemPrompt: persona.systemPrompt, task: job.task, context: job.context, contextNote: job.contextNote, personaModel: persona.model, tools: persona.tools, workspaceRoot: options.workspaceRoot, jobId: job.id },
          };
        },
      });
      // Before the first pickup: a panel whose last child ended while the host was down is
      // finished, and children of a panel that ended are cancelled rather than run.
      const panels = new PanelCoordinator({ store, knownPersonas: () => registry.list().map((p) => p.id), cancel: (id, reason) => pool.cancel(id, reason), log: options.log });
      await panels.recover();
      const maintenance = new MaintenanceScheduler({
        store,
        retention: options.retention ?? (() => DEFAULT_RETENTION),
        maxBytes: options.maxStoreBytes ?? (() => DEFAULT_MAX_STORE_BYTES),
        clock: options.clock,
        log: options.log,
      });
      const services = new PersonaServices(options.workspaceRoot, store, registry, models, pool, panels, maintenance, proposals, standards, lock, recovered);
      // The workers warm up in the background (loading the SDK takes a few hundred ms each);
      // a job picked before then waits for its worker.
      pool.pump();
      void maintenance.start().catch((err: unknown) => options.log(`maintenance failed: ${err instanceof Error ? err.message : String(err)}`));
      return services;
    } catch (err) {
      standards.dispose();
      await store?.close().catch(() => undefined);
      await lock.dispose();
      throw err;
    }
  }

  /** Stops gracefully: running jobs report a checkpoint and are re-queued, then the store is snapshotted and the lock released. */
  async dispose(graceMs = 1000): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.maintenance.dispose();
    // The coordinator stops first: children re-queued by the pool's shutdown are not a panel's end.
    await this.panels.dispose();
    this.registry.dispose();
    this.standards.dispose();
    await this.pool.shutdown(graceMs);
    await this.models.dispose();
    await this.store.close();
    await this.lock.dispose();
  }
}
