import assert from 'node:assert/strict';
import type { StoredFinding } from '../../src/findings/types';
import { findingRowText, findingsSummary, groupFindings, unanchoredNote, UNANCHORED_GROUP } from '../../src/ui/findings/findingGroups';

let ordinal = 0;
function finding(over: Partial<StoredFinding>): StoredFinding {
  ordinal += 1;
  return {
    severity: 'medium', title: `Finding ${ordinal}`, file: 'src/a.ts', startLine: 1, endLine: 1, code: null, evidence: null, why: null, recommendation: null,
    fingerprint: `fp${ordinal}`, anchored: true, scope: null, jobId: 'job1', ordinal, persona: 'security', rootJobId: 'job1', createdAt: 1, ...over,
  };
}

const FINDINGS = [
  finding({ file: 'src/b.ts', startLine: 9, severity: 'low', title: 'Low in b' }),
  finding({ file: 'src/a.ts', startLine: 20, severity: 'critical', title: 'Critical in a' }),
  finding({ file: 'src/a.ts', startLine: 3, endLine: 5, severity: 'high', title: 'High in a', persona: 'engineer' }),
  finding({ file: 'gone.ts', startLine: 2, anchored: false, severity: 'high', title: 'On a missing file' }),
  finding({ file: null, startLine: null, endLine: null, anchored: false, title: 'No place' }),
];

describe('the Findings view\'s groups', () => {
  it('by file: files in order, findings by line, the unanchored last in their own group', () => {
    const groups = groupFindings(FINDINGS, 'file');
    assert.deepEqual(groups.map((g) => [g.label, g.description, g.findings.map((f) => f.title)]), [
      ['src/a.ts', '2 findings · 1 critical, 1 high', ['High in a', 'Critical in a']],
      ['src/b.ts', '1 finding · 1 low', ['Low in b']],
      [UNANCHORED_GROUP, '2 findings · 1 high, 1 medium', ['On a missing file', 'No place']],
    ]);
  });

  it('by severity: critical first, empty severities left out', () => {
    const groups = groupFindings(FINDINGS, 'severity');
    assert.deepEqual(groups.map((g) => [g.label, g.findings.map((f) => f.title)]), [
      ['Critical', ['Critical in a']],
      ['High', ['High in a']],
      ['Low', ['Low in b']],
      [UNANCHORED_GROUP, ['On a missing file', 'No place']],
    ]);
  });

  it('a row says where and who: the line under its file, file:line under its severity', () => {
    const high = FINDINGS[2]!;
    assert.deepEqual(findingRowText(high, 'file'), { label: 'High in a', description: 'line 3-5 · engineer' });
    assert.deepEqual(findingRowText(high, 'severity'), { label: 'High in a', description: 'src/a.ts:3-5 · engineer' });
    assert.equal(findingRowText(FINDINGS[3]!, 'file').description, 'gone.ts:2 · security');
    assert.equal(findingRowText(FINDINGS[4]!, 'file').description, 'no file cited · security');
  });

  it('counts: the summary by severity, and a note only when some findings have no place', () => {
    assert.equal(findingsSummary(FINDINGS), '5 findings: 1 critical, 2 high, 1 medium, 1 low');
    assert.equal(findingsSummary([]), 'No findings');
    assert.match(unanchoredNote(FINDINGS) ?? '', /^2 findings cite no file, or a file or line the workspace does not have/);
    assert.equal(unanchoredNote(FINDINGS.slice(0, 3)), undefined);
  });
});
