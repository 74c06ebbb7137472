import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatContext, formatDiff, formatSources } from '../../src/personas/context';
import { useTempDir } from './tempDir';

describe('formatContext', () => {
  it('numbers lines from the selection start and names the file', () => {
    const { context, note } = formatContext({ path: 'src/a.ts', text: 'one\ntwo', startLine: 9, kind: 'selection' }, 1000);
    assert.equal(context, 'File: src/a.ts (selection, lines 9-10)\n 9| one\n10| two');
    assert.equal(note, null);
  });

  it('cuts at the bound with a note, never failing', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const { context, note } = formatContext({ path: 'big.ts', text, startLine: 1, kind: 'file' }, 200);
    assert.ok(context.length < 400);
    assert.match(note ?? '', /^Context cut to \d+ of 100 lines/);
    assert.match(context, /agentOsPersonas\.context\.maxChars/);
  });
});

describe('formatSources and formatDiff', () => {
  const tmp = useTempDir();

  it('puts picked files under one budget, cutting one and naming those left out', () => {
    const long = Array.from({ length: 50 }, (_, i) => `const v${i} = ${i};`).join('\n');
    const { context, note } = formatSources(
      [
        { path: 'a.ts', text: 'export const a = 1;', startLine: 1, kind: 'file' },
        { path: 'b.ts', text: long, startLine: 1, kind: 'file' },
        { path: 'c.ts', text: 'export const c = 3;', startLine: 1, kind: 'file' },
      ],
      400,
    );
    assert.match(context, /^File: a\.ts \(file, lines 1-1\)\n1\| export const a = 1;\n\nFile: b\.ts/);
    assert.ok(context.length <= 400 + 200, `context stays near the bound (${context.length})`);
    assert.match(note ?? '', /b\.ts: Context cut/);
    assert.match(note ?? '', /Left out 1 of 3 files \(c\.ts\)/);
  });

  it('numbers a real git diff by the working tree\'s lines, marks added and removed lines', () => {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: tmp.path, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    writeFileSync(join(tmp.path, 'app.ts'), `${before.join('\n')}\n`);
    git('add', '.');
    git('commit', '-qm', 'base');
    const after = [...before];
    after[9] = 'const password = "hunter22";';
    after.splice(14, 1);
    writeFileSync(join(tmp.path, 'app.ts'), `${after.join('\n')}\n`);
    const { context, note } = formatDiff(git('diff', 'HEAD'), 10_000);
    assert.equal(note, null);
    assert.match(context, /^File: app\.ts \(git diff against HEAD/);
    assert.match(context, /^10\| \+ const password = "hunter22";$/m, 'the added line carries its line number in the working tree');
    assert.match(context, /^ {4}\| - line 10$/m, 'the removed line is shown without a number');
    assert.match(context, /^ {4}\| - line 15$/m);
    assert.match(context, /^15\| {3}line 16$/m, 'lines after a removal are renumbered');
    const cut = formatDiff(git('diff', 'HEAD'), 120);
    assert.match(cut.note ?? '', /Diff cut to 120 of \d+ characters/);
    assert.equal(formatDiff('', 1000).context, '');
    assert.match(formatDiff('', 1000).note ?? '', /no changes/);
  });
});
