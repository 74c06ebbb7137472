// Loaded by mocha before the unit tests: lets the unbundled build require .sql migrations
// as strings, the way esbuild's text loader bundles them.
import { readFileSync } from 'node:fs';
import { relayWorkerWarnings } from '../../src/jobs/workerWarnings';
import { leakHooks, watchLeakWarnings } from '../harness/warningGuard';

type LoaderModule = { exports: unknown };
const extensions = require.extensions as unknown as Record<string, (module: LoaderModule, filename: string) => void>;
extensions['.sql'] = (module, filename) => {
  module.exports = { __esModule: true, default: readFileSync(filename, 'utf8') };
};

// A FileHandle left to the garbage collector fails the run (test/harness/warningGuard.ts); so
// does one left on a worker thread, relayed to this thread by src/jobs/workerWarnings.ts.
watchLeakWarnings();
relayWorkerWarnings();
export const mochaHooks = leakHooks;
