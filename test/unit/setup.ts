// Loaded by mocha before the unit tests: lets the unbundled build require .sql migrations
// as strings, the way esbuild's text loader bundles them.
import { readFileSync } from 'node:fs';

type LoaderModule = { exports: unknown };
const extensions = require.extensions as unknown as Record<string, (module: LoaderModule, filename: string) => void>;
extensions['.sql'] = (module, filename) => {
  module.exports = { __esModule: true, default: readFileSync(filename, 'utf8') };
};
