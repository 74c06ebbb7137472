import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractFindings } from '../../src/findings/extract';
import { formatDiff } from '../../src/personas/context';
import { useTempDir } from './tempDir';

/** A review in the personas' template citing `file:line` for each finding. */
function review(findings: { severity: string; title: string; at: string; code?: string }[]): string {
  const out = ['# Security review', '', '## Summary', '', 'Read the file.', '', '## Findings', ''];
  findings.forEach((f, i) => {
    out.push(`### ${i + 1}. [${f.severity}] ${f.title}`, '', `- **Evidence:** \`${f.at}\` — \`${f.code ?? 'x'}\``, '- **Why it matters:** it leaks.', '- **Recommendation:** do not.', '');
  });
  out.push('## Recommended specialists', '', 'None.', '', '## Proposed standards', '', 'None proposed.');
  return out.join('\n');
}

const SOURCE = ['import { db } from "./db";', '', 'export function load(id) {', '  const key = "sk-live-123456";', '  return db.query(`SELECT * FROM t WHERE id = ${id}`);', '}', ''].join('\n');

describe('findings extraction: fingerprint, anchoring and scope of a review\'s findings', () => {
  const tmp = useTempDir();
  const write = (path: string, text: string): void => {
    mkdirSync(join(tmp.path, path, '..'), { recursive: true });
    writeFileSync(join(tmp.path, path), text);
  };
  const extract = (result: string, context = ''): ReturnType<typeof extractFindings> => extractFindings({ result, context, workspaceRoot: tmp.path });
  const KEY = { severity: 'CRITICAL', title: 'Hard-coded credential', code: 'const key = "sk-live-123456";' };

  it('the fingerprint is equal after lines are inserted above the finding', async () => {
    write('src/a.ts', SOURCE);
    const [before] = await extract(review([{ ...KEY, at: 'src/a.ts:4' }]));
    write('src/a.ts', `// licence header\n// another line\n\n${SOURCE}`);
    const [after] = await extract(review([{ ...KEY, at: 'src/a.ts:7' }]));
    assert.equal(before!.anchored, true);
    assert.equal(after!.anchored, true);
    assert.equal(after!.startLine, 7);
    assert.equal(after!.fingerprint, before!.fingerprint, 'three lines above do not change it');
  });

  it('the fingerprint is equal after the code is reformatted (whitespace only, blank lines between neighbours too)', async () => {
    write('src/a.ts', SOURCE);
    const [before] = await extract(review([{ ...KEY, at: 'src/a.ts:4' }]));
    write('src/a.ts', SOURCE.replace('export function load(id) {', 'export  function load( id ){').replace('  const key = "sk-live-123456";', '\n\t\tconst key =  "sk-live-123456" ;\n').replace(/\n/g, '\r\n'));
    const [after] = await extract(review([{ ...KEY, at: 'src/a.ts:5', severity: 'HIGH', title: '  hard-coded   Credential ' }]));
    assert.equal(after!.anchored, true);
    assert.equal(after!.fingerprint, before!.fingerprint, 'whitespace, CRLF, a blank line between neighbours and the title\'s case do not change it');
  });

  it('differs for a different finding on the same line, and for the same title on another line', async () => {
    write('src/a.ts', SOURCE);
    const [key, other, moved] = await extract(review([
      { ...KEY, at: 'src/a.ts:4' },
      { severity: 'LOW', title: 'Unused variable', at: 'src/a.ts:4' },
      { ...KEY, at: 'src/a.ts:5' },
    ]));
    assert.notEqual(other!.fingerprint, key!.fingerprint);
    assert.notEqual(moved!.fingerprint, key!.fingerprint);
    // The same code in another file is another finding.
    write('src/b.ts', SOURCE);
    const [inB] = await extract(review([{ ...KEY, at: 'src/b.ts:4' }]));
    assert.notEqual(inB!.fingerprint, key!.fingerprint);
  });

  it('reads the fields and the cited range off the template', async () => {
    write('src/a.ts', SOURCE);
    const [f] = await extract(review([{ severity: 'HIGH', title: 'SQL built by string concatenation', at: 'src/a.ts:4-5', code: 'db.query' }]));
    assert.deepEqual(
      { severity: f!.severity, title: f!.title, file: f!.file, startLine: f!.startLine, endLine: f!.endLine, code: f!.code, why: f!.why, recommendation: f!.recommendation, anchored: f!.anchored, scope: f!.scope },
      { severity: 'high', title: 'SQL built by string concatenation', file: 'src/a.ts', startLine: 4, endLine: 5, code: '`db.query`', why: 'it leaks.', recommendation: 'do not.', anchored: true, scope: null },
    );
    assert.match(f!.evidence ?? '', /^`src\/a\.ts:4-5`/);
  });

  it('a missing file, a line past the end, a range running past it, a refused path: kept, not anchored, fingerprinted from the quoted code', async () => {
    write('src/a.ts', SOURCE);
    write('.agent-os/secret.ts', SOURCE);
    symlinkSync('/etc', join(tmp.path, 'out'));
    const found = await extract(review([
      { ...KEY, at: 'src/gone.ts:4' },
      { ...KEY, at: 'src/a.ts:7' }, // the file has 6 lines (and a final newline)
      { ...KEY, at: 'src/a.ts:5-9' },
      { ...KEY, at: '.agent-os/secret.ts:4' },
      { ...KEY, at: 'out/passwd:1' },
      { ...KEY, at: 'src/a.ts:6' },
    ]));
    assert.deepEqual(found.map((f) => f.anchored), [false, false, false, false, false, true]);
    assert.deepEqual(found.map((f) => f.startLine), [4, 7, 5, 4, 1, 6]);
    for (const f of found) assert.match(f.fingerprint, /^[0-9a-f]{32}$/);
    // Unanchored: the file, the quoted code and the title; so the same citation gives the same one.
    const [again] = await extract(review([{ ...KEY, at: 'src/gone.ts:40' }]));
    assert.equal(again!.fingerprint, found[0]!.fingerprint, 'the line number is no part of it');
    assert.notEqual(found[1]!.fingerprint, found[0]!.fingerprint, 'the file is');
  });

  it('a finding without a file:line is kept, file null, not anchored', async () => {
    const result = review([{ ...KEY, at: 'x' }]).replace('- **Evidence:** `x` — `const key = "sk-live-123456";`', '- **Evidence:** the whole design stores keys in code.');
    const [f] = await extract(result);
    assert.deepEqual({ file: f!.file, startLine: f!.startLine, anchored: f!.anchored, scope: f!.scope }, { file: null, startLine: null, anchored: false, scope: null });
    assert.equal(f!.evidence, 'the whole design stores keys in code.');
  });

  it('an answer that does not follow the template, or has no findings, gives none', async () => {
    assert.deepEqual(await extract('I looked at it and `src/a.ts:4` has a hard-coded key. [HIGH] fix it.'), []);
    assert.deepEqual(await extract('### 1. [HIGH] Hard-coded credential\n\n- **Evidence:** `src/a.ts:4`'), [], 'a finding heading outside a ## Findings section');
    assert.deepEqual(await extract('## Summary\n\nFine.\n\n## Findings\n\nNo security issues matched.'), []);
  });

  it('scope: changed when a cited line is an added line of the file\'s diff, preexisting on its unchanged lines, null outside the diff', async () => {
    write('src/a.ts', SOURCE);
    write('src/b.ts', SOURCE);
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts', '--- a/src/a.ts', '+++ b/src/a.ts', '@@ -2,4 +2,4 @@ import',
      ' ', ' export function load(id) {', '-  const key = "old";', '+  const key = "sk-live-123456";', '   return db.query(`SELECT * FROM t WHERE id = ${id}`);',
    ].join('\n');
    const { context } = formatDiff(diff, 60_000);
    // A file part after the diff (the editor can send both) ends the diff part.
    const withFile = `${context}\n\nFile: src/b.ts (file, lines 1-6)\n4| + not a diff line`;
    const found = await extract(review([
      { ...KEY, at: 'src/a.ts:4' },
      { ...KEY, at: 'src/a.ts:3-5' },
      { ...KEY, at: 'src/a.ts:5' },
      { ...KEY, at: 'src/a.ts:1' },
      { ...KEY, at: 'src/b.ts:4' },
    ]), withFile);
    assert.deepEqual(found.map((f) => f.scope), ['changed', 'changed', 'preexisting', 'preexisting', null]);
  });
});
