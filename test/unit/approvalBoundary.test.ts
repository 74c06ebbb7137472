// Only a person approves a standard, in the editor. The code that agents and models reach (MCP
// tools, persona tools, the worker and its pool, the CLI) must not import the approval module
// nor call ProposalStore's approve/reject. The ESLint rule in eslint.config.mjs says the same
// for imports; this test also covers calls, and fails on a new file that tries.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './tempDir';

const REACHABLE_BY_AGENTS = ['src/mcp', 'src/personas', 'src/jobs', 'src/cli.ts', 'src/services.ts'];

function sources(entry: string): string[] {
  const full = join(REPO_ROOT, entry);
  if (entry.endsWith('.ts')) return [full];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(full, f));
}

describe('the approval boundary', () => {
  const files = REACHABLE_BY_AGENTS.flatMap(sources);

  it('finds the code agents reach', () => {
    assert.ok(files.length > 30, `${files.length} files`);
    assert.ok(files.some((f) => f.endsWith(join('mcp', 'tools', 'proposeStandard.ts'))));
    assert.ok(files.some((f) => f.endsWith(join('personas', 'tools', 'proposeStandard.ts'))));
  });

  it('no MCP tool, persona tool, worker or CLI imports src/standards/approval', () => {
    const offenders = files.filter((f) => /from\s+['"][^'"]*standards\/approval(\.js)?['"]|require\(\s*['"][^'"]*standards\/approval/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('none of them calls approve or reject on the proposal store', () => {
    // `.reject(` alone is every promise's; a proposal store's is reached through a `proposals` name.
    const call = /\.approve\s*\(|\bproposals\b[\w?!.()\s]*\.reject\s*\(|approveProposal|rejectProposal|\[['"](approve|reject)['"]\]/;
    const offenders = files.filter((f) => call.test(readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
