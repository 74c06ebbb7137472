import { join } from 'node:path';
import type { Disposable } from './core/disposable';
import { ensurePrivateFolder } from './core/privateFolder';
import type { ToolCallHook } from './core/toolCalls';
import { JobStore } from './jobs/jobStore';
import { JobWatch } from './jobs/jobWatch';
import { JournaledDatabase } from './jobs/journaledDatabase';
import { MaintenanceScheduler, type Clock } from './jobs/maintenance';
import { JOBS_SCHEMA } from './jobs/migrations';
import { FINDINGS_SCHEMA } from './findings/migrations';
import { FindingsService } from './findings/findingsService';
import { METRICS_SCHEMA } from './metrics/migrations';
import { MetricsService } from './metrics/metricsService';
import { StoreLock } from './jobs/storeLock';
import { WorkerPool } from './jobs/workerPool';
import type { JobSummary, Retention } from './jobs/types';
import type { ChatModelBridge } from './personas/chatBridge';
import { ChatChannelHost } from './personas/chatChannel';
import { DEFAULT_CONTEXT_MAX_CHARS } from './personas/context';
import type { DiffSource } from './personas/jobContext';
import { ModelResolver, type ModelSettings } from './personas/modelResolver';
import { PanelCoordinator } from './personas/panelCoordinator';
import { PersonaJobs } from './personas/personaJobs';
import { PersonaRegistry } from './personas/personaRegistry';
import { personaHostCalls, personaRunPlan } from './personas/personaRunPlan';
import { personaSources } from './personas/personaSources';
import { STANDARDS_SCHEMA } from './standards/migrations';
import { ProposalStore } from './standards/proposalStore';
import { StandardsIndex } from './standards/standardsIndex';
import { EvidenceGates } from './workflows/evidenceGate';
import { WORKFLOWS_SCHEMA } from './workflows/migrations';
import { startWorkflowJob, WORKFLOW_EXECUTOR, workflowHostTools, type WorkflowJobRequest } from './workflows/workflowJobs';
import { WorkflowRegistry } from './workflows/workflowRegistry';
import type { WorkflowSession } from './workflows/workflowSessions';
import { WorkflowSessions } from './workflows/workflowSessions';

export const DEFAULT_RETENTION: Retention = { completedDays: 30, failedDays: 30, cancelledDays: 7 };
export const DEFAULT_MAX_STORE_BYTES = 100 * 1024 * 1024;

/** Every module's tables in the one store, in migration order (the standards' refer to the jobs'). */
export const STORE_SCHEMA = [JOBS_SCHEMA, STANDARDS_SCHEMA, WORKFLOWS_SCHEMA, METRICS_SCHEMA, FINDINGS_SCHEMA] as const;

/** A job's wall-clock limit unless the setting says otherwise: a review takes a minute or two. */
export const DEFAULT_JOB_TIMEOUT_MS = 15 * 60_000;

export interface ServicesOptions {
  workspaceRoot: string;
  /** Folder holding the shipped `personas/`, `workflows/` and `dist/worker.js`. */
  extensionRoot: string;
  /** Who owns the store while these services run ("VS Code", "CLI"): named in a refusal. */
  ownerKind: string;
  workerScript?: string;
  workerCount: number;
  workerMemoryMb?: number;
  /** A job's wall-clock limit in ms (default 15 min; setting "agentOsPersonas.jobs.timeoutMinutes"). */
  jobTimeoutMs?: () => number;
  /** One tool call's limit in ms (default 30 s). */
  toolTimeoutMs?: number;
  /** How long a job waits for its worker to load before both are given up (default 60 s). */
  workerStartTimeoutMs?: number;
  modelSettings: () => ModelSettings;
  apiKey: () => Promise<string | undefined>;
  /** The editor's chat models (VS Code's Language Model API); absent in the CLI. */
  chatBridge?: ChatModelBridge;
  /** The context limit in characters (default 60,000; setting "agentOsPersonas.context.maxChars"). */
  contextMaxChars?: () => number;
  /** Where git changes come from (default `git diff HEAD`; the editor reads them through its Git extension). */
  diffSource?: DiffSource;
  retention?: () => Retention;
  maxStoreBytes?: () => number;
  clock?: Clock;
  /** The raw "agentOsPersonas.metrics.prices" setting (model id -> USD per million tokens); absent: the built-in prices. */
  prices?: () => unknown;
  log: (line: string) => void;
}

/** The parts of the services, by name. */
interface ServiceParts {
  workspaceRoot: string;
  database: JournaledDatabase;
  store: JobStore;
  watch: JobWatch;
  registry: PersonaRegistry;
  models: ModelResolver;
  pool: WorkerPool;
  panels: PanelCoordinator;
  jobs: PersonaJobs;
  maintenance: MaintenanceScheduler;
  proposals: ProposalStore;
  standards: StandardsIndex;
  lock: StoreLock;
  recovered: { requeued: JobSummary[]; failed: JobSummary[] };
  workflowRegistry: WorkflowRegistry;
  sessions: WorkflowSessions;
  metrics: MetricsService;
  findings: FindingsService;
}

/** The core services for one workspace, shared by the VS Code extension and the CLI: the composition root. */
export class PersonaServices implements Disposable {
  readonly workspaceRoot: string;
  /** The durable queue: the lifecycle of every job. Ask, cancel and retry persona jobs through `jobs`. */
  readonly store: JobStore;
  /** Follows one job until it ends (progress, MCP waits, the CLI). */
  readonly watch: JobWatch;
  readonly registry: PersonaRegistry;
  readonly models: ModelResolver;
  readonly pool: WorkerPool;
  /** Panels: several personas on one context, one merged report. */
  readonly panels: PanelCoordinator;
  /** Ask a persona or a panel, cancel, retry: the one entry every surface uses. */
  readonly jobs: PersonaJobs;
  readonly maintenance: MaintenanceScheduler;
  readonly proposals: ProposalStore;
  /** Ranked search over the approved standards; the editor or the CLI keeps it current (watchStandards, `standards.watch()`). */
  readonly standards: StandardsIndex;
  /** Interrupted jobs found at start: re-queued or failed. */
  readonly recovered: { requeued: JobSummary[]; failed: JobSummary[] };
  /** The workflows that can be started (shipped, prAxIs OS folders, `.agent-os/workflows`). */
  readonly workflowRegistry: WorkflowRegistry;
  /** Durable phase-gated sessions; the workflow tools (MCP and in-loop) run on them. */
  readonly sessions: WorkflowSessions;
  /** Counters and histograms that outlive the jobs; `report` for the CLI, the tool and the view, `jobCost` for one job. */
  readonly metrics: MetricsService;
  /** Findings as data: stored with each completed review, listed, dismissed into `.agent-os/suppressions.json`, presented alike on every surface. */
  readonly findings: FindingsService;
  /** Run around every MCP tools/call of every server on these services, outermost first (metrics, tracing). */
  readonly toolCallHooks: ToolCallHook[] = [];
  private readonly database: JournaledDatabase;
  private readonly lock: StoreLock;
  private disposed = false;

  private constructor(parts: ServiceParts) {
    this.workspaceRoot = parts.workspaceRoot;
    this.database = parts.database;
    this.store = parts.store;
    this.watch = parts.watch;
    this.registry = parts.registry;
    this.models = parts.models;
    this.pool = parts.pool;
    this.panels = parts.panels;
    this.jobs = parts.jobs;
    this.maintenance = parts.maintenance;
    this.proposals = parts.proposals;
    this.standards = parts.standards;
    this.lock = parts.lock;
    this.recovered = parts.recovered;
    this.workflowRegistry = parts.workflowRegistry;
    this.sessions = parts.sessions;
    this.metrics = parts.metrics;
    this.findings = parts.findings;
    // Outermost: the metrics time the whole call, hooks added later (tracing) included.
    this.toolCallHooks.push(parts.metrics.toolCallHook);
  }

  /** Starts a workflow session and the workflow executor's job that drives it. */
  startWorkflow(request: WorkflowJobRequest): Promise<{ session: WorkflowSession; job: JobSummary }> {
    return startWorkflowJob({ registry: this.workflowRegistry, sessions: this.sessions, jobs: this.jobs }, request);
  }

  static async create(options: ServicesOptions): Promise<PersonaServices> {
    const { workspaceRoot, log } = options;
    const dataDir = join(workspaceRoot, '.agent-os');
    ensurePrivateFolder(dataDir);
    const clock = options.clock;
    const now = clock ? (): number => clock.now() : Date.now;
    const lock = await StoreLock.acquire(dataDir, options.ownerKind, (err) => log(`store lock lost: ${err.message}`), log);
    // The standards are read while the store opens and the pool starts. A search waits for
    // that first read, so a job's first search_standards sees every approved standard, and
    // jobs that have not reached a search yet do not wait for it (5,000 standards take seconds).
    const standards = new StandardsIndex({ workspaceRoot, log });
    void standards.start();
    let database: JournaledDatabase | undefined;
    let metrics: MetricsService | undefined;
    // What started before a failure stops with it, last first: worker threads, file watchers.
    const started: (() => unknown)[] = [];
    // One set of compiled gates: the registry compiles each workflow's as it loads, sessions reuse them.
    const gates = new EvidenceGates();
    const workflowRegistry = new WorkflowRegistry({ shippedFolder: join(options.extensionRoot, 'workflows'), workspaceRoot, gates });
    try {
      database = await JournaledDatabase.open({ dir: dataDir, schema: STORE_SCHEMA, now, log });
      metrics = new MetricsService({ database, now, prices: options.prices, log });
      // Every job's end is counted in the same durable write as the end itself.
      const findings = new FindingsService({ database, workspaceRoot, now, log, notReviews: [WORKFLOW_EXECUTOR] });
      // A review's findings are stored in the same durable write as its completion.
      const store = new JobStore(database, dataDir, { now, meter: metrics.meter, onComplete: findings.onComplete });
      // This process owns the store now, so any job still marked running was orphaned by a crash.
      const recovered = await store.recoverInterrupted();
      const registry = new PersonaRegistry(personaSources(options.extensionRoot, workspaceRoot));
      started.push(() => registry.dispose());
      const models = new ModelResolver(options.modelSettings, options.apiKey, options.chatBridge);
      const proposals = new ProposalStore(database, now);
      const sessions = new WorkflowSessions(database, workflowRegistry, gates, now);
      metrics.attach({ standards, proposals, sessions });
      const hostTools = workflowHostTools({ registry: workflowRegistry, sessions });
      const pool = new WorkerPool({
        store,
        workerScript: options.workerScript ?? join(options.extensionRoot, 'dist', 'worker.js'),
        size: options.workerCount,
        workerMemoryMb: options.workerMemoryMb,
        workerStartTimeoutMs: options.workerStartTimeoutMs,
        jobTimeoutMs: options.jobTimeoutMs ?? (() => DEFAULT_JOB_TIMEOUT_MS),
        now,
        log,
        plan: personaRunPlan(store, registry, models, workspaceRoot, { toolTimeoutMs: options.toolTimeoutMs, hostTools: () => hostTools.definitions() }),
        hostCalls: personaHostCalls({ search: (query) => standards.search(query), propose: (proposal) => proposals.create(proposal) }, hostTools),
        channel: (post) => new ChatChannelHost(options.chatBridge, post, log),
      });
      started.push(() => models.dispose(), () => pool.dispose());
      // Before the first pickup: a panel whose last child ended while the host was down is
      // finished, and children of a panel that ended are cancelled rather than run.
      const panels = new PanelCoordinator({ store, knownPersonas: () => registry.list().map((p) => p.id), log });
      await panels.recover();
      const jobs = new PersonaJobs({ store, registry, panels, workspaceRoot, contextMaxChars: options.contextMaxChars ?? (() => DEFAULT_CONTEXT_MAX_CHARS), diffSource: options.diffSource });
      const maintenance = new MaintenanceScheduler({
        store,
        retention: options.retention ?? (() => DEFAULT_RETENTION),
        maxBytes: options.maxStoreBytes ?? (() => DEFAULT_MAX_STORE_BYTES),
        clock,
        log,
      });
      const watch = new JobWatch(store);
      const services = new PersonaServices({ workspaceRoot, database, store, watch, registry, models, pool, panels, jobs, maintenance, proposals, standards, lock, recovered, workflowRegistry, sessions, metrics, findings });
      // The workers warm up in the background (loading the SDK takes a few hundred ms each);
      // a job picked before then waits for its worker.
      pool.pump();
      void maintenance.start().catch((err: unknown) => log(`maintenance failed: ${err instanceof Error ? err.message : String(err)}`));
      return services;
    } catch (err) {
      for (const stop of started.reverse()) await Promise.resolve().then(stop).catch(() => undefined);
      await metrics?.dispose().catch(() => undefined);
      standards.dispose();
      workflowRegistry.dispose();
      await database?.close().catch(() => undefined);
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
    this.workflowRegistry.dispose();
    this.standards.dispose();
    await this.pool.shutdown(graceMs);
    this.watch.dispose();
    await this.models.dispose();
    // Its buffered counts are written while the database is still open.
    await this.metrics.dispose();
    this.findings.dispose();
    await this.store.close();
    await this.database.close();
    await this.lock.dispose();
  }
}
