import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createPersonaServer, type PersonaMcpServer } from '../../src/mcp/server';
import type { PersonaServices } from '../../src/services';
import { startDemoServices } from './demoServices';
import { settledJob } from './settledJob';

const APP = [
  "import { db } from './db';", // 1
  '', // 2
  'export function find(id: string) {', // 3
  '  const apiKey = "sk-live-123456";', // 4
  '  return db.query(`SELECT * FROM users WHERE id = ${id}`);', // 5
  '}', // 6
  '', // 7
  'export function swallow(x: any) {', // 8
  '  try { run(x); } catch (e) {}', // 9
  '}', // 10
  '',
].join('\n');

/** `git diff HEAD` as the engineer's review gets it: line 9 added, line 8 unchanged around it. */
const DIFF = [
  'diff --git a/src/app.ts b/src/app.ts', '--- a/src/app.ts', '+++ b/src/app.ts', '@@ -7,3 +7,4 @@',
  ' ', ' export function swallow(x: any) {', '+  try { run(x); } catch (e) {}', ' }',
].join('\n');

interface Row {
  job_id: string;
  persona: string;
  severity: string;
  title: string;
  file: string | null;
  start_line: number | null;
  location: string | null;
  scope: string | null;
  anchored: boolean;
  fingerprint: string;
  suppressed?: boolean;
  suppression?: { reason: string; note: string } | null;
}

describe('list_findings through the real MCP client', function () {
  this.timeout(60_000);
  let root = '';
  let services: PersonaServices;
  let server: PersonaMcpServer;
  let client: Client;
  let security = '';
  let engineer = '';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'agent-os-test-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'app.ts'), APP);
    services = await startDemoServices(root, { diffSource: () => Promise.resolve(DIFF) });
    server = createPersonaServer(services);
    const [a, b] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'test', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    security = (await services.jobs.ask({ persona: 'security', task: 'Review', context: { files: ['src/app.ts'] } })).id;
    await settledJob(services, security);
    // The second review is newer: its rows come first.
    engineer = (await services.jobs.ask({ persona: 'engineer', task: 'Review my changes', context: { diff: true } })).id;
    await settledJob(services, engineer);
  });
  after(async () => {
    await client.close();
    await server.close();
    await services.dispose(0);
    rmSync(root, { recursive: true, force: true });
  });

  async function call(args: Record<string, unknown>): Promise<CallToolResult> {
    return (await client.callTool({ name: 'list_findings', arguments: args })) as CallToolResult;
  }
  async function list(args: Record<string, unknown> = {}): Promise<{ findings: Row[]; count: number } & Record<string, unknown>> {
    const result = await call(args);
    const first = result.content[0];
    assert.ok(first?.type === 'text' && !result.isError, `list_findings ${JSON.stringify(args)} answered: ${first?.type === 'text' ? first.text : ''}`);
    return JSON.parse(first.text) as { findings: Row[]; count: number };
  }
  const shown = (rows: Row[]): string[] => rows.map((r) => `${r.persona} ${r.severity} ${r.location ?? '-'} ${r.scope ?? '-'} ${r.title}`);

  it('with no filter: every finding, newest review first, as JSON rows', async () => {
    const all = await list();
    assert.equal(all.count, 4);
    assert.deepEqual(shown(all.findings), [
      'engineer high src/app.ts:9 changed Error swallowed',
      'engineer medium src/app.ts:8 preexisting `any` defeats the type checker',
      'security critical src/app.ts:4 - Hard-coded credential',
      'security high src/app.ts:5 - SQL built by string concatenation',
    ]);
    for (const r of all.findings) {
      assert.equal(r.anchored, true);
      assert.match(r.fingerprint, /^[0-9a-f]{32}$/);
      assert.equal('suppressed' in r, false, 'the suppression fields only when asked for');
    }
  });

  it('file: only findings citing that path (exact; "./" and "\\" written the parser\'s way)', async () => {
    assert.equal((await list({ file: 'src/app.ts' })).count, 4);
    assert.equal((await list({ file: './src/app.ts' })).count, 4);
    assert.equal((await list({ file: 'src\\app.ts' })).count, 4);
    assert.equal((await list({ file: 'src/app' })).count, 0, 'no prefix match');
    assert.equal((await list({ file: 'src/other.ts' })).count, 0);
  });

  it('persona, severity (at or above), job_id, include_preexisting, limit', async () => {
    assert.deepEqual(shown((await list({ persona: 'security' })).findings), ['security critical src/app.ts:4 - Hard-coded credential', 'security high src/app.ts:5 - SQL built by string concatenation']);
    assert.equal((await list({ persona: 'qa' })).count, 0);
    assert.deepEqual((await list({ severity: 'critical' })).findings.map((r) => r.title), ['Hard-coded credential']);
    assert.deepEqual((await list({ severity: 'high' })).findings.map((r) => r.severity), ['high', 'critical', 'high']);
    assert.equal((await list({ severity: 'low' })).count, 4);
    const byJob = await list({ job_id: engineer });
    assert.deepEqual(byJob.findings.map((r) => r.job_id), [engineer, engineer]);
    assert.equal(byJob['job_status'], 'completed');
    assert.deepEqual(shown((await list({ include_preexisting: false })).findings), [
      'engineer high src/app.ts:9 changed Error swallowed',
      'security critical src/app.ts:4 - Hard-coded credential',
      'security high src/app.ts:5 - SQL built by string concatenation',
    ]);
    assert.deepEqual(shown((await list({ limit: 1 })).findings), ['engineer high src/app.ts:9 changed Error swallowed']);
    assert.deepEqual(shown((await list({ persona: 'security', severity: 'high', job_id: security, file: 'src/app.ts', limit: 1 })).findings), ['security critical src/app.ts:4 - Hard-coded credential'], 'filters combine');
  });

  it('refusals: an unknown job is named, a bad severity or limit names the field', async () => {
    const ghost = await call({ job_id: 'no-such-job' });
    assert.equal(ghost.isError, true);
    const text = ghost.content[0]?.type === 'text' ? ghost.content[0].text : '';
    assert.match(text, /JOB_NOT_FOUND/);
    assert.match(text, /no-such-job/);
    for (const [args, field] of [[{ severity: 'urgent' }, 'severity'], [{ limit: 0 }, 'limit'], [{ limit: 1001 }, 'limit'], [{ include_suppressed: 'yes' }, 'include_suppressed']] as const) {
      const bad = await call(args);
      assert.equal(bad.isError, true, JSON.stringify(args));
      assert.match(bad.content[0]?.type === 'text' ? bad.content[0].text : '', new RegExp(field));
    }
  });

  it('a job that has not completed has none yet, and the answer says so', async () => {
    const job = await services.jobs.ask({ persona: 'security', task: 'Review [[demo:hang]]', context: { files: ['src/app.ts'] } });
    try {
      const early = await list({ job_id: job.id });
      assert.equal(early.count, 0);
      assert.ok(early['job_status'] === 'queued' || early['job_status'] === 'running', String(early['job_status']));
      assert.match(String(early['note']), new RegExp(`Job ${job.id} is (queued|running): its findings are stored when it completes`));
    } finally {
      await services.store.cancel(job.id);
    }
    const cancelled = await list({ job_id: job.id });
    assert.equal(cancelled['job_status'], 'cancelled');
    assert.match(String(cancelled['note']), /only a completed review has findings \(retry_persona_job/);
  });

  it('include_suppressed: a dismissed finding is left out, and listed with its suppression when asked for', async () => {
    const [credential] = services.findings.list({ jobId: security, severity: 'critical' });
    assert.ok(credential);
    await services.findings.dismiss(credential, 'false-positive', 'a test key');
    try {
      assert.deepEqual((await list({ job_id: security })).findings.map((r) => r.title), ['SQL built by string concatenation']);
      const all = await list({ job_id: security, include_suppressed: true });
      assert.deepEqual(all.findings.map((r) => [r.title, r.suppressed, r.suppression?.reason ?? null, r.suppression?.note ?? null]), [
        ['Hard-coded credential', true, 'false-positive', 'a test key'],
        ['SQL built by string concatenation', false, null, null],
      ]);
    } finally {
      rmSync(join(root, '.agent-os', 'suppressions.json'), { force: true });
    }
  });
});
