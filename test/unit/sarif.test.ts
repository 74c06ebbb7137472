import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINGERPRINT_KEY, findingsToSarif, REPOSITORY_URL, ruleId, SARIF_SCHEMA_URI } from '../../src/findings/sarif';
import type { StoredFinding } from '../../src/findings/types';
import { sarifValidator, type SarifLog } from './sarifSchema';
import { REPO_ROOT } from './tempDir';

/** A stored finding as the findings table gives it back; `over` sets what a test is about. */
function finding(over: Partial<StoredFinding>): StoredFinding {
  return {
    jobId: 'job-1',
    rootJobId: 'panel-1',
    ordinal: 1,
    persona: 'security',
    severity: 'high',
    title: 'SQL built by string concatenation',
    file: 'src/db.ts',
    startLine: 12,
    endLine: 12,
    code: 'db.query(`SELECT * FROM users WHERE id = ${id}`)',
    evidence: '`src/db.ts:12` builds the query from `id`.',
    why: 'Input that reaches this string can change the query (SQL injection).',
    recommendation: 'Use a parameterised query with placeholders.',
    fingerprint: 'a'.repeat(32),
    anchored: true,
    scope: null,
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

const PERSONAS = [
  { id: 'security', name: 'Security Reviewer', description: 'Finds vulnerabilities.' },
  { id: 'engineer', name: 'Senior Engineer', description: 'Reviews code quality.' },
  { id: 'qa', name: 'QA', description: 'Tests.' },
];

describe('findingsToSarif: SARIF 2.1.0 as GitHub code scanning takes it', () => {
  const validate = sarifValidator();

  it('the official SARIF 2.1.0 schema rejects what is not SARIF (the validator is not a pass-through)', () => {
    assert.notDeepEqual(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: {}, level: 'bad' }] }] }), []);
    assert.deepEqual(validate({ version: '2.1.0', runs: [] }), []);
  });

  it('one run per persona (one with no findings too), each with its tool, rules and results; valid by the official schema', () => {
    const findings = [
      finding({ ordinal: 1 }),
      finding({ ordinal: 2, severity: 'critical', title: 'Hard-coded credential', startLine: 3, endLine: 4, fingerprint: 'b'.repeat(32) }),
      finding({ ordinal: 3, severity: 'medium', fingerprint: 'c'.repeat(32), startLine: 30, endLine: 30 }),
      finding({ jobId: 'job-2', persona: 'engineer', ordinal: 1, severity: 'low', title: 'Debug logging left in', file: 'src/app.ts', startLine: 7, endLine: null, fingerprint: 'd'.repeat(32), why: null }),
      finding({ jobId: 'job-2', persona: 'engineer', ordinal: 2, severity: 'medium', title: 'No file cited', file: null, startLine: null, endLine: null, anchored: false, fingerprint: 'e'.repeat(32) }),
    ];
    const log = findingsToSarif({ findings, personas: PERSONAS, toolVersion: '1.2.3', workspaceInRepository: 'packages/api' }) as unknown as SarifLog;
    assert.deepEqual(validate(log), []);
    assert.equal(log.$schema, SARIF_SCHEMA_URI);
    assert.equal(log.version, '2.1.0');
    assert.deepEqual(log.runs.map((r) => r.tool.driver.name), ['Agent OS Personas: security', 'Agent OS Personas: engineer', 'Agent OS Personas: qa']);
    const [security, engineer, qa] = log.runs;
    for (const run of log.runs) {
      assert.equal(run.tool.driver.version, '1.2.3');
      assert.equal(run.tool.driver.informationUri, REPOSITORY_URL);
    }
    assert.deepEqual(qa!.results, [], 'a persona that found nothing still has its run');
    assert.deepEqual(
      security!.tool.driver.rules.map((r) => r.id),
      ['security/sql-built-by-string-concatenation', 'security/hard-coded-credential'],
      'one rule per distinct title',
    );
    const sqlRule = security!.tool.driver.rules[0]!;
    assert.equal(sqlRule.shortDescription.text, 'SQL built by string concatenation');
    assert.equal(sqlRule.fullDescription.text, 'Input that reaches this string can change the query (SQL injection).');
    assert.equal(sqlRule.help.text, 'Use a parameterised query with placeholders.');
    assert.match(sqlRule.help.markdown, /\*\*Recommendation:\*\* Use a parameterised query/);
    assert.deepEqual(sqlRule.properties.tags, ['security']);
    assert.equal(sqlRule.properties['security-severity'], '7.5', 'the rule takes its worst result\'s (high)');
    assert.equal(sqlRule.defaultConfiguration.level, 'error');

    const [sql, credential, sqlMedium] = security!.results;
    assert.equal(sql!.ruleId, 'security/sql-built-by-string-concatenation');
    assert.equal(sql!.ruleIndex, 0);
    assert.equal(sql!.level, 'error');
    assert.match(sql!.message.text, /^SQL built by string concatenation\. `src\/db\.ts:12` builds the query .* Recommendation: Use a parameterised query/);
    assert.deepEqual(sql!.locations, [{ physicalLocation: { artifactLocation: { uri: 'packages/api/src/db.ts', uriBaseId: 'SRCROOT' }, region: { startLine: 12, endLine: 12 } } }]);
    assert.deepEqual(sql!.partialFingerprints, { [FINGERPRINT_KEY]: 'a'.repeat(32) });
    assert.equal(sql!.properties.severity, 'high');
    assert.equal(sql!.properties['security-severity'], '7.5');
    assert.equal(credential!.properties['security-severity'], '9.0');
    assert.equal(credential!.level, 'error');
    assert.deepEqual(credential!.locations![0]!.physicalLocation.region, { startLine: 3, endLine: 4 });
    assert.equal(sqlMedium!.level, 'warning');
    assert.equal(sqlMedium!.properties['security-severity'], '5.0');
    assert.equal(sqlMedium!.ruleIndex, 0, 'the same title is the same rule');

    const [debug, unplaced] = engineer!.results;
    assert.equal(debug!.level, 'note');
    assert.deepEqual(debug!.locations![0]!.physicalLocation.region, { startLine: 7 }, 'no endLine when it is not known');
    assert.equal(debug!.properties['security-severity'], undefined, 'only security findings carry security-severity');
    assert.deepEqual(engineer!.tool.driver.rules[0]!.properties.tags, ['engineer']);
    assert.equal(engineer!.tool.driver.rules[0]!.fullDescription.text, 'Debug logging left in', 'without a why, the title');
    assert.equal(unplaced!.locations, undefined, 'a finding without file:line is a result without locations');
    assert.equal(unplaced!.properties.anchored, false);
  });

  it('severity maps to level: critical and high error, medium warning, low note; security-severity 9.0 / 7.5 / 5.0 / 2.0', () => {
    const severities = ['critical', 'high', 'medium', 'low'] as const;
    const log = findingsToSarif({ findings: severities.map((severity, i) => finding({ severity, ordinal: i + 1, title: `T ${severity}` })), personas: PERSONAS.slice(0, 1), toolVersion: '1', workspaceInRepository: '' }) as unknown as SarifLog;
    const results = log.runs[0]!.results;
    assert.deepEqual(results.map((r) => r.level), ['error', 'error', 'warning', 'note']);
    assert.deepEqual(results.map((r) => r.properties['security-severity']), ['9.0', '7.5', '5.0', '2.0']);
    assert.equal(results[0]!.locations![0]!.physicalLocation.artifactLocation.uri, 'src/db.ts', 'at the repository root the uri is the workspace path');
  });

  it('a diff review\'s findings say new or unchanged (baselineState); a path outside the workspace or odd characters never make a bad uri', () => {
    const log = findingsToSarif({
      findings: [
        finding({ scope: 'changed' }),
        finding({ scope: 'preexisting', ordinal: 2 }),
        finding({ file: '../secrets/x.ts', ordinal: 3 }),
        finding({ file: 'src/a file#1.ts', ordinal: 4 }),
      ],
      personas: PERSONAS.slice(0, 1),
      toolVersion: '1',
      workspaceInRepository: '',
    }) as unknown as SarifLog;
    assert.deepEqual(validate(log), []);
    const results = log.runs[0]!.results;
    assert.deepEqual(results.map((r) => r.baselineState), ['new', 'unchanged', undefined, undefined]);
    assert.equal(results[2]!.locations, undefined);
    assert.equal(results[3]!.locations![0]!.physicalLocation.artifactLocation.uri, 'src/a%20file%231.ts');
  });

  it('a finding of a persona not listed still gets a run; rule ids are stable slugs; informationUri is package.json\'s repository', () => {
    const log = findingsToSarif({ findings: [finding({ persona: 'custom-team' })], personas: [], toolVersion: '1', workspaceInRepository: '' }) as unknown as SarifLog;
    assert.deepEqual(log.runs.map((r) => r.tool.driver.name), ['Agent OS Personas: custom-team']);
    assert.equal(ruleId('security', '`any` defeats the type checker!'), 'security/any-defeats-the-type-checker');
    assert.equal(ruleId('qa', '***'), 'qa/finding');
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
    assert.equal(REPOSITORY_URL, manifest.repository.url);
  });
});
