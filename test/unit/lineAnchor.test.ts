// How a finding's diagnostic follows edits (src/ui/findings/lineAnchor.ts) and what it says
// (src/ui/findings/findingText.ts): plain code, checked without an editor.
import assert from 'node:assert/strict';
import type { StoredFinding } from '../../src/findings/types';
import { diagnosticLevel, diagnosticMessage, MAX_MESSAGE_CHARS, plain } from '../../src/ui/findings/findingText';
import { locateLine, placeFinding, SEARCH_RADIUS, shiftLine, stripCodeSpan, type LineEdit } from '../../src/ui/findings/lineAnchor';

/** An edit replacing lines [start, end) (0-based) with `inserted` whole lines, as VS Code reports it. */
const replaceLines = (start: number, end: number, inserted: number): LineEdit => ({ startLine: start, endLine: end, endCharacter: 0, insertedLineBreaks: inserted });
const doc = (lines: string[]): [(l: number) => string, number] => [(l) => lines[l] ?? '', lines.length];

function finding(over: Partial<StoredFinding> = {}): StoredFinding {
  return {
    severity: 'critical', title: 'Hard-coded credential', file: 'src/payments.ts', startLine: 4, endLine: 4,
    code: '`const apiKey = "sk_live_51HxDemoNotARealKey";`', evidence: '`src/payments.ts:4` — `const apiKey = "sk_live_51HxDemoNotARealKey";`',
    why: 'Anyone with read access gets the secret.', recommendation: 'Load it from the **environment**.', fingerprint: 'f'.repeat(32), anchored: true, scope: null,
    jobId: 'job-1', ordinal: 1, persona: 'security', rootJobId: 'job-1', createdAt: 1, ...over,
  };
}

describe('a finding\'s diagnostic follows edits', () => {
  it('moves down with lines inserted above, up with lines deleted above, and stays for edits below', () => {
    assert.equal(shiftLine(10, [replaceLines(2, 2, 3)]), 13);
    assert.equal(shiftLine(10, [replaceLines(2, 5, 0)]), 7);
    assert.equal(shiftLine(10, [replaceLines(11, 11, 4)]), 10);
    // Several changes of one event, in pre-event coordinates (VS Code sends them last first).
    assert.equal(shiftLine(10, [replaceLines(20, 21, 0), replaceLines(5, 5, 2), replaceLines(1, 2, 0)]), 11);
  });

  it('treats lines inserted at the start of the cited line as above it; an edit inside the line leaves it for the text check', () => {
    assert.equal(shiftLine(4, [replaceLines(4, 4, 2)]), 6);
    assert.equal(shiftLine(4, [{ startLine: 4, endLine: 4, endCharacter: 7, insertedLineBreaks: 1 }]), 4);
  });

  it('finds the cited text where it is now, nearest first, within the radius; blank or gone text is not found', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
    const [at, count] = doc(lines);
    assert.equal(locateLine(at, count, 'line40', 40), 40);
    assert.equal(locateLine(at, count, 'line43', 40), 43, 'moved by an edit the shift did not see');
    assert.equal(locateLine(at, count, 'line37', 40), 37);
    assert.equal(locateLine(at, count, `line${40 + SEARCH_RADIUS}`, 40), 40 + SEARCH_RADIUS);
    assert.equal(locateLine(at, count, `line${41 + SEARCH_RADIUS}`, 40), undefined, 'beyond the radius it is gone');
    assert.equal(locateLine(at, count, 'deleted', 40), undefined);
    const [atBlank, countBlank] = doc(['a', '', 'b', '']);
    assert.equal(locateLine(atBlank, countBlank, '', 0), undefined, 'a blank line is not looked for elsewhere');
  });

  it('keeps a finding whose line was only reformatted', () => {
    const [at, count] = doc(['x', '  const   apiKey="k" ;', 'y']);
    assert.equal(locateLine(at, count, 'constapiKey="k";', 1), 1);
  });

  it('places a finding at the cited line, at the quoted code nearby when the file moved since, and nowhere past the end', () => {
    const [at, count] = doc(['// a', '// b', '', 'const apiKey = "sk";', 'x']);
    assert.equal(placeFinding(at, count, 3, '`const apiKey = "sk";`'), 3);
    assert.equal(placeFinding(at, count, 1, '`const apiKey = "sk";`'), 3);
    assert.equal(placeFinding(at, count, 1, '`never written`'), 1, 'a quote that paraphrases keeps the cited line');
    assert.equal(placeFinding(at, count, 1, null), 1);
    assert.equal(placeFinding(at, count, 5, null), undefined);
    assert.equal(placeFinding(at, count, -1, null), undefined);
    assert.equal(stripCodeSpan('`if (a) { b(); …`'), 'if (a) { b(); ');
  });
});

describe('a finding\'s diagnostic text', () => {
  it('maps critical/high to errors, medium to warnings, low to information', () => {
    assert.deepEqual((['critical', 'high', 'medium', 'low'] as const).map(diagnosticLevel), ['error', 'error', 'warning', 'information']);
  });

  it('says [SEVERITY] title — evidence and the recommendation, as plain text', () => {
    assert.equal(diagnosticMessage(finding()), '[CRITICAL] Hard-coded credential — src/payments.ts:4 — const apiKey = "sk_live_51HxDemoNotARealKey"; Recommendation: Load it from the environment.');
    assert.equal(diagnosticMessage(finding({ evidence: null, recommendation: 'Fix it.' })), '[CRITICAL] Hard-coded credential — Recommendation: Fix it.');
    assert.equal(plain('see [the doc](https://x) and __this__\n  now'), 'see the doc and this now');
  });

  it('is cut to the limit, ending with an ellipsis', () => {
    const long = diagnosticMessage(finding({ recommendation: 'word '.repeat(400) }));
    assert.equal(long.length, MAX_MESSAGE_CHARS);
    assert.ok(long.endsWith('…'));
  });
});
