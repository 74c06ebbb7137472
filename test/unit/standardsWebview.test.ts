// The Standards webview's host-side pieces that need no VS Code: the message schemas (every
// message from the webview is untrusted), the renderer + sanitiser, and the page's CSP.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWebviewMessage } from '../../src/ui/standardsMessages';
import { standardsPageHtml } from '../../src/ui/standardsPage';
import { previewOf, renderStandardHtml, sanitizeStandardHtml } from '../../src/ui/standardsRender';
import { REPO_ROOT } from './tempDir';

const id = randomUUID();

describe('Standards webview messages', () => {
  it('accepts the five well-formed messages (approve with and without edited tags)', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'preview', id, body: '## Context' },
      { type: 'approve', id, title: 'T', domain: 'security', topic: 'x', body: 'b' },
      { type: 'approve', id, title: 'T', domain: 'security', topic: 'x', tags: ['api', 'errors'], body: 'b' },
      { type: 'reject', id, reason: 'duplicate' },
      { type: 'open', id },
    ]) {
      const parsed = parseWebviewMessage(message);
      assert.ok('message' in parsed, JSON.stringify(parsed));
      assert.deepEqual(parsed.message, message);
    }
  });

  const malformed: [string, unknown][] = [
    ['null', null],
    ['a string', 'approve'],
    ['an array', [{ type: 'approve' }]],
    ['no type', { id }],
    ['an unknown type', { type: 'approveAll' }],
    ['a type that is not a string', { type: { toString: 'approve' } }],
    ['approve without an id', { type: 'approve', title: 'T', domain: 'd', topic: 't', body: 'b' }],
    ['an id that is not a uuid', { type: 'approve', id: '../../etc', title: 'T', domain: 'd', topic: 't', body: 'b' }],
    ['approve missing the body', { type: 'approve', id, title: 'T', domain: 'd', topic: 't' }],
    ['a number for the title', { type: 'approve', id, title: 5, domain: 'd', topic: 't', body: 'b' }],
    ['an approver claimed by the webview', { type: 'approve', id, title: 'T', domain: 'd', topic: 't', body: 'b', approvedBy: 'mallory' }],
    ['tags as one string', { type: 'approve', id, title: 'T', domain: 'd', topic: 't', tags: 'api, errors', body: 'b' }],
    ['more than 50 tags', { type: 'approve', id, title: 'T', domain: 'd', topic: 't', tags: Array.from({ length: 51 }, () => 'x'), body: 'b' }],
    ['a path claimed by the webview', { type: 'approve', id, title: 'T', domain: 'd', topic: 't', body: 'b', path: '/etc/passwd' }],
    ['a body over 100,000 characters', { type: 'preview', id, body: 'x'.repeat(100_001) }],
    ['a domain over 200 characters', { type: 'approve', id, title: 'T', domain: 'd'.repeat(201), topic: 't', body: 'b' }],
    ['reject without a reason', { type: 'reject', id }],
    ['a reason over 2,000 characters', { type: 'reject', id, reason: 'r'.repeat(2001) }],
    ['open with a path instead of an id', { type: 'open', path: '.agent-os/standards/a/b.md' }],
  ];
  for (const [name, raw] of malformed) {
    it(`rejects ${name}, saying why in a short line`, () => {
      const parsed = parseWebviewMessage(raw);
      assert.ok('problem' in parsed, `${name} was accepted`);
      assert.ok(parsed.problem.length < 200, parsed.problem);
    });
  }
});

describe('Standards rendering and sanitising', () => {
  const hostile = [
    '## Context',
    'Looks <script>window.__pwned = 1; document.title = "pwned"</script> harmless.',
    '<img src="x" onerror="window.__pwned = 2">',
    '<p onclick="window.__pwned = 3" style="position:fixed">styled</p>',
    '[docs](javascript:window.__pwned=4) and <a href="javascript:window.__pwned=5">raw</a> and <a href="JaVaScRiPt&colon;alert(6)">encoded</a>',
    '<a href="data:text/html,<script>alert(7)</script>">data</a> <a href="vbscript:msgbox(8)">vb</a>',
    '<iframe src="https://example.com"></iframe><object data="x"></object><embed src="x"><form action="https://evil.example"><input name="q"></form>',
    '<svg onload="window.__pwned=9"><circle/></svg><math><mtext>m</mtext></math>',
    '<style>body{display:none}</style><link rel="stylesheet" href="https://evil.example/x.css"><meta http-equiv="refresh" content="0;url=https://evil.example">',
    '',
    '| a | b |',
    '|:--|--:|',
    '| 1 | 2 |',
    '',
    '```ts',
    'const x = "<script>in code</script>";',
    '```',
    '',
    'See [the docs](https://example.com/docs) and <kbd>Ctrl</kbd>.',
  ].join('\n');

  it('strips <script>, event handlers, javascript:/data:/vbscript: links, frames, forms, styles and SVG', () => {
    const html = renderStandardHtml(hostile);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /window\.__pwned = 1|document\.title/, 'a script\'s text goes with it');
    assert.doesNotMatch(html, /\son\w+=/i, 'no event handler attribute');
    // markdown-it leaves `[docs](javascript:…)` as plain text (inert); no attribute may carry a script scheme.
    assert.doesNotMatch(html, /(href|src|action)="?\s*(javascript|vbscript|data):/i);
    assert.deepEqual(html.match(/href="[^"]*"/g), ['href="https://example.com/docs"']);
    assert.doesNotMatch(html, /<(iframe|object|embed|form|input|svg|math|style|link|meta|img)\b/i);
    assert.doesNotMatch(html, /position:fixed/);
  });

  it('keeps what a standard needs: headings, tables with alignment, code (escaped), safe links, kbd', () => {
    const html = renderStandardHtml(hostile);
    assert.match(html, /<h2>Context<\/h2>/);
    assert.match(html, /<th style="text-align:left">a<\/th>/);
    assert.match(html, /<code class="language-ts">const x = "&lt;script&gt;in code&lt;\/script&gt;";/);
    assert.match(html, /<a href="https:\/\/example\.com\/docs" rel="noopener noreferrer">the docs<\/a>/);
    assert.match(html, /<kbd>Ctrl<\/kbd>/);
  });

  it('sanitises HTML given directly (the sanitiser on its own, not markdown-it\'s escaping)', () => {
    const html = sanitizeStandardHtml('<div><script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)" onmouseover="x()">l</a><a href="https://ok.example">ok</a></div>');
    assert.equal(html, '<a rel="noopener noreferrer">l</a><a href="https://ok.example" rel="noopener noreferrer">ok</a>');
  });

  it('previews the body without its front matter, flags it, and lists missing sections', () => {
    const preview = previewOf('---\napproved_by: mallory\n---\n## Context\nx\n## Pattern\ny\n');
    assert.equal(preview.hasFrontMatter, true);
    assert.doesNotMatch(preview.html, /mallory/);
    assert.deepEqual(preview.missing, ['Examples', 'Anti-Patterns', 'When to Revisit']);
  });
});

describe('the Standards page', () => {
  it('has a strict CSP with a per-load nonce, loads only media/ files, and has no inline script or handler', () => {
    const options = { cspSource: 'https://webview.example', scriptUri: 'https://webview.example/media/standards.js', styleUri: 'https://webview.example/media/standards.css' };
    const a = standardsPageHtml(options);
    const b = standardsPageHtml(options);
    const nonce = /script-src 'nonce-([^']+)'/.exec(a)?.[1];
    assert.ok(nonce && nonce.length >= 16);
    assert.notEqual(nonce, /script-src 'nonce-([^']+)'/.exec(b)?.[1], 'a new nonce per load');
    assert.match(a, new RegExp(`content="default-src 'none'; style-src https://webview.example 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'; script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}';"`));
    assert.equal((a.match(/<script/g) ?? []).length, 1);
    assert.match(a, /<script nonce="[^"]+" src="https:\/\/webview\.example\/media\/standards\.js"><\/script>/);
    assert.doesNotMatch(a, /\son[a-z]+=/i, 'no inline handlers in the page');
  });

  it('the page script uses no inline handlers, eval or string timers, and inserts proposal text only as text', () => {
    const script = readFileSync(join(REPO_ROOT, 'media', 'standards.js'), 'utf8');
    assert.doesNotMatch(script, /\beval\(|new Function|setTimeout\(['"`]|\.on[a-z]+\s*=/);
    // The one innerHTML is the host's sanitised rendering.
    assert.deepEqual(script.match(/innerHTML\s*=\s*[^;]+/g), ['innerHTML = p.html']);
  });
});
