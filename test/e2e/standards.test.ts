// A person approves the team's standards, in Chromium on the real workbench: a persona job
// proposes one, the Standards view shows it pending (badge and list), the person edits a line
// and approves, and the file lands with its front matter and is found by search_standards
// over MCP. Also: reject with a reason, a hostile proposal rendered inert, a conflict offered
// another topic, and an approval done with Tab and Enter only.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Frame, FrameLocator, Locator } from 'playwright-core';
import { parse } from 'yaml';
import { freshWorkspaceCopy } from '../harness/codeServer';
import { SELECTORS, startUiSession, type UiSession } from '../harness/uiSession';
import { waitFor } from '../harness/waitFor';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const PERSON = 'Ada Reviewer';
// The demo model proposes its most severe finding in the files it read (src/orders.ts first).
const DEMO_TITLE = 'Business logic and I/O in one module (src/orders.ts:21)';
const DEMO_FILE = '.agent-os/standards/architecture/business-logic-and-i-o-in-one-module.md';
/** The body's rule line, as the demo writes it from the finding; the person rewrites it. */
const DEMO_RULE = /^\*\*Business logic and I\/O in one module\*\*, code like `export function orderTotalCents\(order: Order\): number \{`, is not merged as it is: .*$/m;
/**
 * Runs a probe in the page. Probes are source text: the project compiles without the DOM
 * library, and this is the one place that needs the browser's globals.
 */
async function probe<T>(frame: Frame, source: string): Promise<T> {
  return frame.evaluate<T>(source);
}

/** True when the element (which has an id) is the focused one in the view. */
async function hasFocus(frame: Frame, element: Locator): Promise<boolean> {
  const id = await element.getAttribute('id');
  return id !== null && (await probe<string | null>(frame, 'document.activeElement?.id ?? null')) === id;
}

const BODY = '## Context\nSet by the UI test.\n\n## Pattern\nDo it.\n\n## Examples\n`x`\n\n## Anti-Patterns\n`y`\n\n## When to Revisit\nLater.\n';

describe('Standards approval in the workbench', function () {
  this.timeout(240_000);
  let session: UiSession | undefined;
  let folder = '';
  let client: Client | undefined;

  before(async () => {
    // The person is whoever git says in this workspace.
    folder = freshWorkspaceCopy('e2e-standards-workspace');
    execFileSync('git', ['init', '-q'], { cwd: folder });
    execFileSync('git', ['config', 'user.name', PERSON], { cwd: folder });
    session = await startUiSession({ name: 'standards', workspaceFolder: folder, settings: { 'agentOsPersonas.model.provider': 'demo' } });
  });
  after(async () => {
    await client?.close();
    await session?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.screenshot(`failure-${this.currentTest.title}`);
  });

  const current = (): UiSession => {
    if (!session) throw new Error('the UI session did not start');
    return session;
  };
  /**
   * The Standards webview's own document: two iframes down from the workbench. Ours by the
   * extension id in the iframe's URL: a result opens in the markdown preview, a webview too.
   */
  const view = (): FrameLocator => current().page.frameLocator('iframe.webview.ready[src*="extensionId=agent-os.agent-os-personas"]').frameLocator('iframe#active-frame');
  /** The same document as a Frame, to evaluate in (the inner frame that holds our page). */
  const viewFrame = async (): Promise<Frame> =>
    waitFor(async () => {
      for (const frame of current().page.frames()) {
        if (frame.parentFrame() && (await frame.locator('#proposals').count().catch(() => 0)) > 0) return frame;
      }
      return undefined;
    }, { timeoutMs: 30_000, message: 'no webview frame holds the Standards page' });
  const card = (title: string): Locator => view().locator('article.proposal', { has: view().locator('h3', { hasText: title }) });
  const file = (relative: string): string => join(folder, relative);

  /** The stdio MCP server an outside agent runs in this folder; it forwards to the editor. */
  async function mcp(): Promise<Client> {
    if (client) return client;
    await waitFor(() => existsSync(join(folder, '.agent-os', 'mcp-endpoint.json')), { timeoutMs: 60_000, message: 'the extension never published its MCP endpoint' });
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(REPO_ROOT, 'dist', 'cli.js'), 'mcp'], cwd: folder, stderr: 'pipe', env: { ...process.env, AGENT_OS_PROVIDER: 'demo' } });
    const connecting = new Client({ name: 'ui-test-agent', version: '1' });
    await connecting.connect(transport);
    client = connecting;
    return client;
  }
  async function callTool(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result = (await (await mcp()).callTool({ name, arguments: args })) as CallToolResult;
    const text = (result.content[0] as { text: string }).text;
    assert.ok(!result.isError, text);
    return JSON.parse(text) as Record<string, unknown>;
  }

  async function openStandards(): Promise<void> {
    await current().runCommand('Personas: Show Standards', 60_000);
    await view().locator('#proposals').waitFor({ state: 'attached', timeout: 30_000 });
  }

  it('a persona job proposes a standard; the view shows 1 pending; the person edits a line and approves; the file and search_standards have the edit', async () => {
    const { page } = current();
    await current().runCommand('Personas: Ask a Persona…', 60_000);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Ask a Persona' }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill('architect');
    await page.locator(SELECTORS.quickInputRow, { hasText: 'architect' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Ask architect' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill('Review the order module and propose what recurs [[demo:propose]]');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'What should the persona look at?' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill('No context');
    await page.keyboard.press('Enter');

    // The badge on the Personas icon comes before anyone opens the container (the view is not shown yet).
    const badge = page.locator('.activitybar .badge[aria-label^="Personas"] .badge-content');
    await badge.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal((await badge.innerText()).trim(), '1');
    // The badge sits over the icon, so the click goes to the icon's item (badge included).
    await page.locator('.activitybar .action-item', { has: page.locator('.action-label[aria-label^="Personas"]') }).first().click();
    const proposal = card(DEMO_TITLE);
    await proposal.waitFor({ state: 'visible', timeout: 60_000 });
    // One pending: the list, the view's header and the badge on the Personas icon say so.
    assert.equal(await view().locator('article.proposal').count(), 1);
    assert.equal(await view().locator('#pending-count').innerText(), '(1)');
    await page.locator('.pane-header', { hasText: 'Standards' }).locator('.description', { hasText: '1 pending' }).waitFor({ state: 'visible', timeout: 15_000 });
    await badge.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal((await badge.innerText()).trim(), '1');
    // Only the Standards section carries the count now; the jobs section does not repeat it.
    assert.equal(await page.locator('.pane-header[aria-label^="Persona Jobs"] .badge').count(), 0);
    assert.match(await proposal.locator('.meta').first().innerText(), /Proposed by architect in a review job/);
    assert.match(await proposal.locator('.missing').innerText(), /All template sections present/);
    assert.equal(await proposal.locator('.rendered h2').first().innerText(), 'Context');
    // Room for the standards: the person folds the jobs section away.
    await page.locator('.pane-header[aria-label^="Persona Jobs"]').click();
    await proposal.locator('h3').scrollIntoViewIfNeeded();
    await current().screenshot('pending');

    // Edit one line of the body in place; the preview follows.
    const body = proposal.locator('textarea.body');
    const text = await body.inputValue();
    assert.match(text, DEMO_RULE);
    await body.fill(text.replace(DEMO_RULE, 'Validate every request body at the boundary with a zod schema.'));
    await proposal.locator('.rendered', { hasText: 'Validate every request body at the boundary' }).waitFor({ state: 'visible', timeout: 15_000 });
    // The persona's tags are there to edit; the person replaces them.
    const tags = proposal.locator('input[id^="tags-"]');
    assert.equal(await tags.inputValue(), 'demo');
    await tags.fill('validation, API');
    await proposal.locator('button.approve').scrollIntoViewIfNeeded();
    await current().screenshot('pending-edited');

    await proposal.locator('button.approve').click();
    await view().locator('#status', { hasText: `as ${PERSON}` }).waitFor({ state: 'visible', timeout: 30_000 });
    await waitFor(() => existsSync(file(DEMO_FILE)), { timeoutMs: 15_000, message: `${DEMO_FILE} was not written` });
    const written = readFileSync(file(DEMO_FILE), 'utf8');
    const fm = parse(/^---\n([\s\S]*?)\n---\n/.exec(written)?.[1] ?? '') as Record<string, unknown>;
    assert.equal(fm['approved_by'], PERSON);
    assert.equal(fm['created_by'], 'architect');
    assert.equal(fm['domain'], 'architecture');
    assert.deepEqual(fm['tags'], ['validation', 'api'], 'the tags as the person edited them');
    assert.ok(fm['approved_at'] && fm['created_at']);
    assert.match(written, /Validate every request body at the boundary with a zod schema\./);
    assert.doesNotMatch(written, DEMO_RULE);
    // The list empties, the decision is listed, the badge goes.
    await proposal.waitFor({ state: 'detached', timeout: 15_000 });
    await view().locator('.decision.approved', { hasText: DEMO_TITLE }).waitFor({ state: 'visible', timeout: 15_000 });
    await badge.waitFor({ state: 'hidden', timeout: 15_000 });
    await current().screenshot('approved');

    // An agent finds the edited text through the real MCP client.
    const found = (await callTool('search_standards', { query: 'validate request body boundary zod' }))['results'] as { path: string; snippet: string }[];
    assert.ok(found.some((r) => r.path === DEMO_FILE && /zod schema/.test(r.snippet)), JSON.stringify(found));
  });

  it('rejects with a typed reason: the decision shows the reason and no file is written', async () => {
    await openStandards();
    const proposed = await callTool('propose_standard', { domain: 'testing', topic: 'snapshot-everything', title: 'Snapshot every component', body: BODY, proposed_by: 'outside-agent' });
    assert.equal(proposed['status'], 'pending');
    const proposal = card('Snapshot every component');
    await proposal.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await proposal.locator('.meta').first().innerText(), /Proposed by outside-agent/);
    await proposal.locator('button.reject').click();
    const reason = proposal.locator('textarea.reason');
    await reason.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await hasFocus(await viewFrame(), reason), true, 'the reason box takes the focus');
    await proposal.locator('button.confirm-reject').click();
    await proposal.locator('.error', { hasText: 'Give a reason' }).waitFor({ state: 'visible', timeout: 5000 });
    await reason.fill('Snapshots of everything hide real regressions.');
    await current().screenshot('rejecting');
    await proposal.locator('button.confirm-reject').click();
    await view().locator('.decision.rejected', { hasText: 'Snapshot every component' }).locator('.reason', { hasText: 'Snapshots of everything hide real regressions.' }).waitFor({ state: 'visible', timeout: 15_000 });
    await proposal.waitFor({ state: 'detached', timeout: 15_000 });
    assert.ok(!existsSync(file('.agent-os/standards/testing/snapshot-everything.md')));
  });

  it('a hostile proposal renders inert: no script runs, no handler, no javascript: link', async () => {
    await openStandards();
    const hostile = [
      '## Context',
      'Harmless looking. <script>window.__pwned = "script"; document.title = "pwned";</script>',
      '<img src="does-not-exist.png" onerror="window.__pwned = \'onerror\'; document.title = \'pwned\'">',
      '[click me](javascript:window.__pwned=\'md-link\') and <a id="raw-link" href="javascript:window.__pwned=\'raw-link\'">raw link</a>',
      '<svg onload="window.__pwned = \'svg\'"></svg>',
      '',
      '## Pattern',
      'Nothing here should run.',
    ].join('\n');
    await callTool('propose_standard', { domain: 'security', topic: 'hostile-preview', title: 'Hostile preview', body: hostile, proposed_by: 'mallory' });
    const proposal = card('Hostile preview');
    await proposal.waitFor({ state: 'visible', timeout: 30_000 });
    // A round trip after rendering (an edit asks the host for a new preview) gives any handler time to fire.
    const body = proposal.locator('textarea.body');
    await body.fill(`${await body.inputValue()}\nStill nothing.`);
    await proposal.locator('.rendered', { hasText: 'Still nothing.' }).waitFor({ state: 'visible', timeout: 15_000 });
    const frame = await viewFrame();
    const seen = await probe<{ pwned: string | null; title: string; scripts: { src: string; text: string }[]; rendered: number; handlers: number; hrefs: (string | null)[] }>(
      frame,
      `(() => {
        const rendered = Array.from(document.querySelectorAll('article.proposal .rendered'));
        const all = rendered.flatMap((r) => Array.from(r.querySelectorAll('*')));
        return {
          pwned: window.__pwned ?? null,
          title: document.title,
          scripts: Array.from(document.scripts).map((s) => ({ src: s.src.split('/').pop(), text: s.textContent })),
          rendered: all.filter((el) => ['SCRIPT', 'IMG', 'SVG', 'IFRAME'].includes(el.tagName.toUpperCase())).length,
          handlers: all.filter((el) => Array.from(el.attributes).some((a) => a.name.startsWith('on'))).length,
          hrefs: rendered.flatMap((r) => Array.from(r.querySelectorAll('a')).map((a) => a.getAttribute('href'))),
        };
      })()`,
    );
    assert.equal(seen.pwned, null, 'nothing from the proposal ran');
    assert.equal(seen.title, 'Standards');
    // Our page's script, and VS Code's own inline bootstrap of the webview API; none from the proposal.
    assert.deepEqual(seen.scripts.filter((x) => x.src).map((x) => x.src), ['standards.js']);
    assert.ok(seen.scripts.every((x) => !x.text.includes('__pwned')), 'no script element carries the proposal\'s code');
    assert.equal(seen.rendered, 0, 'no script, img, svg or iframe in the rendering');
    assert.equal(seen.handlers, 0, 'no on* attribute in the rendering');
    assert.ok(seen.hrefs.length > 0 && seen.hrefs.every((h) => h === null || !/^\s*javascript:/i.test(h)), JSON.stringify(seen.hrefs));
    assert.equal(await current().page.evaluate('window.__pwned ?? null'), null, 'nor in the workbench');
    await proposal.locator('.rendered').scrollIntoViewIfNeeded();
    await current().screenshot('hostile-inert');
    // The person rejects it.
    await proposal.locator('button.reject').click();
    await proposal.locator('textarea.reason').fill('Contains script.');
    await proposal.locator('button.confirm-reject').click();
    await proposal.waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('approving onto an existing standard is refused in the view, which offers another topic', async () => {
    await openStandards();
    await callTool('propose_standard', { domain: 'architecture', topic: 'business-logic-and-i-o-in-one-module', title: 'Same topic again', body: BODY, proposed_by: 'outside-agent' });
    const proposal = card('Same topic again');
    await proposal.waitFor({ state: 'visible', timeout: 30_000 });
    const before = readFileSync(file(DEMO_FILE), 'utf8');
    await proposal.locator('button.approve').click();
    await proposal.locator('.error', { hasText: `A standard already exists at ${DEMO_FILE}` }).waitFor({ state: 'visible', timeout: 15_000 });
    const topic = proposal.locator('input[id^="topic-"]');
    assert.equal(await topic.inputValue(), 'business-logic-and-i-o-in-one-module-2');
    assert.equal(await hasFocus(await viewFrame(), topic), true, 'the topic field takes the focus');
    assert.equal(readFileSync(file(DEMO_FILE), 'utf8'), before, 'the existing standard is untouched');
    await proposal.locator('.edit .error').scrollIntoViewIfNeeded();
    await current().screenshot('conflict');
    await proposal.locator('button.approve').click();
    await waitFor(() => existsSync(file('.agent-os/standards/architecture/business-logic-and-i-o-in-one-module-2.md')), { timeoutMs: 15_000, message: 'the other topic was not written' });
  });

  it('keyboard only: New Standard from the palette, then Tab and Enter approve it', async () => {
    const { page } = current();
    await current().runCommand('Personas: New Standard…', 60_000);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Standard (1/3)' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.type('Keyboard approved standard');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Standard (2/3)' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter'); // the offered domain, "engineering"
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Standard (3/3)' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter'); // the offered topic, from the title
    const proposal = card('Keyboard approved standard');
    await proposal.waitFor({ state: 'visible', timeout: 30_000 });
    const frame = await viewFrame();
    /** What has the focus in the view: `input#title`, `button:Approve:<card title>`, `p#status`, or `body`. */
    const focused = (): Promise<string> =>
      probe<string>(
        frame,
        `(() => {
          const el = document.activeElement;
          if (!el || el === document.body) return 'body';
          if (el.tagName === 'BUTTON') return 'button:' + el.textContent + ':' + (el.closest('article')?.querySelector('h3')?.textContent ?? '');
          return el.tagName.toLowerCase() + '#' + el.id.split('-')[0];
        })()`,
      );
    // The new proposal is revealed with its title field focused.
    await waitFor(async () => (await focused()) === 'input#title', { timeoutMs: 15_000, message: 'the new proposal\'s title did not take the focus' });
    const order: string[] = [];
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab');
      const now = await focused();
      order.push(now);
      if (now.startsWith('button:Approve')) break;
    }
    assert.deepEqual(order, ['input#domain', 'input#topic', 'input#tags', 'textarea#body', 'button:Approve:Keyboard approved standard']);
    const outline = await probe<string>(frame, 'getComputedStyle(document.activeElement).outlineStyle');
    assert.notEqual(outline, 'none', 'the focused button shows a focus ring');
    await current().screenshot('keyboard-focus-approve');
    await page.keyboard.press('Enter');
    await waitFor(() => existsSync(file('.agent-os/standards/engineering/keyboard-approved-standard.md')), { timeoutMs: 15_000, message: 'Enter on Approve wrote nothing' });
    const fm = parse(/^---\n([\s\S]*?)\n---\n/.exec(readFileSync(file('.agent-os/standards/engineering/keyboard-approved-standard.md'), 'utf8'))?.[1] ?? '') as Record<string, unknown>;
    assert.equal(fm['created_by'], 'person');
    assert.equal(fm['approved_by'], PERSON);
    // The focus lands somewhere meaningful: the next proposal's title, or the status line saying what happened.
    await waitFor(async () => /^(p#status|input#title)$/.test(await focused()), { timeoutMs: 10_000, message: 'the focus was lost after approving' });
    await current().screenshot('keyboard-approved');
  });
});
