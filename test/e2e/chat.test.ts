// A person's path through VS Code's Chat view: `@personas /security review payments` with the
// payments module open; the reply shows the job's progress, then the review, whose `path:line`
// citations open the file at that line.
//
// The Chat view needs two things in this VS Code (code-server 1.139, no Copilot): AI features
// on (the harness turns them off by default: "chat.disableAIFeatures": false here), and a
// language model, since the workbench refuses to send any request without one ("Language model
// unavailable"), even to a participant that never calls it. The test-only model provider
// (test/fixtures/lm-provider-extension) offers one. The persona job itself runs on the
// built-in demo model ("agentOsPersonas.model.provider": "demo").
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../harness/codeServer';
import { SELECTORS, useUiSession } from '../harness/uiSession';
import { waitFor } from '../harness/waitFor';

/** The chat's list is virtual (its own scrolling, not the DOM's): wheel over it until `target` is in view. */
async function scrollChatTo(page: Page, target: Locator): Promise<void> {
  const list = await page.locator('.interactive-list').first().boundingBox();
  if (!list) throw new Error('the chat list is not on screen');
  await page.mouse.move(list.x + list.width / 2, list.y + list.height / 2);
  for (let i = 0; i < 40; i++) {
    // The request's row sticks to the top of the list and covers what scrolls under it.
    const sticky = await page.locator('.interactive-list .monaco-tree-sticky-container').first().boundingBox().catch(() => null);
    const top = Math.max(list.y, sticky ? sticky.y + sticky.height : 0) + 8;
    const box = await target.boundingBox();
    if (box && box.y >= top && box.y + box.height <= list.y + list.height) return;
    await page.mouse.wheel(0, !box || box.y < top ? -120 : 120);
    await target.waitFor({ state: 'attached', timeout: 5_000 });
  }
  throw new Error('could not scroll the chat to the citation');
}

const CHAT_INPUT = '.interactive-input-part .monaco-editor';
const RESPONSE = '.interactive-item-container.interactive-response';

describe('@personas in the Chat view', function () {
  this.timeout(180_000);
  const current = useUiSession({
      name: 'chat',
      settings: { 'agentOsPersonas.model.provider': 'demo', 'chat.disableAIFeatures': false },
      installExtensions: [path.join(repoRoot, 'test', 'fixtures', 'lm-provider-extension')],
    });

  it('/security reviews the open payments module: progress, the review, and a citation that opens src/payments.ts at its line', async () => {
    const { page } = current();
    // The file goes along as the active editor (the chat's implicit context).
    await current().runCommand('Go to File', 30_000);
    await page.locator(SELECTORS.quickInputBox).first().fill('payments.ts');
    await page.locator(SELECTORS.quickInputRow, { hasText: 'payments.ts' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'payments.ts' }).first().waitFor({ state: 'visible', timeout: 30_000 });

    // Open the Chat view (Ctrl+Alt+I), type as a person does, send.
    await page.keyboard.press('Control+Alt+I');
    const input = page.locator(CHAT_INPUT).first();
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    // The model the workbench sends with the request (our participant does not use it): the
    // fixture's plain one, picked in the chat's model picker as a person would.
    // It lists the fixture's models once that extension has activated ("Models" before).
    const picker = page.locator('.interactive-input-part .action-label', { hasText: /Reviewer/ }).first();
    await picker.waitFor({ state: 'visible', timeout: 60_000 });
    // A click that lands while the chat view still lays itself out opens nothing, or a picker at
    // the window's corner that lists no model yet: close it and open it again until the search
    // box lists the model, and type into that box, not wherever focus is.
    const search = page.locator('input[placeholder="Search models"]').first();
    const testReviewer = page.locator('.monaco-list-row', { hasText: 'Test Reviewer' }).first();
    let shown = false;
    await waitFor(async () => {
      if (!(await search.isVisible())) {
        await picker.click({ timeout: 5_000 });
        await search.waitFor({ state: 'visible', timeout: 2_000 });
      }
      if (!shown) {
        await current().screenshot('model-picker');
        shown = true;
      }
      await search.fill('Test Reviewer');
      try {
        await testReviewer.waitFor({ state: 'visible', timeout: 3_000 });
        return true;
      } catch {
        await page.keyboard.press('Escape');
        return false;
      }
    }, { timeoutMs: 60_000, message: 'the chat\'s model picker did not list Test Reviewer', intervalMs: 500 });
    await testReviewer.click({ timeout: 15_000 });
    await page.locator('.interactive-input-part .action-label', { hasText: 'Test Reviewer' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await input.click();
    await page.keyboard.type('@personas /security review payments');
    await current().screenshot('typed');
    await page.keyboard.press('Enter');

    const response = page.locator(RESPONSE).last();
    await response.waitFor({ state: 'visible', timeout: 30_000 });
    // Progress from the job's events, live while it runs: the persona, its phase and percent.
    await page.locator(RESPONSE, { hasText: /security: \w+ \d+% \(demo model\)/ }).last().waitFor({ state: 'visible', timeout: 60_000 });
    await current().screenshot('progress');
    // The review, from the demo model: the planted credential, cited by file and line.
    const finding = page.locator(RESPONSE, { hasText: 'Hard-coded credential' }).last();
    await finding.waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator(RESPONSE, { hasText: 'Open in Persona Jobs' }).last().waitFor({ state: 'visible', timeout: 30_000 });
    await current().screenshot('review');
    const text = (await finding.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /\[CRITICAL\] Hard-coded credential/);
    // Once done, the steps fold into one line.
    assert.match(text, /Completed \d+ steps/);
    // The recommended specialist is offered as a follow-up.
    await page.locator('.interactive-session', { hasText: 'Ask api-docs' }).first().waitFor({ state: 'visible', timeout: 15_000 });

    // The citation is an inline anchor (VS Code shows the file's name and the line).
    const anchor = finding.locator('.chat-inline-anchor-widget, a', { hasText: 'payments.ts:4' }).first();
    await anchor.waitFor({ state: 'attached', timeout: 15_000 });
    await scrollChatTo(page, anchor);
    // The editor's cursor is on line 1 until the click.
    await page.locator('[id="status.editor.selection"]', { hasText: /Ln 1\b/ }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await anchor.click();
    const activeTab = page.locator('.tabs-container .tab.active', { hasText: 'payments.ts' }).first();
    await activeTab.waitFor({ state: 'visible', timeout: 15_000 });
    const status = page.locator('[id="status.editor.selection"]', { hasText: /Ln 4\b/ }).first();
    await status.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await status.innerText(), /Ln 4\b/, 'the editor\'s cursor is on the cited line');
    await current().screenshot('opened-at-line');

    // The reply's button reveals the job, durable and completed, selected in the Persona Jobs tree.
    const openInJobs = page.locator(`${RESPONSE} .monaco-button`, { hasText: 'Open in Persona Jobs' }).last();
    await scrollChatTo(page, openInJobs);
    await openInJobs.click();
    await page.locator(`${SELECTORS.treeRow}.selected[aria-label*="security: review payments"][aria-label*="completed"]`).first().waitFor({ state: 'visible', timeout: 30_000 });
    await current().screenshot('job-in-tree');
  });
});
