import assert from 'node:assert/strict';
import { ESLint, Linter } from 'eslint';
import { REPO_ROOT } from './tempDir';

/**
 * The layer rules as eslint.config.mjs applies them to a file at `path`, run on `source`. The
 * rule's options come from the real config for that path (calculateConfigForFile), so this
 * fails if the config stops applying them; the planted source is parsed without type
 * information, which no-restricted-imports does not need.
 */
async function layerErrors(path: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const config = (await eslint.calculateConfigForFile(path)) as { rules?: Record<string, Linter.RuleEntry> };
  const rule = config.rules?.['no-restricted-imports'];
  assert.ok(rule, `eslint.config.mjs applies no-restricted-imports to ${path}`);
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(source, [{ files: ['**/*.ts'], languageOptions: { sourceType: 'module', ecmaVersion: 2022 }, rules: { 'no-restricted-imports': rule } }], { filename: path });
  return messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the layer rule (eslint.layers.mjs): arrows point down only', function () {
  this.timeout(60_000);

  it('refuses a planted import of src/personas in src/jobs', async () => {
    const errors = await layerErrors('src/jobs/workerPool.ts', "import { runPersona } from '../personas/personaRunner';\nexport const x = runPersona;\n");
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0]!, /src\/jobs may import only src\/core/);
  });

  it('refuses the same from a nested folder of src/jobs, and src/standards from src/jobs', async () => {
    assert.equal((await layerErrors('src/jobs/migrations/index.ts', "import { x } from '../../personas/personaJobs';\nexport const y = x;\n")).length, 1);
    assert.equal((await layerErrors('src/jobs/eta.ts', "import { ProposalStore } from '../standards/proposalStore';\nexport const y = ProposalStore;\n")).length, 1);
  });

  it('lets src/jobs import src/core and its own modules', async () => {
    assert.deepEqual(await layerErrors('src/jobs/workerPool.ts', "import { PersonaError } from '../core/errors';\nimport { JobStore } from './jobStore';\nimport { JOBS_SCHEMA } from './migrations';\nexport const x = [PersonaError, JobStore, JOBS_SCHEMA];\n"), []);
  });

  it('refuses anything of ours in src/core', async () => {
    const errors = await layerErrors('src/core/errors.ts', "import { JobStore } from '../jobs/jobStore';\nexport const x = JobStore;\n");
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /src\/core may import only nothing of ours/);
  });

  it('refuses src/ui in src/mcp, and vscode below src/ui', async () => {
    assert.match((await layerErrors('src/mcp/server.ts', "import { askPersona } from '../ui/askPersona';\nexport const x = askPersona;\n"))[0] ?? '', /src\/mcp may import only/);
    assert.match((await layerErrors('src/personas/personaJobs.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n"))[0] ?? '', /Only src\/ui and src\/extension\.ts may import vscode/);
    assert.match((await layerErrors('src/services.ts', "import { askPersona } from './ui/askPersona';\nexport const x = askPersona;\n"))[0] ?? '', /src\/services may import only/);
  });

  it('keeps the approval module out of the code agents reach', async () => {
    assert.match((await layerErrors('src/mcp/tools/proposeStandard.ts', "import { approveProposal } from '../../standards/approval';\nexport const x = approveProposal;\n"))[0] ?? '', /Only the editor UI/);
  });

  it('keeps src/guides (the generated tables, the guide installer) below the UI and the MCP server', async () => {
    assert.match((await layerErrors('src/guides/guideInstaller.ts', "import { askPersona } from '../ui/askPersona';\nexport const x = askPersona;\n"))[0] ?? '', /src\/guides may import only/);
    assert.match((await layerErrors('src/guides/docTables.ts', "import { createPersonaServer } from '../mcp/server';\nexport const x = createPersonaServer;\n"))[0] ?? '', /src\/guides may import only/);
    assert.deepEqual(await layerErrors('src/guides/errorCatalog.ts', "import { JOB_ERROR_CODES } from '../jobs/jobErrors';\nexport const x = JOB_ERROR_CODES;\n"), []);
  });

  it('lets src/ui import any layer', async () => {
    const config = (await new ESLint({ cwd: REPO_ROOT }).calculateConfigForFile('src/ui/askPersona.ts')) as { rules?: Record<string, Linter.RuleEntry> };
    const rule = config.rules?.['no-restricted-imports'];
    assert.ok(rule === undefined || rule === 'off' || (Array.isArray(rule) && (rule[0] === 'off' || rule[0] === 0)), `src/ui is unrestricted, got ${JSON.stringify(rule)}`);
  });
});
