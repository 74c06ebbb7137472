import { join } from 'node:path';
import type { ModelSettings } from '../../src/personas/modelResolver';
import { PersonaServices, type ServicesOptions } from '../../src/services';
import { REPO_ROOT } from './tempDir';

/** The compiled persona worker entry the unit tests run the pool on (dist/worker.js's source). */
export const PERSONA_WORKER = join(REPO_ROOT, 'out', 'src', 'personas', 'personaWorker.js');

export const demoSettings = (maxTokens = 2048): ModelSettings => ({ provider: 'demo', model: 'm', baseUrl: '', maxTokens, requestTimeoutSeconds: 30 });

/**
 * A workspace's services as the unit tests start them: the shipped personas, the real worker on
 * two threads, the demo model, no key, no log. `overrides` change what a test is about.
 */
export function startDemoServices(workspaceRoot: string, overrides: Partial<ServicesOptions> = {}): Promise<PersonaServices> {
  return PersonaServices.create({
    workspaceRoot,
    extensionRoot: REPO_ROOT,
    ownerKind: 'unit test',
    workerScript: PERSONA_WORKER,
    workerCount: 2,
    modelSettings: () => demoSettings(),
    apiKey: () => Promise.resolve(undefined),
    log: () => undefined,
    ...overrides,
  });
}
