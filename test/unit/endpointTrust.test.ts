import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endianness, hostname, networkInterfaces } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as lockfile from 'proper-lockfile';
import { PersonaError } from '../../src/core/errors';
import { StoreLock } from '../../src/jobs/storeLock';
import { ENDPOINT_FILE, inspectEndpointFile, writeEndpointFile } from '../../src/mcp/endpointFile';
import { startMcpHttp, type McpHttpEndpoint } from '../../src/mcp/httpServer';
import { loopbackListeners } from '../../src/mcp/loopbackListener';
import type { PersonaServices } from '../../src/services';
import { deferred, waitFor, withTimeout } from '../harness/waitFor';
import { startDemoServices } from './demoServices';
import { startRogueEndpoint, type RogueEndpoint, type SeenRequest } from './rogueEndpoint';
import { connectStdioCli } from './cliChild';
import { REPO_ROOT, useTempDir } from './tempDir';

/** Above Linux's largest pid (2^22): no process has it. */
const DEAD_PID = 2 ** 22 + 12345;
const OTHER_HOST = 'build-server-7';

const text = (result: unknown): string => ((result as CallToolResult).content[0] as { text: string }).text;

function plantEndpoint(dataDir: string, info: { url: string; token?: string; pid: number }, mode: number): void {
  const file = join(dataDir, ENDPOINT_FILE);
  writeFileSync(file, JSON.stringify({ url: info.url, token: info.token ?? 'planted-token', pid: info.pid, owner: 'VS Code' }), { mode });
  chmodSync(file, mode); // whatever the umask
}

function plantOwner(dataDir: string, owner: { pid: number; host: string }): void {
  writeFileSync(join(dataDir, 'owner.json'), JSON.stringify({ ...owner, kind: 'VS Code', since: Date.now() }), { mode: 0o644 });
}

/** A lock folder as an archive that keeps mtimes leaves it: dated `aheadMs` from now. */
function plantLock(dataDir: string, aheadMs: number): void {
  const lockDir = join(dataDir, 'jobs.lock');
  mkdirSync(lockDir, { recursive: true });
  const at = (Date.now() + aheadMs) / 1000;
  utimesSync(lockDir, at, at);
}

/** An address of this machine that is not loopback, where a server of the test can listen. */
function nonLoopbackAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.2'; // Linux answers all of 127/8; the check accepts 127.0.0.1 only.
}

describe('a planted .agent-os does not redirect the stdio proxy (npx agent-os-personas mcp)', function () {
  this.timeout(90_000);
  let client: Client | undefined;
  let rogue: RogueEndpoint | undefined;
  let holder: PersonaServices | undefined;
  let owner: McpHttpEndpoint | undefined;
  let stderr: string[] = [];
  const dataDir = (): string => join(tmp.path, '.agent-os');

  afterEach(async () => {
    await client?.close();
    client = undefined;
    await rogue?.close();
    rogue = undefined;
    await owner?.close();
    owner = undefined;
    await holder?.dispose(0);
    holder = undefined;
  });
  // After the hook above: the store is closed before its folder is removed.
  const tmp = useTempDir();
  beforeEach(() => {
    stderr = [];
    mkdirSync(dataDir(), { recursive: true });
  });

  /** The store really held by this test process (owner.json names it), as VS Code would hold it. */
  const holdStore = async (): Promise<void> => {
    holder = await startDemoServices(tmp.path, { ownerKind: 'VS Code (test)' });
  };

  /** Starts `mcp` and expects it to refuse: it exits before answering initialize, saying why on stderr. */
  const expectRefusal = async (reason: RegExp): Promise<string> => {
    const failed = await connectStdioCli(tmp.path, stderr).then(
      (connected) => {
        client = connected; // closed by afterEach
        return undefined;
      },
      (err: unknown) => err,
    );
    assert.ok(failed instanceof Error && /Connection closed/.test(failed.message), `mcp exits instead of serving (${String(failed)})`);
    const said = await waitFor(() => (/STORE_LOCKED/.test(stderr.join('')) ? stderr.join('') : undefined), { timeoutMs: 10_000, message: 'the refusal on stderr' });
    assert.match(said, reason);
    assert.match(said, /delete it|\.agent-os\/mcp-endpoint\.json/);
    assert.ok(!said.includes(tmp.path), `no absolute path of the machine in: ${said}`);
    return said;
  };

  const noneForwarded = (requests: SeenRequest[]): void => {
    assert.deepEqual(requests.filter((r) => r.authorization !== undefined || (r.rpc !== undefined && r.rpc !== 'initialize')), [], 'no token and no call reached the rogue server');
  };

  it('takes over a lock dated in the future (owner.json naming another host) and never contacts the world-readable endpoint it names', async () => {
    rogue = await startRogueEndpoint();
    plantLock(dataDir(), 60 * 60 * 1000);
    plantOwner(dataDir(), { pid: 4242, host: OTHER_HOST });
    plantEndpoint(dataDir(), { url: rogue.url, pid: 4242 }, 0o644);
    client = await connectStdioCli(tmp.path, stderr);
    const date = JSON.parse(text(await client.callTool({ name: 'current_date', arguments: {} }))) as { date?: string };
    assert.match(String(date.date), /^\d{4}-\d{2}-\d{2}$/, 'answered by this workspace\'s own server');
    const personas = JSON.parse(text(await client.callTool({ name: 'list_personas', arguments: {} }))) as { personas: { id: string }[] };
    assert.ok(personas.personas.some((p) => p.id === 'security'));
    assert.deepEqual(rogue.requests, [], 'the rogue server received nothing');
    assert.match(stderr.join(''), /dated \d+ s in the future/);
    assert.match(stderr.join(''), /this process owns the job store/);
  });

  it('refuses an endpoint file other users can read while the store is really held, naming the mode and what to do', async () => {
    rogue = await startRogueEndpoint();
    await holdStore();
    plantEndpoint(dataDir(), { url: rogue.url, pid: process.pid }, 0o644);
    await expectRefusal(/mode 0644, expected 0600/);
    assert.deepEqual(rogue.requests, []);
  });

  it('refuses a 0600 endpoint whose process is not running; takes the store over when the lock\'s owner is that dead process', async () => {
    rogue = await startRogueEndpoint();
    await holdStore();
    plantEndpoint(dataDir(), { url: rogue.url, pid: DEAD_PID }, 0o600);
    await expectRefusal(new RegExp(`process ${DEAD_PID}, which published it, is not running`));
    assert.deepEqual(rogue.requests, []);

    // The same endpoint with a lock its dead owner left behind (fresh, this host): taken over.
    await holder!.dispose(0);
    holder = undefined;
    plantLock(dataDir(), 0);
    plantOwner(dataDir(), { pid: DEAD_PID, host: hostname() });
    plantEndpoint(dataDir(), { url: rogue.url, pid: DEAD_PID }, 0o600);
    client = await connectStdioCli(tmp.path, stderr);
    assert.match(text(await client.callTool({ name: 'current_date', arguments: {} })), /"date"/);
    assert.deepEqual(rogue.requests, []);
  });

  it('refuses a 0600 endpoint of the lock\'s live owner whose server answers without the token: only the tokenless probe reaches it', async () => {
    rogue = await startRogueEndpoint(); // accepts any token, or none
    await holdStore();
    plantEndpoint(dataDir(), { url: rogue.url, pid: process.pid }, 0o600);
    await expectRefusal(/answered a request without the token with HTTP 200 instead of 401/);
    noneForwarded(rogue.requests);
    assert.equal(rogue.requests.length, 1, 'one probe, without a token');
  });

  it('refuses an endpoint on an address that is not loopback', async () => {
    rogue = await startRogueEndpoint({ host: nonLoopbackAddress() });
    await holdStore();
    plantEndpoint(dataDir(), { url: rogue.url, pid: process.pid }, 0o600);
    await expectRefusal(/not to this machine's loopback/);
    assert.deepEqual(rogue.requests, []);
  });

  it('refuses an endpoint whose port another user listens on, even when that server refuses strangers and takes the file\'s token (Linux, as root)', async function () {
    if (process.getuid?.() !== 0 || loopbackListeners('127.0.0.1', 1).kind === 'unavailable') this.skip();
    // The other user must be able to run the Node binary: the test harness's Node 24 lives under /root.
    const node = nodeOthersCanRun();
    if (!node) this.skip();
    const token = 'the-other-users-token';
    const child: ChildProcess = spawn(node, [join(REPO_ROOT, 'out', 'test', 'unit', 'rogueEndpoint.js'), '127.0.0.1', token], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const seen: SeenRequest[] = [];
      const port = deferred<number>();
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = JSON.parse(line) as { port?: number } & SeenRequest;
        if (m.port !== undefined) port.resolve(m.port);
        else seen.push(m);
      });
      child.once('exit', (code) => port.reject(new Error(`the rogue server exited (${String(code)})`)));
      const rogueUrl = `http://127.0.0.1:${await withTimeout(port.promise, 10_000, 'the rogue server listening')}/mcp`;
      // The store held by the other user's process as owner.json tells it, the lock kept fresh.
      const release = await lockfile.lock(join(dataDir(), 'jobs'), { realpath: false, stale: 10_000, update: 2_500 });
      try {
        plantOwner(dataDir(), { pid: child.pid!, host: hostname() });
        plantEndpoint(dataDir(), { url: rogueUrl, token, pid: child.pid! }, 0o600);
        await expectRefusal(/port \d+ is held by another user \(uid 65534\)/);
        assert.deepEqual(seen, [], 'the other user\'s server received nothing');
      } finally {
        await release();
      }
    } finally {
      child.kill();
    }
  });

  it('still follows the real owner: its endpoint passes every check and calls reach its store', async () => {
    holder = await startDemoServices(tmp.path, { ownerKind: 'VS Code (test)' });
    owner = await startMcpHttp(holder);
    writeEndpointFile(dataDir(), { url: owner.url, token: owner.token, pid: process.pid, owner: 'VS Code (test)' });
    assert.equal(statSync(join(dataDir(), ENDPOINT_FILE)).mode & 0o777, 0o600);
    client = await connectStdioCli(tmp.path, stderr);
    const invoked = JSON.parse(text(await client.callTool({ name: 'invoke_qa', arguments: { task: 'through the checked proxy' } }))) as { job_id: string };
    assert.ok(holder.store.get(invoked.job_id), 'the job is in the owner\'s store');
    assert.match(stderr.join(''), /VS Code owns the job store; forwarding to http:\/\/127\.0\.0\.1:\d+\/mcp/);
  });
});

describe('the store lock and the endpoint file against planted files', function () {
  this.timeout(30_000);
  const tmp = useTempDir();

  it('takes over a lock dated beyond the slack even when owner.json names another host, and writes its own owner.json 0600', async () => {
    plantLock(tmp.path, 60 * 60 * 1000);
    plantOwner(tmp.path, { pid: 4242, host: OTHER_HOST });
    const said: string[] = [];
    const lock = await StoreLock.acquire(tmp.path, 'CLI', () => undefined, (line) => said.push(line));
    try {
      assert.match(said.join('\n'), /\.agent-os\/jobs\.lock\) is dated 3600 s in the future/);
      assert.equal(statSync(join(tmp.path, 'owner.json')).mode & 0o777, 0o600, 'the planted 0644 owner.json was replaced by a 0600 one');
    } finally {
      await lock.dispose();
    }
  });

  it('a fresh lock naming another host still protects the store, and so does one dated within the slack; the refusal names no absolute path', async () => {
    for (const ahead of [0, 20_000]) {
      plantLock(tmp.path, ahead);
      plantOwner(tmp.path, { pid: 4242, host: OTHER_HOST });
      await assert.rejects(StoreLock.acquire(tmp.path, 'CLI', () => undefined), (err: unknown) => {
        assert.ok(err instanceof PersonaError && err.code === 'STORE_LOCKED');
        assert.match(err.message, new RegExp(`process 4242 on ${OTHER_HOST}`));
        assert.ok(!err.message.includes(tmp.path), err.message);
        return true;
      });
    }
  });

  it('reads the endpoint file only when it is a regular 0600 file of this user, from the handle it opened', () => {
    const file = join(tmp.path, ENDPOINT_FILE);
    assert.deepEqual(inspectEndpointFile(tmp.path), { kind: 'missing' });
    writeEndpointFile(tmp.path, { url: 'http://127.0.0.1:1/mcp', token: 't', pid: process.pid, owner: 'test' });
    const ok = inspectEndpointFile(tmp.path);
    assert.ok(ok.kind === 'ok' && ok.info.host === hostname(), 'its writer\'s file is read, naming this host');
    chmodSync(file, 0o640);
    assert.match(JSON.stringify(inspectEndpointFile(tmp.path)), /mode 0640, expected 0600/);
    // A link to a 0600 file of ours is still refused: the link is not followed.
    const real = join(tmp.path, 'elsewhere.json');
    writeFileSync(real, JSON.stringify({ url: 'http://127.0.0.1:1/mcp', token: 't', pid: process.pid }), { mode: 0o600 });
    writeEndpointFile(tmp.path, { url: 'http://127.0.0.1:1/mcp', token: 't', pid: process.pid, owner: 'test' });
    rmSync(file);
    symlinkSync(real, file);
    assert.match(JSON.stringify(inspectEndpointFile(tmp.path)), /symbolic link/);
    // A FIFO would block a plain read forever; it is refused at once.
    rmSync(file);
    execFileSync('mkfifo', ['-m', '600', file]);
    assert.match(JSON.stringify(inspectEndpointFile(tmp.path)), /not a regular file/);
    // Written again by its owner: a new 0600 file replaces whatever was there.
    writeEndpointFile(tmp.path, { url: 'http://127.0.0.1:1/mcp', token: 't', pid: process.pid, owner: 'test' });
    assert.equal(inspectEndpointFile(tmp.path).kind, 'ok');
  });

  it('finds who listens on a loopback port in /proc/net/tcp, and reads the kernel\'s table format', async function () {
    // The table format, as Linux prints it on x86 (little-endian words): 127.0.0.1:8080 by uid 1001,
    // 0.0.0.0:9090 by uid 1002, [::]:7070 by uid 1003, and a connection (not LISTEN) on 8080 by uid 1004.
    const procNet = join(tmp.path, 'net');
    mkdirSync(procNet);
    const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    writeFileSync(
      join(procNet, 'tcp'),
      header +
        '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 1 1 0 100 0 0 10 0\n' +
        '   1: 00000000:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1002        0 2 1 0 100 0 0 10 0\n' +
        '   2: 0100007F:1F90 0100007F:C000 01 00000000:00000000 00:00000000 00000000  1004        0 3 1 0 100 0 0 10 0\n',
    );
    writeFileSync(join(procNet, 'tcp6'), header + '   0: 00000000000000000000000000000000:1B9E 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1003        0 4 1 0 100 0 0 10 0\n');
    if (endianness() === 'LE') {
      assert.deepEqual(loopbackListeners('127.0.0.1', 8080, procNet), { kind: 'listeners', uids: [1001] });
      assert.deepEqual(loopbackListeners('::1', 8080, procNet), { kind: 'none' }, '127.0.0.1 is not reached through ::1');
      assert.deepEqual(loopbackListeners('localhost', 9090, procNet), { kind: 'listeners', uids: [1002] });
      assert.deepEqual(loopbackListeners('::1', 7070, procNet), { kind: 'listeners', uids: [1003] });
      assert.deepEqual(loopbackListeners('127.0.0.1', 6060, procNet), { kind: 'none' });
    }
    assert.deepEqual(loopbackListeners('127.0.0.1', 8080, join(tmp.path, 'no-proc')), { kind: 'unavailable' });

    // The real table: a server of this process, then nothing on that port once it closes.
    if (loopbackListeners('127.0.0.1', 1).kind === 'unavailable') this.skip();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    assert.deepEqual(loopbackListeners('127.0.0.1', port), { kind: 'listeners', uids: [process.getuid!()] });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.deepEqual(loopbackListeners('127.0.0.1', port), { kind: 'none' });
  });
});

/** This Node, or another `node` on PATH, when every folder above it and the file itself are open to other users; undefined when none is. */
function nodeOthersCanRun(): string | undefined {
  const candidates = [process.execPath, ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'node'))];
  return candidates.find((file) => {
    try {
      if ((statSync(file).mode & 0o001) === 0) return false;
      for (let dir = dirname(file); ; dir = dirname(dir)) {
        if ((statSync(dir).mode & 0o001) === 0) return false;
        if (dirname(dir) === dir) return true;
      }
    } catch {
      return false;
    }
  });
}
