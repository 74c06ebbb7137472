// `npm run docs`: writes the generated regions of docs/persona-guide.md and docs/install.md
// (every error code and hint, every MCP tool's input schema, every persona and setting) from the
// compiled code in out/ (run `npm run build` first; the npm script does). The unit test
// test/unit/guides.test.ts fails when a file differs from what this writes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// The unbundled migrations require their .sql files as text, as esbuild's loader bundles them.
require.extensions['.sql'] = (module, filename) => {
  module.exports = { __esModule: true, default: readFileSync(filename, 'utf8') };
};
const { PersonaServices } = require(join(root, 'out/src/services.js'));
const { listServerTools } = require(join(root, 'out/src/mcp/toolCatalog.js'));
const { generatedDocs } = require(join(root, 'out/src/guides/guideDocs.js'));
const { replaceRegion } = require(join(root, 'out/src/guides/generatedRegions.js'));

// An empty workspace: the tools and personas are the shipped ones, whatever this clone holds.
const workspace = mkdtempSync(join(tmpdir(), 'agent-os-docs-'));
const services = await PersonaServices.create({
  workspaceRoot: workspace,
  extensionRoot: root,
  ownerKind: 'npm run docs',
  workerScript: join(root, 'out/src/personas/personaWorker.js'),
  workerCount: 1,
  modelSettings: () => ({ provider: 'demo', model: 'demo', baseUrl: '', maxTokens: 1024, requestTimeoutSeconds: 30 }),
  apiKey: () => Promise.resolve(undefined),
  log: () => undefined,
});
try {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const docs = generatedDocs({ tools: await listServerTools(services), personas: services.registry.list(), settings: manifest.contributes.configuration.properties });
  for (const doc of docs) {
    const path = join(root, doc.file);
    const before = readFileSync(path, 'utf8');
    let after = before;
    for (const [name, body] of Object.entries(doc.regions)) after = replaceRegion(after, name, body);
    if (after === before) {
      process.stdout.write(`${doc.file}: up to date\n`);
    } else {
      writeFileSync(path, after);
      process.stdout.write(`${doc.file}: regions ${Object.keys(doc.regions).join(', ')} written\n`);
    }
  }
} finally {
  await services.dispose(0);
  rmSync(workspace, { recursive: true, force: true });
}
