import assert from 'node:assert/strict';
import { findResultLinks, linkPathLines } from '../../src/ui/resultLinks';

const FILES = new Set(['src/payments.ts', 'src/orders.ts', 'docs/a b.md']);
const isFile = (p: string): boolean => FILES.has(p);

describe('a result document\'s path:line links', () => {
  it('turns each citation of a workspace file into a root-relative link with a line fragment', () => {
    const md = '- **Evidence:** `src/payments.ts:4` — `const apiKey = "sk"`\nSee src/orders.ts:10-12 and missing.ts:3.\n';
    assert.equal(
      linkPathLines(md, isFile),
      '- **Evidence:** [src/payments.ts:4](/src/payments.ts#L4) — `const apiKey = "sk"`\nSee [src/orders.ts:10-12](/src/orders.ts#L10-L12) and missing.ts:3.\n',
    );
  });

  it('leaves fenced code as written', () => {
    const md = '```ts\n// src/payments.ts:4\n```\n';
    assert.equal(linkPathLines(md, isFile), md);
  });

  it('finds the links it wrote again, with their offsets, path and lines', () => {
    const text = linkPathLines('at src/payments.ts:4, then src/orders.ts:10-12\n', isFile);
    const links = findResultLinks(text);
    assert.deepEqual(
      links.map((l) => ({ path: l.path, line: l.line, endLine: l.endLine, text: text.slice(l.start, l.end) })),
      [
        { path: 'src/payments.ts', line: 4, endLine: 4, text: '[src/payments.ts:4](/src/payments.ts#L4)' },
        { path: 'src/orders.ts', line: 10, endLine: 12, text: '[src/orders.ts:10-12](/src/orders.ts#L10-L12)' },
      ],
    );
  });

  it('decodes a percent-encoded target back to the workspace path', () => {
    const [link] = findResultLinks('[docs/a b.md:2](/docs/a%20b.md#L2)');
    assert.deepEqual(link && { path: link.path, line: link.line, endLine: link.endLine }, { path: 'docs/a b.md', line: 2, endLine: 2 });
  });

  it('ignores links a review wrote itself that are not to a line', () => {
    assert.deepEqual(findResultLinks('[docs](https://example.com/a#L3) [x](/src/a.ts) [y](/bad%ZZ.ts#L1)'), []);
  });
});
