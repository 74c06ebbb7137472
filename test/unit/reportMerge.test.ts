import assert from 'node:assert/strict';
import { writeReview } from '../../src/personas/demoModel/reviews';
import { mergeFindings, mergePanelReport, type PanelMember } from '../../src/personas/reportMerge';
import { parseReview } from '../../src/personas/reviewParse';

// Line 1 trips a rule of each of the three personas (architect: a function doing work, engineer:
// `any`, security: eval), so the merged report must show it once, attributed to all three.
const CONTEXT = [
  'File: src/run.ts (file, lines 1-4)',
  '1| export function run(input: any) { eval(input); }',
  '2| const token = "abcdef123456";',
  '3| try { go(); } catch (e) {}',
  '4| const db = new UserRepository();',
].join('\n');
const TASK = 'Review the runner';

/** A child's result exactly as the job stores it: the demo model's review plus the persona runner's footer. */
function childResult(persona: string): string {
  return `${writeReview({ persona, userText: `${TASK}\n---\n${CONTEXT}` }).trim()}\n\n---\n_Model: demo model._\n`;
}

const member = (persona: string, overrides: Partial<PanelMember> = {}): PanelMember => ({
  persona, status: 'completed', modelLabel: 'demo model', result: childResult(persona), error: null, ...overrides,
});

describe('parseReview', () => {
  it('reads every finding of a demo model review, with severity, location, code and fields', () => {
    const review = parseReview(childResult('security'));
    assert.equal(review.inTemplate, true);
    assert.deepEqual(review.findings.map((f) => [f.severity, f.title, f.location?.file, f.location?.line]), [
      ['CRITICAL', 'Hard-coded credential', 'src/run.ts', 2],
      ['HIGH', 'Dynamic code execution', 'src/run.ts', 1],
    ]);
    const [credential] = review.findings;
    assert.equal(credential?.code, '`const token = "abcdef123456";`');
    assert.match(credential?.why ?? '', /read access to the repository/);
    assert.match(credential?.recommendation ?? '', /rotate the value/);
    assert.match(review.summary ?? '', /Reviewed 4 lines of `src\/run\.ts`/);
    assert.match(review.specialists ?? '', /api-docs/);
    assert.equal(review.standards, null, '"None proposed." is no standard');
    assert.deepEqual(review.outside, [], 'the runner footer is not "outside the template"');
  });

  it('accepts a model\'s harmless variations of the template', () => {
    const answer = [
      '## Findings',
      '',
      '### [High] Unbounded retry loop',
      '',
      '* **Evidence**: `./lib/net.ts:40-44` – `while (true) retry()`',
      '* **Why it matters:** it spins',
      '  forever when the host is down.',
      '* **Recommendation:** cap the attempts.',
      '* Seen in two other places too.',
    ].join('\n');
    const [finding] = parseReview(answer).findings;
    assert.ok(finding);
    assert.equal(finding.severity, 'HIGH');
    assert.deepEqual(finding.location, { file: 'lib/net.ts', line: 40, text: './lib/net.ts:40-44' });
    assert.equal(finding.code, '`while (true) retry()`');
    assert.equal(finding.why, 'it spins\nforever when the host is down.');
    assert.deepEqual(finding.notes, ['Seen in two other places too.']);
  });

  it('returns an answer without a Findings section as written, and a malformed finding beside the good ones', () => {
    const loose = parseReview('Looks fine to me.\n\nNothing to add.');
    assert.equal(loose.inTemplate, false);
    assert.deepEqual(loose.outside, ['Looks fine to me.\n\nNothing to add.']);
    const mixed = parseReview('## Findings\n\n### 1. [HIGH] Real one\n\n- **Evidence:** `a.ts:1` — `x`\n\n### 2. Something odd\n\nprose');
    assert.deepEqual(mixed.findings.map((f) => f.title), ['Real one']);
    assert.deepEqual(mixed.outside, ['### 2. Something odd\n\nprose']);
  });
});

describe('mergePanelReport', () => {
  it('merges findings at one file:line into one entry listing every persona, each view attributed', () => {
    const reviews = ['architect', 'engineer', 'security'].map((persona) => ({ persona, review: parseReview(childResult(persona)) }));
    const merged = mergeFindings(reviews);
    const line1 = merged.filter((f) => f.location?.line === 1);
    assert.equal(line1.length, 1, 'one entry for src/run.ts:1');
    assert.equal(line1[0]?.severity, 'HIGH', 'the most severe view sets its severity');
    assert.deepEqual(line1[0]?.personas, ['security', 'architect', 'engineer'], 'most severe view first, then the panel order');
    assert.deepEqual(line1[0]?.raisedBy.map((a) => a.finding.title), ['Dynamic code execution', 'Business logic and I/O in one module', '`any` defeats the type checker']);
    assert.deepEqual(merged.map((f) => f.severity), ['CRITICAL', 'HIGH', 'HIGH', 'MEDIUM'], 'grouped by severity, most severe first');
  });

  it('writes one report: header with status and models, severity sections, attribution, duplicates once', () => {
    const report = mergePanelReport({ task: TASK, members: [member('architect'), member('engineer'), member('security')] });
    assert.match(report, /^# Panel review: architect, engineer, security\n/);
    assert.match(report, /\| architect \| completed \| demo model \| 2 \|/);
    assert.match(report, /\| security \| completed \| demo model \| 2 \|/);
    assert.match(report, /4 findings from 3 personas; 1 raised by more than one persona, merged\./);
    const sections = [...report.matchAll(/^## (\w+) \((\d+)\)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(sections, ['CRITICAL 1', 'HIGH 2', 'MEDIUM 1']);
    assert.match(report, /### 1\. \[CRITICAL\] Hard-coded credential — security\n/);
    assert.match(report, /### 2\. \[HIGH\] Dynamic code execution; Business logic and I\/O in one module; `any` defeats the type checker — security, architect, engineer\n/);
    assert.equal(report.match(/`src\/run\.ts:1`/g)?.length, 1, 'the shared evidence is shown once');
    for (const persona of ['security', 'architect', 'engineer']) assert.match(report, new RegExp(`^- \\*\\*${persona}\\*\\* · \\[`, 'm'));
    assert.match(report, /### 3\. \[HIGH\] Error swallowed — engineer/);
    assert.match(report, /### 4\. \[MEDIUM\] Dependency constructed in place — architect/);
    assert.doesNotMatch(report, /_Model: demo model\._/, 'the children\'s footers are folded into the header');
    assert.match(report, /## Recommended specialists[\s\S]*\*\*security:\*\* \*\*api-docs\*\*/);
  });

  it('lists failed personas with code and hint, and flags an answer not in the template', () => {
    const report = mergePanelReport({
      task: TASK,
      members: [
        member('architect'),
        member('engineer', { result: 'Looks fine to me. (The demo model answered without the review template.)\n\n---\n_Model: demo model._\n' }),
        member('security', { status: 'failed', result: null, error: { code: 'MODEL_BAD_REQUEST', message: 'The request was rejected.', hint: 'Check the model name.' } }),
      ],
    });
    assert.match(report, /\| engineer \| completed \| demo model \| not in the template \|/);
    assert.match(report, /\| security \| failed \(`MODEL_BAD_REQUEST`\) \| demo model \| — \|/);
    assert.match(report, /- \*\*security\*\* failed with `MODEL_BAD_REQUEST`: The request was rejected\. _What to do:_ Check the model name\./);
    assert.match(report, /## Not in the template\n\n> ⚠[^\n]*\n\n### engineer\n\nLooks fine to me\. \(The demo model answered without the review template\.\)\n/);
    assert.match(report, /2 findings from 2 personas\./);
  });
});
