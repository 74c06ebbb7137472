import assert from 'node:assert/strict';
import { JobStore } from '../../src/jobs/jobStore';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaServices } from '../../src/services';
import { startMcpHttp, type McpHttpEndpoint } from '../../src/mcp/httpServer';
import { writeEndpointFile } from '../../src/mcp/endpointFile';
import { TERMINAL_HINT_CODES, terminalHint } from '../../src/cli/terminalHints';
import { runCli } from './cliChild';
import { startDemoServices } from './demoServices';
import { REPO_ROOT, useTempDir } from './tempDir';

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

describe('the CLI (dist/cli.js) on a workspace', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  it('review --diff reviews the working tree\'s changes and cites the changed line; a completed review with a critical finding exits 2', async () => {
    git(tmp.path, 'init', '-q');
    writeFileSync(join(tmp.path, '.gitignore'), '.agent-os/\n');
    writeFileSync(join(tmp.path, 'config.ts'), 'export const region = "eu";\nexport const retries = 3;\n');
    git(tmp.path, 'add', '.');
    git(tmp.path, 'commit', '-qm', 'base');
    writeFileSync(join(tmp.path, 'config.ts'), 'export const region = "eu";\nexport const apiKey = "sk-live-abcdef123456";\nexport const retries = 3;\n');
    const { code, stdout, stderr } = await runCli(tmp.path, ['review', '--persona', 'security', '--task', 'Review my change', '--diff']);
    assert.equal(code, 2, `exit 2: completed with a critical finding (stderr: ${stderr})`);
    assert.match(stdout, /\[CRITICAL\] Hard-coded credential/);
    assert.match(stdout, /`config\.ts:2`/, 'the finding cites the changed line by its number in the working tree');
    const store = await JobStore.open({ dir: join(tmp.path, '.agent-os') });
    assert.deepEqual(store.listSummaries({}).map((j) => j.source), ['cli'], 'the CLI\'s job is counted as asked from the CLI');
    await store.close();    assert.match(readFileSync(join(tmp.path, '.agent-os', 'persona-guide.md'), 'utf8'), /^# /m, 'the first review installs the persona guide');
  });

  it('an unknown persona is refused with the list of known ids: nothing ran, exit 3', async () => {
    const { code, stderr } = await runCli(tmp.path, ['review', '--persona', 'nobody', 'x.ts']);
    assert.equal(code, 3);
    assert.match(stderr, /There is no persona "nobody"/);
    assert.match(stderr, /Known personas: .*architect.*security/);
  });

  it('bad arguments exit 3 and say what to write: no --persona, a flag without its value, an unknown option, an unknown command', async () => {
    const none = await runCli(tmp.path, ['review', 'x.ts']);
    assert.equal(none.code, 3);
    assert.match(none.stderr, /^INVALID_INPUT: review needs --persona <id>\.\nList the ids with agent-os-personas personas/m);
    const empty = await runCli(tmp.path, ['review', '--persona']);
    assert.equal(empty.code, 3);
    assert.match(empty.stderr, /--persona needs a value/);
    const option = await runCli(tmp.path, ['review', '--persona', 'qa', '--fail-fast']);
    assert.equal(option.code, 3);
    assert.match(option.stderr, /review has no option "--fail-fast"/);
    const command = await runCli(tmp.path, ['reveiw']);
    assert.equal(command.code, 3);
    assert.match(command.stderr, /Unknown command "reveiw"/);
  });

  it('review reads named files through the workspace path validator: a file outside is refused (exit 3), one inside is reviewed (exit 2: its finding is critical)', async () => {
    const ws = join(tmp.path, 'ws');
    mkdirSync(ws);
    writeFileSync(join(tmp.path, 'outside.ts'), 'export const apiKey = "sk-live-abcdef123456";\n');
    writeFileSync(join(ws, 'inside.ts'), 'export const apiKey = "sk-live-abcdef123456";\n');
    const refused = await runCli(ws, ['review', '--persona', 'security', '../outside.ts']);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /^PATH_REFUSED: /m);
    assert.doesNotMatch(refused.stdout, /sk-live/);
    const reviewed = await runCli(ws, ['review', '--persona', 'security', join(ws, 'inside.ts')]);
    assert.equal(reviewed.code, 2, reviewed.stderr);
    assert.match(reviewed.stdout, /`inside\.ts:1`/);
  });

  it('a failed job exits 1 with the terminal\'s remedy (export ANTHROPIC_API_KEY), not a palette command', async () => {
    writeFileSync(join(tmp.path, 'a.ts'), 'export const a = 1;\n');
    const { code, stderr } = await runCli(tmp.path, ['review', '--persona', 'qa', 'a.ts'], { env: { AGENT_OS_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: undefined } });
    assert.equal(code, 1, stderr);
    assert.match(stderr, /^failed: NO_API_KEY: /m);
    assert.match(stderr, /export ANTHROPIC_API_KEY=…/);
    assert.doesNotMatch(stderr, /Personas: Set Anthropic API Key/);
  });

  it('--version and -v print the package version; --help lists the exit codes', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const run = await runCli(tmp.path, [flag]);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, `${version}\n`);
    }
    const help = await runCli(tmp.path, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /0 the review completed with no finding at or above --fail-on\n\(default high\) left after suppressions, 2 it completed with such a finding, 1 the job failed or\nwas cancelled, 3 could not run/);
    assert.match(help.stdout, /--base <ref>/);
    assert.match(help.stdout, /--version/);
  });
});

describe('CLI review while another process owns the folder\'s job store', function () {
  this.timeout(90_000);
  let owner: { services: PersonaServices; endpoint?: McpHttpEndpoint } | undefined;
  afterEach(async () => {
    await owner?.endpoint?.close();
    await owner?.services.dispose(0);
    owner = undefined;
  });
  const tmp = useTempDir();

  /** A process holding the store as VS Code does: its services, and (unless told otherwise) its MCP endpoint published. */
  const startOwner = async (publish: 'endpoint' | 'wrong-token' | 'nothing' = 'endpoint'): Promise<PersonaServices> => {
    const services = await startDemoServices(tmp.path, { ownerKind: 'VS Code (test)' });
    owner = { services };
    if (publish === 'nothing') return services;
    const endpoint = await startMcpHttp(services);
    owner.endpoint = endpoint;
    writeEndpointFile(join(tmp.path, '.agent-os'), { url: endpoint.url, token: publish === 'wrong-token' ? 'not-the-token' : endpoint.token, pid: process.pid, owner: 'VS Code (test)' });
    return services;
  };

  it('hands the job to the owner: it runs in the owner\'s store, progress is shown, the review is printed, exit 2 for its critical finding', async () => {
    const services = await startOwner();
    mkdirSync(join(tmp.path, 'src'));
    writeFileSync(join(tmp.path, 'src', 'payments.ts'), readFileSync(join(REPO_ROOT, 'sample-workspace', 'src', 'payments.ts')));
    const run = await runCli(tmp.path, ['review', '--persona', 'security', '--task', 'Review payments [[demo:slow]]', 'src/payments.ts']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /Another process owns this folder's job store; the review runs there \(http:\/\/127\.0\.0\.1:\d+\/mcp\)/);
    const id = /job (\S+) queued/.exec(run.stderr)?.[1];
    assert.ok(id, run.stderr);
    const job = services.store.get(id);
    assert.equal(job?.status, 'completed', 'the job is the owner\'s');
    assert.equal(job?.result?.trim(), run.stdout.trim(), 'the owner\'s review, printed as it is');
    assert.match(run.stdout, /`src\/payments\.ts:4`/);
    assert.match(run.stderr, /security: (analyzing|generating|searching|initializing) · \d+%/, 'progress came back from the owner');
    assert.doesNotMatch(run.stderr, /STORE_LOCKED/);
  });

  it('--diff through the owner: the changes go as context and are cited by their working-tree lines', async () => {
    await startOwner();
    git(tmp.path, 'init', '-q');
    writeFileSync(join(tmp.path, '.gitignore'), '.agent-os/\n');
    writeFileSync(join(tmp.path, 'config.ts'), 'export const region = "eu";\n');
    git(tmp.path, 'add', '.');
    git(tmp.path, 'commit', '-qm', 'base');
    writeFileSync(join(tmp.path, 'config.ts'), 'export const region = "eu";\nexport const apiKey = "sk-live-abcdef123456";\n');
    const run = await runCli(tmp.path, ['review', '--persona', 'security', '--diff']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stdout, /`config\.ts:2`/);
  });

  it('a refusal by the owner (unknown persona) exits 3; a job that fails in the owner exits 1 with the owner\'s error', async () => {
    await startOwner();
    const unknown = await runCli(tmp.path, ['review', '--persona', 'nobody']);
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(unknown.stderr, /UNKNOWN_PERSONA: There is no persona "nobody"/);
    const failed = await runCli(tmp.path, ['review', '--persona', 'qa', '--task', 'Review [[demo:401]]']);
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /^failed: BAD_API_KEY: /m);
    assert.match(failed.stderr, /The job ran in the process that owns this folder/);
  });

  it('an owner that publishes no endpoint: exit 3, saying who holds the store and what to do', async () => {
    await startOwner('nothing');
    const run = await runCli(tmp.path, ['review', '--persona', 'qa']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /^STORE_LOCKED: Another process owns this workspace's job store and publishes no MCP endpoint\./m);
    assert.match(run.stderr, /reload its window/);
    assert.ok(!run.stderr.includes(tmp.path), 'no absolute path is printed');
  });

  it('an endpoint that refuses the token: exit 3, naming the check that failed; nothing runs in the owner', async () => {
    const services = await startOwner('wrong-token');
    const run = await runCli(tmp.path, ['review', '--persona', 'qa']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /^STORE_LOCKED: .*did not accept the file's token/m);
    assert.deepEqual(services.store.list().map((j) => j.id), [], 'no job was created');
  });
});

describe('the terminal\'s hints', () => {
  it('name environment variables and commands a terminal has, never a palette command or a VS Code setting', () => {
    assert.ok(TERMINAL_HINT_CODES.length >= 10);
    for (const code of TERMINAL_HINT_CODES) {
      const hint = terminalHint(code, 'the editor hint');
      assert.notEqual(hint, 'the editor hint', code);
      assert.doesNotMatch(hint, /"?Personas: (Set|Clear|Ask|Reset)|agentOsPersonas\.|output channel/, `${code}: ${hint}`);
    }
    assert.match(terminalHint('NO_API_KEY', 'Run "Personas: Set Anthropic API Key"'), /export ANTHROPIC_API_KEY=…/);
    assert.equal(terminalHint('UNKNOWN_PERSONA', 'Known personas: a, b.'), 'Known personas: a, b.', 'a hint that reads the same anywhere is kept');
  });
});
