import assert from 'node:assert/strict';
import { findPathLines, splitPathLines, type MarkdownSegment } from '../../src/core/pathLineLinks';

const FILES = new Set(['src/payments.ts', 'src/orders.ts', 'README.md', 'lib/a.b.c.js']);
const isFile = (p: string): boolean => FILES.has(p);
/** The segments written back: text as is, each link as <path:line>. */
const render = (segments: MarkdownSegment[]): string => segments.map((s) => (s.kind === 'text' ? s.value : `<${s.target.path}#${s.target.line}-${s.target.endLine}>`)).join('');

describe('finding path:line citations in a review', () => {
  it('finds a citation in plain text, with its line and range', () => {
    assert.deepEqual(findPathLines('See src/payments.ts:4 and src/orders.ts:10-12.', isFile), [
      { path: 'src/payments.ts', line: 4, endLine: 4, text: 'src/payments.ts:4' },
      { path: 'src/orders.ts', line: 10, endLine: 12, text: 'src/orders.ts:10-12' },
    ]);
  });

  it('replaces a code span that is exactly a citation (the template\'s evidence) whole, without its backticks', () => {
    const md = '- **Evidence:** `src/payments.ts:4` — `const apiKey = "sk_live"`\n';
    assert.equal(render(splitPathLines(md, isFile)), '- **Evidence:** <src/payments.ts#4-4> — `const apiKey = "sk_live"`\n');
  });

  it('leaves code spans with more than a citation, and fenced code, as written', () => {
    const md = 'Run `node src/payments.ts:4 --x` here.\n```ts\n// src/payments.ts:4\n```\nafter src/orders.ts:2\n';
    const segments = splitPathLines(md, isFile);
    assert.deepEqual(findPathLines(md, isFile).map((p) => p.text), ['src/orders.ts:2']);
    assert.equal(render(segments), 'Run `node src/payments.ts:4 --x` here.\n```ts\n// src/payments.ts:4\n```\nafter <src/orders.ts#2-2>\n');
  });

  it('ignores paths the workspace does not have, URLs with ports, absolute paths and line 0', () => {
    const md = 'missing.ts:3, http://payments.example.com:443/v1, /etc/passwd.txt:1, src/payments.ts:0, src/payments.tsx:3';
    assert.deepEqual(findPathLines(md, isFile), []);
    assert.equal(render(splitPathLines(md, isFile)), md, 'nothing changes when nothing is linked');
  });

  it('takes ./relative paths, dotted names and en-dash ranges; keeps the text before and after', () => {
    const md = '(./src/payments.ts:7) lib/a.b.c.js:3–5; README.md:1.';
    assert.deepEqual(findPathLines(md, isFile).map((p) => [p.path, p.line, p.endLine]), [['src/payments.ts', 7, 7], ['lib/a.b.c.js', 3, 5], ['README.md', 1, 1]]);
    assert.equal(render(splitPathLines(md, isFile)), '(<src/payments.ts#7-7>) <lib/a.b.c.js#3-5>; <README.md#1-1>.');
  });

  it('refuses a range that runs backwards', () => {
    assert.deepEqual(findPathLines('src/orders.ts:9-3', isFile), []);
  });

  it('joins consecutive text into one segment, and a fence closes only on its own marker', () => {
    const md = '~~~\nsrc/orders.ts:1\n```\nsrc/orders.ts:2\n~~~\nsrc/orders.ts:3';
    const segments = splitPathLines(md, isFile);
    assert.deepEqual(segments.map((s) => s.kind), ['text', 'link']);
    assert.equal(segments[1]?.kind === 'link' && segments[1].target.line, 3);
  });
});
