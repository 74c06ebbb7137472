// `agent-os-personas personas` on the built CLI (dist/cli.js): every source listed, a broken
// file on stderr with file and line, and no job store touched.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, useTempDir } from './tempDir';

const run = promisify(execFile);

describe('CLI: personas', function () {
  this.timeout(20_000);
  const tmp = useTempDir();

  it('lists personas from every source and prints problems to stderr', async () => {
    const claude = join(tmp.path, '.claude', 'agents');
    const copilot = join(tmp.path, '.github', 'agents');
    mkdirSync(claude, { recursive: true });
    mkdirSync(copilot, { recursive: true });
    writeFileSync(join(claude, 'reviewer-x.md'), '---\nname: reviewer-x\ndescription: Reviews X\ntools: Read, Bash\n---\nYou review X.\n');
    writeFileSync(join(claude, 'broken.md'), '---\nname: broken\ndescription: [\n---\nx\n');
    writeFileSync(join(copilot, 'planner.agent.md'), "---\ndescription: Plans\ntools: ['codebase']\n---\nPlan.\n");
    const { stdout, stderr } = await run(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'personas'], { cwd: tmp.path });
    const rows = stdout.trim().split('\n').map((line) => line.split('\t').slice(0, 2).join(' '));
    for (const row of ['architect agent-os', 'reviewer-x claude', 'planner copilot']) assert.ok(rows.includes(row), `${row} in\n${stdout}`);
    assert.match(stderr, new RegExp(`persona file skipped: ${join(claude, 'broken.md').replace(/[.\\]/g, '\\$&')}:3: `));
    assert.match(stderr, /note: reviewer-x .*dropped: Bash/);
    assert.equal(existsSync(join(tmp.path, '.agent-os')), false, 'listing personas opens no job store');
  });
});
