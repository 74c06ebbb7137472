import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { JobStore } from '../../src/jobs/jobStore';
import { writeEndpointFile } from '../../src/mcp/endpointFile';
import { startMcpHttp, type McpHttpEndpoint } from '../../src/mcp/httpServer';
import { failOnExit } from '../../src/cli/reviewOutput';
import { FINGERPRINT_KEY } from '../../src/findings/sarif';
import type { StoredFinding, Suppression } from '../../src/findings/types';
import type { PersonaServices } from '../../src/services';
import { FIXTURE, makeBranchFixture } from './branchFixture';
import { runCli } from './cliChild';
import { startDemoServices } from './demoServices';
import { sarifValidator, type SarifLog } from './sarifSchema';
import { REPO_ROOT, useTempDir } from './tempDir';

/** `review --format json` as docs/findings.schema.json describes it. */
interface FindingsDoc {
  job: { id: string; personas: string[] };
  findings: StoredFinding[];
  preexisting: StoredFinding[];
  preexistingLeftOut: number;
  suppressed: { finding: StoredFinding; suppression: Suppression }[];
}

/** docs/findings.schema.json, compiled strictly. */
function findingsValidator(): (value: unknown) => string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addFormat('date-time', { validate: (s: string) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)) });
  const validate = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'findings.schema.json'), 'utf8')) as object);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

const at = (findings: StoredFinding[]): string[] => findings.map((f) => `${f.persona}:${f.file ?? ''}:${f.startLine ?? ''}:${f.severity}`).sort();

describe('CLI review of a branch\'s changes: --base, --include-preexisting, --format, --output, --fail-on', function () {
  this.timeout(120_000);
  const tmp = useTempDir();
  const validateJson = findingsValidator();
  const validateSarif = sarifValidator();

  it('--base main reports only the findings on the 3 changed lines; old problems near the change are left out and counted, far ones never reviewed', async () => {
    makeBranchFixture(tmp.path);
    const run = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main', '--format', 'json']);
    assert.equal(run.code, 2, `a critical finding remains: exit 2 (stderr: ${run.stderr})`);
    const doc = JSON.parse(run.stdout) as FindingsDoc;
    assert.deepEqual(validateJson(doc), [], 'valid by docs/findings.schema.json');
    assert.deepEqual(at(doc.findings), [`security:${FIXTURE.file}:${FIXTURE.changed.sql}:high`, `security:${FIXTURE.file}:${FIXTURE.changed.credential}:critical`].sort());
    for (const f of doc.findings) assert.equal(f.scope, 'changed');
    assert.deepEqual(doc.preexisting, [], 'left out without --include-preexisting');
    assert.equal(doc.preexistingLeftOut, 2, 'the innerHTML and plain-HTTP lines next to the change');
    assert.deepEqual(doc.job.personas, ['security']);
    const store = await JobStore.open({ dir: join(tmp.path, '.agent-os') });
    try {
      assert.match(store.require(doc.job.id).context, /^File: src\/app\.ts \(git diff against the branch point with main \([0-9a-f]{12}\); \+ added, - removed\)/, 'the context is the diff from the merge-base, and its header names the base');
    } finally {
      await store.close();
    }

    const markdown = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main']);
    assert.equal(markdown.code, 2, markdown.stderr);
    assert.match(markdown.stdout, /2 findings on unchanged lines left out \(use --include-preexisting to see them\)/);
    assert.doesNotMatch(markdown.stdout, /innerHTML|Plain-HTTP/, 'the old problems next to the change are not reported');
    assert.doesNotMatch(markdown.stdout, new RegExp(`app\\.ts:(${FIXTURE.far.credential}|${FIXTURE.far.evalCall})\\b`), 'nor those far from it');
  });

  it('--include-preexisting lists the old problems next to the change apart, in markdown and in JSON', async () => {
    makeBranchFixture(tmp.path);
    const run = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main', '--include-preexisting', '--format', 'json']);
    assert.equal(run.code, 2, run.stderr);
    const doc = JSON.parse(run.stdout) as FindingsDoc;
    assert.deepEqual(validateJson(doc), []);
    assert.deepEqual(at(doc.preexisting), [`security:${FIXTURE.file}:${FIXTURE.near.innerHtml}:medium`, `security:${FIXTURE.file}:${FIXTURE.near.plainHttp}:medium`].sort());
    assert.equal(doc.preexistingLeftOut, 0);
    assert.equal(doc.findings.length, 2);

    const markdown = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main', '--include-preexisting']);
    const apart = markdown.stdout.split('## Pre-existing findings (not on changed lines)');
    assert.equal(apart.length, 2, `one section apart (stdout: ${markdown.stdout.slice(0, 2000)})`);
    assert.match(apart[1]!, /innerHTML|HTML injected/);
    assert.match(apart[1]!, /Plain-HTTP/);
    assert.doesNotMatch(apart[0]!, /Plain-HTTP endpoint/, 'not among the findings of the change');
  });

  it('a panel (--persona a,b) writes SARIF with --output: valid by the official SARIF 2.1.0 schema, one run per persona, every field code scanning needs', async () => {
    makeBranchFixture(tmp.path);
    const run = await runCli(tmp.path, ['review', '--persona', 'security,engineer', '--base', 'main', '--format', 'sarif', '--output', 'reports/review.sarif']);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, '', 'the report goes to the file, not stdout');
    assert.match(run.stderr, /wrote reports\/review\.sarif \(sarif\)/);
    const log = JSON.parse(readFileSync(join(tmp.path, 'reports', 'review.sarif'), 'utf8')) as SarifLog;
    assert.deepEqual(validateSarif(log), []);
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.version, '2.1.0');
    const { version, repository } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string; repository: { url: string } };
    assert.deepEqual(log.runs.map((r) => r.tool.driver.name), ['Agent OS Personas: security', 'Agent OS Personas: engineer']);
    const results: SarifLog['runs'][number]['results'] = [];
    for (const r of log.runs) {
      const { driver } = r.tool;
      assert.equal(driver.version, version);
      assert.equal(driver.informationUri, repository.url);
      assert.ok(driver.rules.length > 0, `${driver.name} has rules`);
      for (const rule of driver.rules) {
        assert.match(rule.id, /^(security|engineer)\/[a-z0-9-]+$/);
        for (const field of ['shortDescription', 'fullDescription', 'help'] as const) assert.ok(rule[field].text, `${rule.id} ${field}.text`);
        assert.ok(rule.help.markdown);
      }
      for (const result of r.results) {
        assert.ok(driver.rules.some((rule) => rule.id === result.ruleId), 'each result names a rule of its run');
        results.push(result);
      }
    }
    const byLine = new Map(results.map((r) => [r.locations![0]!.physicalLocation.region.startLine, r]));
    assert.deepEqual([...byLine.keys()].sort((a, b) => a - b), [FIXTURE.changed.sql, FIXTURE.changed.credential, FIXTURE.changed.log], 'only the changed lines');
    const credential = byLine.get(FIXTURE.changed.credential)!;
    assert.equal(credential.level, 'error');
    assert.ok(credential.message.text);
    assert.deepEqual(credential.locations![0]!.physicalLocation.artifactLocation, { uri: 'src/app.ts', uriBaseId: 'SRCROOT' });
    assert.match(credential.partialFingerprints[FINGERPRINT_KEY]!, /^[0-9a-f]{32}$/);
    assert.equal(credential.properties['security-severity'], '9.0');
    assert.equal(byLine.get(FIXTURE.changed.sql)!.properties['security-severity'], '7.5');
    const log102 = byLine.get(FIXTURE.changed.log)!;
    assert.equal(log102.level, 'note');
    assert.equal(log102.properties['security-severity'], undefined, 'an engineer finding is not a security alert');
  });

  it('--fail-on decides exit 2: at or above the threshold among the remaining findings, default high', async () => {
    makeBranchFixture(tmp.path);
    // The engineer finds one low finding on the changed lines (a debug log): the default passes it, --fail-on low does not.
    const engineer = await runCli(tmp.path, ['review', '--persona', 'engineer', '--base', 'main', '--format', 'json']);
    assert.equal(engineer.code, 0, `default high: a low finding passes (stderr: ${engineer.stderr})`);
    const remaining = (JSON.parse(engineer.stdout) as FindingsDoc).findings;
    assert.deepEqual(remaining.map((f) => f.severity), ['low']);
    // The gate the CLI applies to those same findings, at each threshold (one real run per outcome below).
    assert.deepEqual((['critical', 'high', 'medium', 'low'] as const).map((t) => failOnExit(remaining, t)), [0, 0, 0, 2]);
    const low = await runCli(tmp.path, ['review', '--persona', 'engineer', '--base', 'main', '--format', 'json', '--fail-on', 'low']);
    assert.equal(low.code, 2, low.stderr);
    const security = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main', '--format', 'json', '--fail-on', 'critical']);
    assert.equal(security.code, 2, 'the changed credential is critical');
    const bad = await runCli(tmp.path, ['review', '--persona', 'security', '--fail-on', 'severe']);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /--fail-on "severe" is not one of critical, high, medium, low/);
  });

  it('a suppression in .agent-os/suppressions.json removes the finding from the CLI\'s report and gate; the JSON keeps it under suppressed with its reason', async () => {
    makeBranchFixture(tmp.path);
    const first = JSON.parse((await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main', '--format', 'json'])).stdout) as FindingsDoc;
    const credential = first.findings.find((f) => f.severity === 'critical')!;
    const sql = first.findings.find((f) => f.severity === 'high')!;
    const entry = (f: StoredFinding, reason: string): Suppression => ({ fingerprint: f.fingerprint, persona: 'security', title: f.title, file: f.file, reason: reason as Suppression['reason'], note: 'test key', by: 't <t@t>', at: '2026-01-01T00:00:00.000Z' });
    writeFileSync(join(tmp.path, '.agent-os', 'suppressions.json'), JSON.stringify({ version: 1, suppressions: [entry(credential, 'false-positive'), entry(sql, 'accepted-risk')] }, null, 2));
    const run = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main', '--format', 'json']);
    assert.equal(run.code, 0, `nothing at or above high remains (stderr: ${run.stderr})`);
    const doc = JSON.parse(run.stdout) as FindingsDoc;
    assert.deepEqual(validateJson(doc), []);
    assert.deepEqual(doc.findings, []);
    assert.deepEqual(doc.suppressed.map((s) => [s.finding.startLine, s.suppression.reason]).sort(), [[FIXTURE.changed.sql, 'accepted-risk'], [FIXTURE.changed.credential, 'false-positive']]);
    const markdown = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main']);
    assert.match(markdown.stdout, /2 findings suppressed by \.agent-os\/suppressions\.json \(listed at the end\)\./);
    assert.match(markdown.stdout, /## Suppressed findings[\s\S]*false-positive/);
  });

  it('--base naming an unknown ref: nothing runs, exit 3, the error names the ref and how to fetch it', async () => {
    makeBranchFixture(tmp.path);
    const run = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'release/9.9']);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^INVALID_INPUT: The base "release\/9\.9" cannot be used: this clone has no branch, tag or commit of that name/m);
    assert.match(run.stderr, /git fetch origin release\/9\.9/);
    assert.match(run.stderr, /git branch -a/);
    assert.match(run.stderr, /fetch-depth: 0/);
    assert.equal(run.stdout, '');
    const store = await JobStore.open({ dir: join(tmp.path, '.agent-os') });
    try {
      assert.deepEqual(store.listSummaries({}), [], 'no job was created');
    } finally {
      await store.close();
    }
    const option = await runCli(tmp.path, ['review', '--persona', 'security', '--base', '--output=x']);
    assert.equal(option.code, 3, 'a value starting with -- is never a ref');
    assert.equal(existsSync(join(tmp.path, 'x')), false);
  });

  it('--base finds a branch that exists only as origin/<name>, as in a CI checkout', async () => {
    makeBranchFixture(tmp.path);
    const clone = join(tmp.path, 'clone');
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['clone', '-q', '--branch', 'feature', tmp.path, clone]);
    const run = await runCli(clone, ['review', '--persona', 'security', '--base', 'main', '--format', 'json']);
    assert.equal(run.code, 2, run.stderr);
    assert.deepEqual(at((JSON.parse(run.stdout) as FindingsDoc).findings), [`security:${FIXTURE.file}:${FIXTURE.changed.sql}:high`, `security:${FIXTURE.file}:${FIXTURE.changed.credential}:critical`].sort());
  });

  it('--output is refused inside .agent-os/ before anything runs; --format takes only markdown, json, sarif', async () => {
    makeBranchFixture(tmp.path);
    const run = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main', '--format', 'sarif', '--output', '.agent-os/review.sarif']);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /--output "\.agent-os\/review\.sarif": the workspace's \.agent-os\/ folder holds the job store/);
    assert.equal(existsSync(join(tmp.path, '.agent-os', 'review.sarif')), false);
    mkdirSync(join(tmp.path, 'sub'));
    // From a package folder, the repository root's .agent-os is refused too (any .agent-os on the way).
    const nested = await runCli(join(tmp.path, 'sub'), ['review', '--persona', 'security', '--format', 'sarif', '--output', '../.agent-os/x.sarif']);
    assert.equal(nested.code, 3);
    assert.equal(existsSync(join(tmp.path, '.agent-os', 'x.sarif')), false);
    const format = await runCli(tmp.path, ['review', '--persona', 'security', '--format', 'html']);
    assert.equal(format.code, 3);
    assert.match(format.stderr, /--format "html" is not one of markdown, json, sarif/);
  });
});

describe('CLI review through the store\'s owner: the same formats, from check_persona_job and list_findings', function () {
  this.timeout(120_000);
  let owner: { services: PersonaServices; endpoint: McpHttpEndpoint } | undefined;
  // Registered before the temporary folder's removal, so the owner closes its store first.
  afterEach(async () => {
    await owner?.endpoint.close();
    await owner?.services.dispose(0);
    owner = undefined;
  });
  const tmp = useTempDir();

  it('--base main --format json|sarif while VS Code owns the store: the owner runs it, the CLI reports only the changed lines', async () => {
    makeBranchFixture(tmp.path);
    const services = await startDemoServices(tmp.path, { ownerKind: 'VS Code (test)' });
    const endpoint = await startMcpHttp(services);
    owner = { services, endpoint };
    writeEndpointFile(join(tmp.path, '.agent-os'), { url: endpoint.url, token: endpoint.token, pid: process.pid, owner: 'VS Code (test)' });
    const run = await runCli(tmp.path, ['review', '--persona', 'security', '--base', 'main', '--format', 'json']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /the review runs there/);
    const doc = JSON.parse(run.stdout) as FindingsDoc;
    assert.deepEqual(at(doc.findings), [`security:${FIXTURE.file}:${FIXTURE.changed.sql}:high`, `security:${FIXTURE.file}:${FIXTURE.changed.credential}:critical`].sort());
    assert.equal(doc.preexistingLeftOut, 2);
    assert.equal(services.store.require(doc.job.id).source, 'mcp', 'the job ran in the owner\'s store');

    const sarif = await runCli(tmp.path, ['review', '--persona', 'security,engineer', '--base', 'main', '--format', 'sarif', '--fail-on', 'critical']);
    assert.equal(sarif.code, 2, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as SarifLog;
    assert.deepEqual(sarifValidator()(log), []);
    assert.deepEqual(log.runs.map((r) => r.tool.driver.name), ['Agent OS Personas: security', 'Agent OS Personas: engineer']);
    assert.deepEqual(log.runs.map((r) => r.results.length), [2, 1]);
  });
});
