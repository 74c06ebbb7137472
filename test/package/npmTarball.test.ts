// The CLI as npm users get it: `npm pack`, the tarball installed into an empty folder (only
// it and its dependencies), and `npx agent-os-personas mcp` there answering tools/list over stdio
// to the real MCP SDK client.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { repoRoot, tailFile } from '../harness/codeServer';
import { runLogged } from '../harness/vsix';
import { ALL_TOOLS } from '../unit/mcpTools';

/** The environment without what `npm test` adds (npm_config_local_prefix would point npx at this repository). */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(key)) env[key] = value;
  }
  return env;
}

describe('the npm tarball', function () {
  this.timeout(240_000);
  // Under the system temp folder: npm looks for a project upwards from its folder, and inside
  // this repository it would find this one.
  let scratch = '';
  let project = '';
  let client: Client | undefined;
  const stderr: string[] = [];

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'aop-npm-'));
    project = join(scratch, 'project');
    mkdirSync(project);
    const log = join(scratch, 'npm.log');
    const packed = await runLogged('npm', ['pack', '--pack-destination', scratch], log, cleanEnv(), repoRoot);
    assert.equal(packed, 0, `npm pack failed:\n${tailFile(log, 20)}`);
    const tarball = readdirSync(scratch).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, `npm pack wrote no .tgz:\n${tailFile(log, 20)}`);
    const installed = await runLogged('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', project, join(scratch, tarball)], log, cleanEnv(), project);
    assert.equal(installed, 0, `npm install of the tarball failed:\n${tailFile(log, 20)}`);
  });

  after(async () => {
    await client?.close().catch(() => undefined);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('installs what runs (bundles, wasm, personas, workflows) and no sources, tests or benchmarks', () => {
    const installed = join(project, 'node_modules', 'agent-os-personas');
    const present = readdirSync(installed).sort();
    const leaked = present.filter((f) => ['src', 'test', 'bench', 'out', 'scripts', 'sample-workspace', 'docs', 'tsconfig.json', 'esbuild.mjs'].includes(f));
    assert.deepEqual(leaked, [], 'the tarball ships files that do not run');
    const needed = ['dist/cli.js', 'dist/extension.js', 'dist/worker.js', 'dist/compactor.js', 'dist/sql-wasm.wasm', 'personas/security.md', 'workflows', 'LICENSE', 'README.md'];
    assert.deepEqual(needed.filter((f) => !existsSync(join(installed, f))), [], 'the tarball lacks files the CLI needs');
  });

  it('installs a bin whose `npx agent-os-personas mcp` lists every MCP tool', async () => {
    const transport = new StdioClientTransport({ command: 'npx', args: ['--no', 'agent-os-personas', 'mcp'], cwd: project, env: cleanEnv(), stderr: 'pipe' });
    transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    client = new Client({ name: 'npm-tarball-test', version: '1' });
    await client.connect(transport).catch((err: unknown) => {
      throw new Error(`npx agent-os-personas mcp did not answer initialize: ${String(err)}\n--- its stderr ---\n${stderr.join('')}`);
    });
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
    const server = client.getServerVersion();
    assert.equal(server?.name, pkg.name);
    assert.equal(server?.version, pkg.version);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [...ALL_TOOLS].sort());
    assert.match(stderr.join(''), /serving this workspace/, 'the installed CLI served the empty folder itself');
  });
});
