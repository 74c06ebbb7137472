import { join } from 'node:path';
import type { Disposable } from './core/disposable';
import { JobStore } from './jobs/jobStore';
import { WorkerPool } from './jobs/workerPool';
import type { Job } from './jobs/types';
import { PersonaRegistry } from './personas/personaRegistry';
import { ModelResolver, type ModelSettings } from './personas/modelResolver';

export interface ServicesOptions {
  workspaceRoot: string;
  /** Folder holding the shipped `personas/` and `dist/worker.js`. */
  extensionRoot: string;
  workerScript?: string;
  workerCount: number;
  modelSettings: () => ModelSettings;
  apiKey: () => Promise<string | undefined>;
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
  ) {}

  static async create(options: ServicesOptions): Promise<PersonaServices> {
    const dataDir = join(options.workspaceRoot, '.agent-os');
    const store = await JobStore.open({ dir: dataDir });
    const registry = new PersonaRegistry([join(options.extensionRoot, 'personas'), join(dataDir, 'personas')]);
    const models = new ModelResolver(options.modelSettings, options.apiKey);
    const pool = new WorkerPool({
      store,
      workerScript: options.workerScript ?? join(options.extensionRoot, 'dist', 'worker.js'),
      size: options.workerCount,
      log: options.log,
      plan: async (job: Job) => {
        const persona = registry.require(job.persona);
        const model = await models.resolve();
        return {
          model,
          input: { personaId: persona.id, systemPrompt: persona.systemPrompt, task: job.task, context: job.context, contextNote: job.contextNote, personaModel: persona.model },
        };
      },
    });
    const services = new PersonaServices(options.workspaceRoot, store, registry, models, pool);
    // The workers warm up in the background (loading the SDK takes a few hundred ms each);
    // activation does not wait for them, and a job picked before then waits for its worker.
    pool.pump();
    return services;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pool.dispose();
    await this.models.dispose();
    await this.store.close();
  }
}
