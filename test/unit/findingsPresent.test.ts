import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { presentReview } from '../../src/findings/present';
import { SUPPRESSIONS_PATH } from '../../src/findings/suppressions';
import type { FindingScope, PreexistingMode, StoredFinding, Suppression, SuppressionsRead } from '../../src/findings/types';
import type { Job } from '../../src/jobs/types';
import { writeReview } from '../../src/personas/demoModel/reviews';
import { mergePanelReport } from '../../src/personas/reportMerge';
import { parseReview } from '../../src/personas/reviewParse';
import { createPersonaServer, type PersonaMcpServer } from '../../src/mcp/server';
import type { PersonaServices } from '../../src/services';
import { startDemoServices } from './demoServices';
import { settledJob } from './settledJob';
import { useTempDir } from './tempDir';

// Each line trips a rule: security (eval, a credential), engineer (`any`, an empty catch).
const CONTEXT = [
  'File: src/run.ts (file, lines 1-4)',
  '1| export function run(input: any) { eval(input); }',
  '2| const token = "abcdef123456";',
  '3| try { go(); } catch (e) {}',
  '4| const db = new UserRepository();',
].join('\n');
const TASK = 'Review the runner';

/** A review exactly as the job stores it: the demo model's answer plus the persona runner's footer. */
function reviewOf(persona: string): string {
  return `${writeReview({ persona, userText: `${TASK}\n---\n${CONTEXT}` }).trim()}\n\n---\n_Model: demo model._\n`;
}

function job(id: string, persona: string, result: string | null, parentId: string | null = null): Job {
  return {
    id, persona, task: TASK, contextNote: null, priority: 0, status: 'completed', phase: null, percent: 100, message: null, etaMs: null, error: null,
    modelLabel: 'demo model', tokensIn: 0, tokensOut: 0, toolCalls: 0, cacheReadTokens: 0, cacheWriteTokens: 0, modelId: null, source: 'api', attempt: 1,
    createdAt: 1, startedAt: 1, finishedAt: 2, heartbeatAt: null, expiresAt: null, parentId, context: CONTEXT, partialOutput: null, result,
  };
}

/** The rows the extraction stores for a job's review (one per parsed finding, in order), with made-up fingerprints. */
function rowsOf(j: Job, scopes: Record<number, FindingScope> = {}): StoredFinding[] {
  return parseReview(j.result ?? '').findings.map((f, i) => ({
    jobId: j.id, ordinal: i + 1, persona: j.persona, rootJobId: j.parentId ?? j.id, createdAt: 2,
    severity: f.severity.toLowerCase() as StoredFinding['severity'], title: f.title, file: f.location?.file ?? null, startLine: f.location?.line ?? null, endLine: f.location?.line ?? null,
    code: f.code, evidence: f.evidence, why: f.why, recommendation: f.recommendation, fingerprint: `${j.persona}-${i + 1}`, anchored: true, scope: scopes[i + 1] ?? null,
  }));
}

function suppression(f: StoredFinding, note = 'only in tests'): Suppression {
  return { fingerprint: f.fingerprint, persona: f.persona, title: f.title, file: f.file, reason: 'false-positive', note, by: 'Ada Lovelace <ada@example.com>', at: '2026-01-31T12:00:00.000Z' };
}

const none: SuppressionsRead = { entries: [], error: null };
const present = (j: Job, findings: StoredFinding[], suppressions: SuppressionsRead, mode: PreexistingMode = 'apart', children: Job[] = []) =>
  presentReview({ job: j, children, findings, suppressions, mode, isReview: true });

describe('findings: presentation (a result with suppressed findings cut, the same on every surface)', () => {
  it('nothing to cut: the result exactly as stored', () => {
    const j = job('j1', 'security', reviewOf('security'));
    const shown = present(j, rowsOf(j), none);
    assert.equal(shown.markdown, j.result);
    assert.equal(shown.remaining.length, 2);
    assert.deepEqual([shown.suppressed, shown.preexisting, shown.unanchored, shown.suppressionsError], [[], [], 0, null]);
  });

  it('a suppressed finding\'s block is cut, the rest numbered again, a line says how many, and the audit footer lists it with its suppression', () => {
    const j = job('j1', 'security', reviewOf('security'));
    const rows = rowsOf(j);
    const [credential, evalFinding] = rows;
    assert.equal(credential!.title, 'Hard-coded credential');
    const shown = present(j, rows, { entries: [suppression(credential!, 'a test fixture, not a real key')], error: null });
    assert.deepEqual(shown.remaining, [evalFinding]);
    assert.deepEqual(shown.suppressed.map((s) => s.finding), [credential]);
    const md = shown.markdown;
    const [body, footer] = md.split('## Suppressed findings');
    assert.ok(footer, md);
    assert.doesNotMatch(body!, /Hard-coded credential/, 'the block is cut');
    assert.doesNotMatch(body!, /abcdef123456/, 'with its evidence');
    assert.match(body!, /### 1\. \[HIGH\] Dynamic code execution/, 'the remaining finding is number 1');
    assert.match(body!, /^1 finding suppressed by \.agent-os\/suppressions\.json \(listed at the end\)\.$/m);
    assert.match(body!, /## Summary/, 'the rest of the review is kept');
    assert.ok(md.endsWith('\n\n---\n_Model: demo model._\n'), 'the runner\'s footer stays last');
    assert.equal(footer.replace('---\n_Model: demo model._', '').trim(), '- [CRITICAL] Hard-coded credential — `src/run.ts:2` — security — **false-positive**: "a test fixture, not a real key" — by Ada Lovelace <ada@example.com>, 2026-01-31T12:00:00.000Z');
    assert.deepEqual(parseReview(md).findings.map((f) => f.title), ['Dynamic code execution'], 'the presented review still parses');
  });

  it('every finding suppressed: the Findings section says so', () => {
    const j = job('j1', 'security', reviewOf('security'));
    const rows = rowsOf(j);
    const shown = present(j, rows, { entries: rows.map((r) => suppression(r)), error: null });
    assert.equal(shown.remaining.length, 0);
    assert.match(shown.markdown, /## Findings\n\nNo findings remain here: see the notes above\./);
    assert.match(shown.markdown, /^2 findings suppressed by/m);
  });

  it('findings on unchanged lines: dropped with a line saying so (drop), or moved whole under their own section (apart)', () => {
    const j = job('j1', 'security', reviewOf('security'));
    const rows = rowsOf(j, { 1: 'changed', 2: 'preexisting' });
    const dropped = present(j, rows, none, 'drop');
    assert.deepEqual(dropped.preexisting.map((f) => f.title), ['Dynamic code execution']);
    assert.deepEqual(dropped.remaining.map((f) => f.title), ['Hard-coded credential']);
    assert.doesNotMatch(dropped.markdown, /Dynamic code execution/);
    assert.match(dropped.markdown, /^1 finding on unchanged lines left out \(use --include-preexisting to see them\)\.$/m);
    assert.doesNotMatch(dropped.markdown, /Pre-existing findings/);

    const apart = present(j, rows, none, 'apart');
    const [body, section] = apart.markdown.split('## Pre-existing findings (not on changed lines)');
    assert.ok(section, apart.markdown);
    assert.doesNotMatch(body!, /Dynamic code execution/);
    assert.match(body!, /### 1\. \[CRITICAL\] Hard-coded credential/);
    assert.match(section, /^### \[HIGH\] Dynamic code execution$/m, 'moved whole, unnumbered');
    assert.match(section, /\*\*Recommendation:\*\*/, 'with its recommendation');
  });

  it('a suppressions file that does not validate: nothing cut, its problem said at the top', () => {
    const j = job('j1', 'security', reviewOf('security'));
    const rows = rowsOf(j);
    const message = '.agent-os/suppressions.json line 7 is not valid JSON (Unexpected token). Nothing is suppressed until it is fixed; the file is not rewritten meanwhile.';
    const shown = present(j, rows, { entries: [], error: { message, line: 7 } });
    assert.equal(shown.suppressionsError, message);
    assert.equal(shown.remaining.length, 2);
    assert.ok(shown.markdown.startsWith(`# Security review\n\n> ⚠ ${message}\n\n`), shown.markdown.slice(0, 300));
    assert.equal(shown.markdown.replace(`> ⚠ ${message}\n\n`, ''), j.result, 'the review itself unchanged');
    const empty = present(j, [], { entries: [], error: { message, line: 7 } });
    assert.deepEqual([empty.markdown, empty.suppressionsError], [j.result, null], 'a job without findings is not affected');
  });

  it('a finding citing a file or line not in the workspace stays in the text and is counted', () => {
    const j = job('j1', 'security', reviewOf('security'));
    const rows = rowsOf(j).map((r, i) => (i === 0 ? { ...r, anchored: false } : r));
    const shown = present(j, rows, none);
    assert.equal(shown.unanchored, 1);
    assert.match(shown.markdown, /Hard-coded credential/);
    assert.match(shown.markdown, /^1 finding cites a file or line not in the workspace: kept here, not shown in the editor\.$/m);
  });

  it('a panel is merged again from its personas\' cut reviews: counts and groups stay true', () => {
    const children = [job('c1', 'security', reviewOf('security'), 'p'), job('c2', 'engineer', reviewOf('engineer'), 'p')];
    const parent = job('p', 'panel', mergePanelReport({ task: TASK, members: children.map((c) => ({ persona: c.persona, status: c.status, modelLabel: c.modelLabel, result: c.result, error: null })) }));
    const rows = children.flatMap((c) => rowsOf(c));
    const credential = rows.find((r) => r.title === 'Hard-coded credential')!;
    assert.equal(present(parent, rows, none, 'apart', children).markdown, parent.result, 'nothing to cut: the stored report');
    const shown = present(parent, rows, { entries: [suppression(credential)], error: null }, 'apart', children);
    const [body, footer] = shown.markdown.split('## Suppressed findings');
    assert.ok(footer);
    assert.match(body!, /^# Panel review: security, engineer\n\n1 finding suppressed by \.agent-os\/suppressions\.json/, 'the line under the title');
    assert.doesNotMatch(body!, /Hard-coded credential/);
    assert.doesNotMatch(body!, /## CRITICAL/, 'its severity group is gone with it');
    const before = /\| security \| completed \| demo model \| (\d+) \|/.exec(parent.result!)?.[1];
    assert.match(body!, new RegExp(`\\| security \\| completed \\| demo model \\| ${Number(before) - 1} \\|`), 'the persona\'s count drops by one');
    assert.match(footer, /\[CRITICAL\] Hard-coded credential — `src\/run\.ts:2` — security — \*\*false-positive\*\*/);
    assert.equal(shown.remaining.length, rows.length - 1);
  });
});

describe('findings: a suppression on the MCP path (the real SDK client)', function () {
  this.timeout(90_000);
  let services: PersonaServices | undefined;
  let server: PersonaMcpServer | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  async function start(): Promise<Client> {
    mkdirSync(join(tmp.path, 'src'));
    writeFileSync(join(tmp.path, 'src', 'run.ts'), `${CONTEXT.split('\n').slice(1).map((l) => l.replace(/^\d+\| /, '')).join('\n')}\n`);
    services = await startDemoServices(tmp.path);
    server = createPersonaServer(services);
    const [a, b] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'test', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    return client;
  }

  async function call(c: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result = (await c.callTool({ name, arguments: args })) as CallToolResult;
    const first = result.content[0];
    assert.ok(first && first.type === 'text', `${name} answers text`);
    assert.ok(!result.isError, first.text);
    return JSON.parse(first.text) as Record<string, unknown>;
  }

  const titles = (listed: Record<string, unknown>): string[] => (listed['findings'] as { title: string }[]).map((f) => f.title).sort();

  it('a dismissed finding leaves check_persona_job\'s result and list_findings, is listed in the audit footer, and comes back when its entry is removed', async () => {
    const c = await start();
    const done = await call(c, 'invoke_security', { task: 'Review the runner', files: ['src/run.ts'], wait_seconds: 50 });
    assert.equal(done['status'], 'completed', JSON.stringify(done));
    const jobId = String(done['job_id']);
    const rows = services!.findings.forJob(jobId);
    const credential = rows.find((r) => r.title === 'Hard-coded credential');
    assert.ok(credential, `the review's rows: ${rows.map((r) => r.title).join(', ')}`);
    assert.match(String(done['result']), /Hard-coded credential/);

    await services!.findings.dismiss(credential, 'false-positive', 'a fixture key');
    const checked = await call(c, 'check_persona_job', { job_id: jobId });
    const [body, footer] = String(checked['result']).split('## Suppressed findings');
    assert.ok(footer, String(checked['result']));
    assert.doesNotMatch(body!, /Hard-coded credential/);
    assert.match(body!, /1 finding suppressed by \.agent-os\/suppressions\.json \(listed at the end\)\./);
    assert.match(footer, /\[CRITICAL\] Hard-coded credential — `src\/run\.ts:2` — security — \*\*false-positive\*\*: "a fixture key" — by /);
    assert.deepEqual(checked['findings'], { shown: rows.length - 1, suppressed: 1, preexisting: 0, unanchored: 0 });
    assert.ok(!titles(await call(c, 'list_findings', { job_id: jobId })).includes('Hard-coded credential'));
    assert.ok(titles(await call(c, 'list_findings', { job_id: jobId, include_suppressed: true })).includes('Hard-coded credential'));

    writeFileSync(join(tmp.path, SUPPRESSIONS_PATH), '{ "version": 1, "suppressions": [] }\n');
    const back = await call(c, 'check_persona_job', { job_id: jobId });
    assert.equal(back['result'], services!.store.get(jobId)?.result, 'the review as stored again');
    assert.ok(titles(await call(c, 'list_findings', { job_id: jobId })).includes('Hard-coded credential'));
  });

  it('a corrupt suppressions file: check_persona_job says so at the top and cuts nothing; a panel\'s merged report is cut like its personas\'', async () => {
    const c = await start();
    const panel = await call(c, 'invoke_panel', { personas: ['security', 'engineer'], task: 'Review the runner', files: ['src/run.ts'] });
    const parentId = String(panel['job_id']);
    await settledJob(services!, parentId);
    const credential = services!.findings.forJob(parentId).find((r) => r.title === 'Hard-coded credential');
    assert.ok(credential, 'the panel\'s rows are its personas\'');
    await services!.findings.dismiss(credential, 'accepted-risk', '');
    const cut = await call(c, 'check_persona_job', { job_id: parentId });
    assert.match(String(cut['result']), /^# Panel review: security, engineer\n\n1 finding suppressed by/);
    assert.doesNotMatch(String(cut['result']).split('## Suppressed findings')[0]!, /Hard-coded credential/);

    const path = join(tmp.path, SUPPRESSIONS_PATH);
    const broken = readFileSync(path, 'utf8').replace('"accepted-risk"', '"accepted"');
    writeFileSync(path, broken);
    const checked = await call(c, 'check_persona_job', { job_id: parentId });
    const problem = String((checked['findings'] as Record<string, unknown>)['suppressions_error']);
    assert.match(problem, /^\.agent-os\/suppressions\.json line \d+: entry 1, "reason": /);
    assert.match(String(checked['result']), new RegExp(`^# Panel review: security, engineer\\n\\n> ⚠ ${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(String(checked['result']), /Hard-coded credential/, 'nothing is cut');
    assert.equal(readFileSync(path, 'utf8'), broken, 'the file is left as it was');
  });
});
