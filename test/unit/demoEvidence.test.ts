import assert from 'node:assert/strict';
import { evidenceFor, type EvidenceFacts } from '../../src/personas/demoModel/evidence';
import { WEAK_EVIDENCE } from '../../src/personas/demoModel/workflowAgent';
import { EvidenceGates } from '../../src/workflows/evidenceGate';

const PATH_LINE = '^[^\\s:]+:\\d+(-\\d+)?$';
const SEVERITY = { type: 'string', enum: ['critical', 'high', 'medium', 'low'] };

/** The spec's findings gate: a list of finding records, their count, and the files looked at. */
const FINDINGS_GATE = {
  type: 'object',
  required: ['files_reviewed', 'findings', 'findings_count'],
  properties: {
    files_reviewed: { type: 'integer', minimum: 1, description: 'Files read in full' },
    findings: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['location', 'severity', 'title'],
        properties: { location: { type: 'string', minLength: 3, pattern: PATH_LINE }, severity: SEVERITY, title: { type: 'string', minLength: 5, maxLength: 120 } },
        additionalProperties: false,
      },
    },
    findings_count: { type: 'integer', minimum: 1 },
    summary: { type: 'string', minLength: 10, maxLength: 300 },
  },
  additionalProperties: false,
};

/** Counts with bounds, a bounded list of locations, a yes/no, a verdict, and strings with their own patterns. */
const CHECKS_GATE = {
  type: 'object',
  required: ['changed_locations', 'tests_count', 'all_tests_pass', 'verdict', 'ticket', 'commit', 'version'],
  properties: {
    changed_locations: { type: 'array', minItems: 3, maxItems: 5, items: { type: 'string', minLength: 3, pattern: PATH_LINE } },
    tests_count: { type: 'integer', minimum: 2, maximum: 100 },
    all_tests_pass: { type: 'boolean' },
    verdict: { type: 'string', enum: ['approve', 'request-changes', 'block'] },
    ticket: { type: 'string', minLength: 3, pattern: '^[A-Z]+-\\d+$' },
    commit: { type: 'string', minLength: 7, pattern: '^[0-9a-f]{7,40}$' },
    version: { type: 'string', minLength: 5, pattern: '^\\d+\\.\\d+\\.\\d+$' },
    score: { type: 'number', minimum: 0.5, maximum: 0.9 },
  },
  additionalProperties: false,
};

/** Records holding lists: each threat with its mitigations and the places it applies. */
const NESTED_GATE = {
  type: 'object',
  required: ['threats', 'threats_count'],
  properties: {
    threats: {
      type: 'array',
      minItems: 2,
      items: {
        type: 'object',
        required: ['threat', 'mitigations', 'locations', 'likelihood'],
        properties: {
          threat: { type: 'string', minLength: 20 },
          mitigations: { type: 'array', minItems: 2, items: { type: 'string', minLength: 3 } },
          locations: { type: 'array', minItems: 1, items: { type: 'string', pattern: PATH_LINE } },
          likelihood: { type: 'integer', minimum: 1, maximum: 5 },
        },
        additionalProperties: false,
      },
    },
    threats_count: { type: 'integer', minimum: 2 },
  },
  additionalProperties: false,
};

const FACTS: EvidenceFacts = {
  files: ['src/app.ts', 'src/db.ts', 'README.md'],
  findings: [
    { path: 'src/app.ts', line: 4, severity: 'high', title: 'SQL built by string concatenation' },
    { path: 'src/db.ts', line: 9, severity: 'low', title: 'Unfinished work left in the code' },
  ],
  locations: [
    { path: 'src/app.ts', line: 4, severity: 'high', title: 'SQL built by string concatenation' },
    { path: 'src/db.ts', line: 9, severity: 'low', title: 'Unfinished work left in the code' },
    { path: 'src/app.ts', line: 1 },
    { path: 'src/db.ts', line: 1 },
  ],
  target: 'changes',
};

describe('the demo model\'s evidence generator, checked by the real gates (ajv on RE2)', () => {
  const gates = new EvidenceGates();

  it('fills a findings gate with the findings it has, their count, and real path:line locations', () => {
    const evidence = evidenceFor(FINDINGS_GATE, FACTS);
    assert.deepEqual(gates.check(FINDINGS_GATE, evidence), []);
    const findings = evidence['findings'] as Record<string, unknown>[];
    assert.deepEqual(findings.map((f) => f['location']), ['src/app.ts:4', 'src/db.ts:9']);
    assert.deepEqual(findings.map((f) => f['severity']), ['high', 'low']);
    assert.equal(findings[0]!['title'], 'SQL built by string concatenation');
    assert.equal(evidence['findings_count'], findings.length, 'the count is the list\'s length');
    assert.equal(typeof evidence['summary'], 'string', 'a cheap optional field is filled too');
    // The gate does check: the same record with a location that lacks its line is refused.
    const lineless = { ...evidence, findings: [{ ...findings[0], location: 'src/app.ts' }] };
    assert.deepEqual(gates.check(FINDINGS_GATE, lineless).map((f) => f.field), ['findings[0].location']);
  });

  it('meets minimum, maximum, minItems, maxItems, enums and other patterns', () => {
    const evidence = evidenceFor(CHECKS_GATE, FACTS);
    assert.deepEqual(gates.check(CHECKS_GATE, evidence), []);
    assert.equal((evidence['changed_locations'] as string[]).length, 3);
    assert.equal(evidence['tests_count'], 2);
    assert.equal(evidence['verdict'], 'request-changes', 'a high finding holds the change back');
    assert.equal(evidence['all_tests_pass'], true);
  });

  it('fills records that hold lists, keeping the count consistent', () => {
    const evidence = evidenceFor(NESTED_GATE, FACTS);
    assert.deepEqual(gates.check(NESTED_GATE, evidence), []);
    const threats = evidence['threats'] as Record<string, unknown>[];
    assert.equal(threats.length, 2);
    assert.equal(evidence['threats_count'], 2);
    assert.equal((threats[0]!['mitigations'] as string[]).length, 2);
  });

  it('cites the target when it has seen no files, and still passes', () => {
    const none: EvidenceFacts = { files: [], findings: [], locations: [], target: 'src' };
    for (const gate of [FINDINGS_GATE, CHECKS_GATE, NESTED_GATE]) {
      const evidence = evidenceFor(gate, none);
      assert.deepEqual(gates.check(gate, evidence), [], JSON.stringify(evidence));
    }
    assert.deepEqual((evidenceFor(FINDINGS_GATE, none)['findings'] as Record<string, unknown>[]).map((f) => f['location']), ['src:1']);
    assert.equal(evidenceFor(CHECKS_GATE, none)['verdict'], 'approve', 'nothing found, nothing blocks');
  });

  it('gives another fitting string when asked for a variant, for a second try at a refused field', () => {
    const first = evidenceFor(CHECKS_GATE, FACTS)['changed_locations'] as string[];
    const second = evidenceFor(CHECKS_GATE, FACTS, { variant: 1 })['changed_locations'] as string[];
    assert.notDeepEqual(first, second);
    assert.deepEqual(gates.check(CHECKS_GATE, evidenceFor(CHECKS_GATE, FACTS, { variant: 1 })), []);
  });

  it('the weak evidence the demo submits first is refused by every one of these gates', () => {
    for (const gate of [FINDINGS_GATE, CHECKS_GATE, NESTED_GATE]) {
      assert.ok(gates.check(gate, { ...WEAK_EVIDENCE }).length > 0);
    }
  });
});
