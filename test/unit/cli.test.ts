import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './cliChild';
import { useTempDir } from './tempDir';

describe('the CLI (dist/cli.js) on a workspace', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('review --diff reviews the working tree\'s changes and cites the changed line; exit 2 on a critical finding', async () => {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: tmp.path, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    writeFileSync(join(tmp.path, '.gitignore'), '.agent-os/\n');
    writeFileSync(join(tmp.path, 'config.ts'), 'export const region = "eu";\nexport const retries = 3;\n');
    git('add', '.');
    git('commit', '-qm', 'base');
    writeFileSync(join(tmp.path, 'config.ts'), 'export const region = "eu";\nexport const apiKey = "sk-live-abcdef123456";\nexport const retries = 3;\n');
    const { code, stdout, stderr } = await runCli(tmp.path, ['review', '--persona', 'security', '--task', 'Review my change', '--diff']);
    assert.equal(code, 2, `exit 2 for a critical finding (stderr: ${stderr})`);
    assert.match(stdout, /\[CRITICAL\] Hard-coded credential/);
    assert.match(stdout, /`config\.ts:2`/, 'the finding cites the changed line by its number in the working tree');
  });

  it('an unknown persona is refused with the list of known ids', async () => {
    const { code, stderr } = await runCli(tmp.path, ['review', '--persona', 'nobody', 'x.ts']);
    assert.equal(code, 1);
    assert.match(stderr, /There is no persona "nobody"/);
    assert.match(stderr, /Known personas: .*architect.*security/);
  });

  it('review reads named files through the workspace path validator: a file outside is refused, one inside is reviewed', async () => {
    const ws = join(tmp.path, 'ws');
    mkdirSync(ws);
    writeFileSync(join(tmp.path, 'outside.ts'), 'export const apiKey = "sk-live-abcdef123456";\n');
    writeFileSync(join(ws, 'inside.ts'), 'export const apiKey = "sk-live-abcdef123456";\n');
    const refused = await runCli(ws, ['review', '--persona', 'security', '../outside.ts']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^PATH_REFUSED: /m);
    assert.doesNotMatch(refused.stdout, /sk-live/);
    const reviewed = await runCli(ws, ['review', '--persona', 'security', join(ws, 'inside.ts')]);
    assert.equal(reviewed.code, 2, reviewed.stderr);
    assert.match(reviewed.stdout, /`inside\.ts:1`/);
  });
});
