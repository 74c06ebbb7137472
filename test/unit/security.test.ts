// The standing security suite: each attack a probe of the landed code found, as a test that
// failed on that code and passes now (docs/security.md says what each defence covers).
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { PersonaError } from '../../src/core/errors';
import { readUpTo, readWorkspaceFile } from '../../src/core/safeFile';
import { readWorkspaceText } from '../../src/core/workspaceFile';
import { JobStore } from '../../src/jobs/jobStore';
import { createPersonaServer } from '../../src/mcp/server';
import { PERSONA_TOOLS, runTool } from '../../src/personas/tools';
import type { ToolContext, ToolHost } from '../../src/personas/tools/types';
import type { PersonaServices } from '../../src/services';
import { deferred, withTimeout } from '../harness/waitFor';
import { runCli } from './cliChild';
import { startDemoServices } from './demoServices';
import { settledJob } from './settledJob';
import { REPO_ROOT, useTempDir } from './tempDir';

const SWAPPER = join(REPO_ROOT, 'out', 'test', 'unit', 'fixtures', 'linkSwapper.js');
const FAULTY_WORKER = join(REPO_ROOT, 'out', 'test', 'unit', 'fixtures', 'faultyWorker.js');
const OUTSIDE = 'OUTSIDE-BYTES-3f9a';
const INSIDE = 'inside text\n';
const SWAPS = 10_000;
const posix = process.platform !== 'win32';

const NO_HOST: ToolHost = { searchStandards: () => Promise.resolve([]), proposeStandard: () => Promise.reject(new Error('not here')) };
const toolContext = (root: string): ToolContext => ({ root, persona: 'security', jobId: 'j', host: NO_HOST, signal: new AbortController().signal });
const tool = (root: string, name: string, input: unknown): Promise<{ content: string; isError: boolean }> => runTool(PERSONA_TOOLS, name, input, toolContext(root));

/** Starts the swapper and resolves once its link exists. */
async function startSwapper(link: string, a: string, b: string, swaps: number): Promise<{ child: ChildProcess; done: Promise<number> }> {
  const child = spawn(process.execPath, [SWAPPER, link, a, b, String(swaps)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = deferred<void>();
  const done = deferred<number>();
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('ready')) ready.resolve();
    const m = /done (\d+)/.exec(out);
    if (m) done.resolve(Number(m[1]));
  });
  child.on('exit', (code) => {
    ready.reject(new Error(`swapper exited with ${code}`));
    done.reject(new Error(`swapper exited with ${code} before finishing`));
  });
  await withTimeout(ready.promise, 10_000, 'the swapper did not start');
  return { child, done: done.promise };
}

describe('security: the probe\'s attacks as standing tests', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  let root: string;
  beforeEach(() => {
    root = join(tmp.path, 'ws');
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(root, 'inside-dir'));
    mkdirSync(join(tmp.path, 'outside'));
    writeFileSync(join(tmp.path, 'outside', 'secret.txt'), `${OUTSIDE}\n`);
    writeFileSync(join(root, 'inside-dir', 'secret.txt'), INSIDE);
    writeFileSync(join(root, 'inside.txt'), INSIDE);
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  });

  describe('1. check-then-open: what is opened is what is checked', () => {
    it(`a link swapped ${SWAPS.toLocaleString('en')} times between inside and outside never yields an outside byte (files, read_file, grep, list_files)`, async function () {
      if (!posix) this.skip();
      const fileLink = join(root, 'swapfile');
      const dirLink = join(root, 'swapdir');
      // The last part of the path swapped, and a folder on the way swapped.
      const files = await startSwapper(fileLink, join(root, 'inside.txt'), join(tmp.path, 'outside', 'secret.txt'), SWAPS);
      const dirs = await startSwapper(dirLink, join(root, 'inside-dir'), join(tmp.path, 'outside'), SWAPS);
      const tally = { reads: 0, inside: 0, refused: 0 };
      let finished = false;
      void Promise.all([files.done, dirs.done]).finally(() => (finished = true));
      const leaks: string[] = [];
      const check = (what: string, text: string): void => {
        tally.reads += 1;
        if (text.includes(OUTSIDE)) leaks.push(`${what}: ${text.slice(0, 120)}`);
        else if (text.includes('inside text')) tally.inside += 1;
        else tally.refused += 1;
      };
      const attempt = async <T>(what: string, read: () => Promise<T>, text: (value: T) => string): Promise<void> => {
        try {
          check(what, text(await read()));
        } catch (err) {
          check(what, err instanceof Error ? err.message : String(err));
        }
      };
      while (!finished) {
        await attempt('files', () => readWorkspaceText(root, 'swapfile', 1000), (t) => t);
        await attempt('files (folder link)', () => readWorkspaceText(root, 'swapdir/secret.txt', 1000), (t) => t);
        await attempt('read_file', () => tool(root, 'read_file', { path: 'swapdir/secret.txt' }), (r) => r.content);
        await attempt('grep', () => tool(root, 'grep', { pattern: 'BYTES|inside', regex: true, path: 'swapdir' }), (r) => r.content);
        await attempt('list_files', () => tool(root, 'list_files', { path: 'swapdir' }), (r) => r.content.replace(/secret\.txt/g, ''));
      }
      assert.equal(await files.done, SWAPS);
      assert.equal(await dirs.done, SWAPS);
      console.log(`      ${2 * SWAPS} swaps; ${tally.reads} reads: ${tally.inside} inside, ${tally.refused} refused, ${leaks.length} outside`);
      assert.deepEqual(leaks, [], 'no read returned a byte from outside the workspace');
      assert.ok(tally.inside > 0 && tally.refused > 0, 'the reads met both targets of the links');
    });

    it('a walk never follows a link out, and grep finds nothing outside', async () => {
      symlinkSync(join(tmp.path, 'outside'), join(root, 'src', 'out-link'));
      const found = await tool(root, 'grep', { pattern: 'BYTES' });
      assert.equal(found.isError, false);
      assert.match(found.content, /^No matches/);
      const listed = await tool(root, 'list_files', { path: '.', recursive: true });
      assert.doesNotMatch(listed.content, /out-link/);
    });
  });

  describe('2. a named pipe or a device cannot hold the host', () => {
    it('eight pipe reads at once (more than libuv\'s four threads) answer at once, and the store still takes a job', async function () {
      if (!posix) this.skip();
      execFileSync('mkfifo', [join(root, 'pipe')]);
      const services = await startDemoServices(root);
      try {
        const calls = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? tool(root, 'read_file', { path: 'pipe' }) : tool(root, 'grep', { pattern: 'x', path: 'pipe' })));
        const results = await withTimeout(Promise.all(calls), 5000, 'a pipe read blocked');
        for (const r of results) {
          assert.equal(r.isError, true);
          assert.match(r.content, /"pipe" is a named pipe/);
        }
        const job = await withTimeout(services.jobs.ask({ persona: 'security', task: 'Is this safe?', context: { text: 'const a = 1;' } }), 5000, 'the store stopped taking jobs');
        assert.equal((await settledJob(services, job.id)).status, 'completed');
      } finally {
        await services.dispose();
      }
    });

    it('the CLI refuses a pipe and a link to /dev/zero at once, naming what they are', async function () {
      if (!posix) this.skip();
      execFileSync('mkfifo', [join(root, 'pipe')]);
      symlinkSync('/dev/zero', join(root, 'zero'));
      const pipe = await withTimeout(runCli(root, ['review', '--persona', 'security', 'pipe']), 20_000, 'the CLI hung on a pipe');
      assert.equal(pipe.code, 3, 'nothing ran: exit 3');
      assert.match(pipe.stderr, /INVALID_INPUT: The file "pipe" is a named pipe/);
      const zero = await withTimeout(runCli(root, ['review', '--persona', 'security', 'zero']), 20_000, 'the CLI hung on /dev/zero');
      assert.equal(zero.code, 3, 'nothing ran: exit 3');
      assert.match(zero.stderr, /PATH_REFUSED: The file "zero" was refused: it leads outside the workspace/);
      assert.ok(!zero.stderr.includes(tmp.path), 'no absolute path is printed');
    });

    it('SIGTERM stops a CLI review: it exits and the job is recorded as cancelled', async function () {
      if (!posix) this.skip();
      let sent = false;
      const run = await withTimeout(
        runCli(root, ['review', '--persona', 'security', '--task', '[[demo:hang]] Review', 'src/a.ts'], {
          onStderr: (stderr, child) => {
            if (!sent && /job \S+ queued/.test(stderr)) {
              sent = true;
              child.kill('SIGTERM');
            }
          },
        }),
        20_000,
        'the CLI ignored SIGTERM',
      );
      assert.equal(run.code, 143, run.stderr);
      const id = /job (\S+) queued/.exec(run.stderr)![1]!;
      const store = await JobStore.open({ dir: join(root, '.agent-os') });
      try {
        assert.equal(store.require(id).status, 'cancelled');
      } finally {
        await store.dispose();
      }
    });
  });

  describe('4. .agent-os/ is private', () => {
    let services: PersonaServices | undefined;
    afterEach(async () => {
      await services?.dispose();
      services = undefined;
    });

    it('no tool and no files argument reaches the store, the lock or the endpoint; standards stay readable', async () => {
      services = await startDemoServices(root);
      const token = 'TOKEN-5e1d-not-for-models';
      writeFileSync(join(root, '.agent-os', 'mcp-endpoint.json'), JSON.stringify({ url: 'http://127.0.0.1:1/mcp', token, pid: process.pid }), { mode: 0o600 });
      mkdirSync(join(root, '.agent-os', 'standards', 'security'), { recursive: true });
      writeFileSync(join(root, '.agent-os', 'standards', 'security', 'keys.md'), '# Keys\nRead keys from the environment.\n');
      symlinkSync(join(root, '.agent-os', 'mcp-endpoint.json'), join(root, 'notes.md'));
      for (const path of ['.agent-os/mcp-endpoint.json', '.agent-os', './.agent-os//jobs.journal', 'notes.md']) {
        await assert.rejects(readWorkspaceText(root, path, 1000), (err: unknown) => err instanceof PersonaError && err.code === 'PATH_REFUSED' && /private/.test(err.message), path);
        const read = await tool(root, 'read_file', { path });
        assert.equal(read.isError, true, path);
        assert.match(read.content, /private to Agent OS Personas/, path);
      }
      const listed = await tool(root, 'list_files', { path: '.' });
      assert.doesNotMatch(listed.content, /\.agent-os/);
      const deep = await tool(root, 'list_files', { path: '.', recursive: true });
      assert.doesNotMatch(deep.content, /\.agent-os/);
      const grep = await tool(root, 'grep', { pattern: 'TOKEN-5e1d' });
      assert.match(grep.content, /^No matches/);
      assert.equal((await tool(root, 'list_files', { path: '.agent-os' })).isError, true);
      // The standards are meant to be read.
      assert.match((await tool(root, 'read_file', { path: '.agent-os/standards/security/keys.md' })).content, /Read keys from the environment/);
      // Through MCP: refused, and no job was created.
      const server = createPersonaServer(services);
      const client = new Client({ name: 't', version: '1' });
      const [a, b] = InMemoryTransport.createLinkedPair();
      await Promise.all([server.connect(a), client.connect(b)]);
      const before = services.store.list().length;
      const result = CallToolResultSchema.parse(await client.callTool({ name: 'invoke_security', arguments: { task: 'x', files: ['.agent-os/mcp-endpoint.json'] } }));
      assert.equal(result.isError, true);
      assert.match(JSON.stringify(result.content), /PATH_REFUSED/);
      assert.equal(services.store.list().length, before);
      await client.close();
      await server.close();
    });

    it('the store folder is 0700 and its files 0600, and an older, open store is tightened', async function () {
      if (!posix) this.skip();
      const dir = join(root, '.agent-os');
      mkdirSync(dir, { mode: 0o755 });
      writeFileSync(join(dir, 'jobs.journal'), '', { mode: 0o644 });
      chmodSync(dir, 0o755);
      chmodSync(join(dir, 'jobs.journal'), 0o644);
      services = await startDemoServices(root);
      const job = await services.jobs.ask({ persona: 'security', task: 'Is this safe?', context: { text: 'const a = 1;' } });
      await settledJob(services, job.id);
      await services.maintenance.runNow();
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      for (const name of readdirSync(dir)) {
        const info = statSync(join(dir, name));
        if (info.isFile()) assert.equal(info.mode & 0o077, 0, `${name} is ${(info.mode & 0o777).toString(8)}`);
      }
    });
  });

  describe('5. work a model starts is bounded', () => {
    it('a catastrophic pattern in grep runs in linear time (RE2): (a+)+$ over a line of a\'s answers at once', async () => {
      writeFileSync(join(root, 'src', 'evil.txt'), `${'a'.repeat(38)}!\n`.repeat(50));
      const result = await withTimeout(tool(root, 'grep', { pattern: '(a+)+$', regex: true, path: 'src' }), 5000, 'grep pinned the thread');
      assert.equal(result.isError, false);
      assert.match(result.content, /^No matches/);
      const backref = await tool(root, 'grep', { pattern: '(a)\\1', regex: true });
      assert.equal(backref.isError, true);
      assert.match(backref.content, /RE2 syntax/);
    });

    it('a tool call that pins its worker is stopped by the host: the job fails with TOOL_TIMEOUT and the pool serves on', async () => {
      const services = await startDemoServices(root, { workerScript: FAULTY_WORKER, workerCount: 1, toolTimeoutMs: 200 });
      try {
        const pinned = await services.jobs.ask({ persona: 'security', task: '[[demo:tools]] [[test:pin-in-tool]] Review `src/a.ts`' });
        const failed = await settledJob(services, pinned.id, 30_000);
        assert.equal(failed.status, 'failed');
        assert.equal(failed.error?.code, 'TOOL_TIMEOUT', JSON.stringify(failed.error));
        assert.match(failed.error?.message ?? '', /The tool call \w+ of job .* ran past its limit/);
        const next = await services.jobs.ask({ persona: 'security', task: 'Is this safe?', context: { text: 'const a = 1;' } });
        assert.equal((await settledJob(services, next.id)).status, 'completed');
      } finally {
        await services.dispose();
      }
    });

    it('a job past its wall-clock limit is stopped with JOB_TIMEOUT, even with its thread pinned', async () => {
      const services = await startDemoServices(root, { workerScript: FAULTY_WORKER, workerCount: 1, jobTimeoutMs: () => 1000 });
      try {
        const pinned = await services.jobs.ask({ persona: 'security', task: '[[test:pin]] Review', context: { text: 'const a = 1;' } });
        const failed = await settledJob(services, pinned.id, 30_000);
        assert.equal(failed.error?.code, 'JOB_TIMEOUT', JSON.stringify(failed.error));
        assert.match(failed.error?.hint ?? '', /agentOsPersonas\.jobs\.timeoutMinutes/);
        const next = await services.jobs.ask({ persona: 'security', task: 'Is this safe?', context: { text: 'const a = 1;' } });
        assert.equal((await settledJob(services, next.id)).status, 'completed');
      } finally {
        await services.dispose();
      }
    });

    it('a tool call past its limit is answered to the model as an error, and the loop goes on', async () => {
      const never = { ...PERSONA_TOOLS[0]!, name: 'never_ends', run: () => new Promise<string>(() => undefined) };
      const outcome = await withTimeout(runTool([never], 'never_ends', { query: 'x' }, toolContext(root), 100), 5000, 'the tool call was not bounded');
      assert.equal(outcome.isError, true);
      assert.match(outcome.content, /never_ends took longer than 0 s and was stopped/);
    });
  });

  describe('8. smaller findings', () => {
    it('a real file named "..notes.md" is read, not refused as outside', async () => {
      writeFileSync(join(root, '..notes.md'), 'notes\n');
      assert.equal(await readWorkspaceText(root, '..notes.md', 100), 'notes\n');
      assert.match((await tool(root, 'read_file', { path: '..notes.md' })).content, /1\| notes/);
    });

    it('read_file names a pipe a pipe, not a folder', async function () {
      if (!posix) this.skip();
      execFileSync('mkfifo', [join(root, 'pipe')]);
      const r = await tool(root, 'read_file', { path: 'pipe' });
      assert.equal(r.isError, true);
      assert.match(r.content, /"pipe" is a named pipe, not a file/);
      const folder = await tool(root, 'read_file', { path: 'src' });
      assert.match(folder.content, /"src" is a folder, not a file/);
    });

    it('a file that shrinks after its size was taken is read as it is, never called binary', async () => {
      // Deterministic: the handle's size is taken, the file is cut short, then it is read. (A
      // second process cutting it during the read meets the kernel's own torn reads, which can
      // show zeros at the cut whatever the reader does.)
      const full = 'line of text\n'.repeat(20_000);
      const path = join(root, 'shrinking.txt');
      writeFileSync(path, full);
      const handle = await open(path, 'r');
      try {
        const sizeWhenOpened = (await handle.stat()).size;
        truncateSync(path, 100);
        const bytes = await readUpTo(handle, 1024 * 1024, sizeWhenOpened);
        assert.equal(bytes.length, 100, 'only what the file holds now is read');
        assert.equal(bytes.toString('utf8'), full.slice(0, 100));
        assert.ok(!bytes.includes(0), 'no zero-filled tail');
      } finally {
        await handle.close();
      }
      // And through the reader: the file as it is now, text.
      assert.equal((await readWorkspaceFile(root, 'shrinking.txt', { maxBytes: 1024 * 1024 })).text, full.slice(0, 100));
    });

    it('propose_standard refuses a domain or topic that approval could not write ("con", "nul", "com1")', async () => {
      for (const domain of ['con', 'nul', 'com1']) {
        const r = await tool(root, 'propose_standard', { domain, topic: 'keys', title: 'A title', body: 'x'.repeat(30), tags: [] });
        assert.equal(r.isError, true, domain);
        assert.match(r.content, /Windows device name/);
      }
    });
  });
});
