import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersonaServices } from '../../src/services';
import { listServerTools } from '../../src/mcp/toolCatalog';
import type { SettingDoc } from '../../src/guides/docTables';
import { errorCatalog } from '../../src/guides/errorCatalog';
import { generatedDocs, INSTALL_GUIDE_DOC, PERSONA_GUIDE_DOC, type DocInputs, type GeneratedDoc } from '../../src/guides/guideDocs';
import { readRegion } from '../../src/guides/generatedRegions';
import { startDemoServices } from './demoServices';
import { EVERY_CODE } from './errorCodes.test';
import { ALL_TOOLS } from './mcpTools';
import { REPO_ROOT } from './tempDir';

function doc(file: string): string {
  return readFileSync(join(REPO_ROOT, file), 'utf8');
}

/** The names a region must hold, so a stale region's failure says what is missing, not only that it differs. */
function namesIn(region: string, inputs: DocInputs): { names: string[]; shown: (name: string) => string } {
  switch (region) {
    case 'error-codes':
      return { names: errorCatalog().map((e) => e.code), shown: (code) => `| \`${code}\` |` };
    case 'mcp-tools':
      return { names: inputs.tools.map((t) => t.name), shown: (name) => `### ${name}\n` };
    case 'personas':
      return { names: inputs.personas.map((p) => p.id), shown: (id) => `[\`${id}\`]` };
    default:
      return { names: Object.keys(inputs.settings), shown: (key) => `| \`${key}\` |` };
  }
}

describe('the guides are generated from the code (npm run docs)', function () {
  this.timeout(30_000);
  let services: PersonaServices | undefined;
  let inputs: DocInputs;
  let docs: GeneratedDoc[];

  // One server for every test here: starting the services is most of this file's time.
  before(async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'agent-os-guides-'));
    services = await startDemoServices(workspace, { workerCount: 1 });
    const manifest = JSON.parse(doc('package.json')) as { contributes: { configuration: { properties: Record<string, SettingDoc> } } };
    inputs = { tools: await listServerTools(services), personas: services.registry.list(), settings: manifest.contributes.configuration.properties };
    docs = generatedDocs(inputs);
  });
  after(async () => {
    const root = services?.workspaceRoot;
    await services?.dispose(0);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('each generated region of docs/persona-guide.md and docs/install.md is what the code makes today', () => {
    for (const { file, regions } of docs) {
      const text = doc(file);
      for (const [region, body] of Object.entries(regions)) {
        const found = readRegion(text, region);
        assert.ok(found !== undefined, `${file} has no <!-- generated:${region}:start/end --> markers`);
        const { names, shown } = namesIn(region, inputs);
        const missing = names.filter((n) => !found.includes(shown(n)));
        assert.deepEqual(missing, [], `${file}, region "${region}": not documented: ${missing.join(', ')}. Run "npm run build && npm run docs".`);
        assert.ok(found === body, `${file}, region "${region}" differs from what the code generates today. Run "npm run build && npm run docs".`);
      }
    }
  });

  it('the troubleshooting table holds every error code, each with what it means and what to do', () => {
    const region = readRegion(doc(PERSONA_GUIDE_DOC), 'error-codes') ?? '';
    const catalog = errorCatalog();
    assert.deepEqual(catalog.map((e) => e.code).sort(), [...EVERY_CODE].sort(), 'the catalog reads every domain\'s table');
    const missing = EVERY_CODE.filter((code) => !region.includes(`| \`${code}\` |`));
    assert.deepEqual(missing, [], `error codes missing from ${PERSONA_GUIDE_DOC}: ${missing.join(', ')}`);
    for (const e of catalog) {
      assert.ok(e.hint.length > 20, `${e.code} has a hint that says what to do`);
      assert.ok(region.includes(`| \`${e.code}\` | ${e.domain} | ${e.meaning} | ${e.hint.replace(/\|/g, '\\|')} |`), `${e.code}'s row carries its meaning and hint`);
    }
  });

  it('the install guide documents every MCP tool the server lists, with each input field', () => {
    assert.deepEqual(inputs.tools.map((t) => t.name).sort(), ALL_TOOLS, 'the server lists exactly ALL_TOOLS');
    const region = readRegion(doc(INSTALL_GUIDE_DOC), 'mcp-tools') ?? '';
    const missing = ALL_TOOLS.filter((name) => !region.includes(`### ${name}\n`));
    assert.deepEqual(missing, [], `MCP tools missing from ${INSTALL_GUIDE_DOC}: ${missing.join(', ')}`);
    for (const tool of inputs.tools) {
      const section = region.slice(region.indexOf(`### ${tool.name}\n`)).split(/\n### /)[0]!;
      for (const field of Object.keys(tool.inputSchema.properties ?? {})) {
        assert.match(section, new RegExp(`\\| \`${field}\` \\|`), `${tool.name}'s field ${field} is in its table`);
      }
    }
  });

  it('the persona guide has a hand-written section with examples for every shipped persona', () => {
    const text = doc(PERSONA_GUIDE_DOC);
    for (const persona of inputs.personas) {
      const start = text.indexOf(`\n#### ${persona.id}\n`);
      assert.ok(start >= 0, `${PERSONA_GUIDE_DOC} has a "#### ${persona.id}" section`);
      const section = text.slice(start + 1).split(/\n#{2,4} /)[0]!;
      for (const surface of ['| Palette |', '| Chat |', '| MCP |', '| CLI |']) assert.ok(section.includes(surface), `${persona.id}'s section has a ${surface} example`);
      assert.ok(section.includes(`--persona ${persona.id}`), `${persona.id}'s CLI example names it`);
    }
  });
});
