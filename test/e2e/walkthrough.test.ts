// A newcomer's first minutes, clicked in Chromium on the extension installed from the .vsix:
// Help: Welcome lists the walkthrough, its first step's button asks the security persona about
// a file (picked in the file dialog), the step shows completed, and the job is in Persona Jobs.
// Screenshots in the light and the dark theme (test-output/screenshots/e2e-walkthrough-*.png).
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { SELECTORS, useUiSession } from '../harness/uiSession';
import { waitFor } from '../harness/waitFor';

const WALKTHROUGH_TITLE = 'Get Started with Agent OS Personas';
const STEP_PREFIX = 'agent-os.agent-os-personas#agentOsPersonas.gettingStarted#';

describe('The getting-started walkthrough', function () {
  this.timeout(120_000);
  const current = useUiSession({ name: 'walkthrough', shareAs: 'demo-light', settings: { 'agentOsPersonas.model.provider': 'demo', 'workbench.colorTheme': 'Default Light Modern' } });
  const step = (id: string): Locator => current().page.locator(`.getting-started-step[data-step-id="${STEP_PREFIX}${id}"]`);
  const checkbox = (id: string): Locator => current().page.locator(`[data-done-step-id="${STEP_PREFIX}${id}"]`);
  /** The markdown media beside the selected step: a webview, two iframes down. */
  const media = (): FrameLocator => current().page.frameLocator('.getting-started-media iframe.webview.ready').frameLocator('iframe#active-frame');

  /** Expands a step (a click on its title) and waits until its markdown media shows `heading`. */
  async function selectStep(id: string, heading: string): Promise<void> {
    await step(id).click();
    await step(id).and(current().page.locator('[aria-expanded="true"]')).waitFor({ state: 'visible', timeout: 15_000 });
    await media().locator('h1', { hasText: heading }).waitFor({ state: 'visible', timeout: 30_000 });
  }

  it('opens from the Welcome page, where Help: Welcome lists it', async () => {
    const { page } = current();
    await current().runCommand('Help: Welcome', 60_000);
    const entry = page.locator('button', { hasText: WALKTHROUGH_TITLE }).first();
    await entry.waitFor({ state: 'visible', timeout: 30_000 });
    await current().screenshot('light-welcome');
    await entry.click();
    await page.locator('.getting-started-category-title, h2', { hasText: WALKTHROUGH_TITLE }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The five steps, in order, none done yet.
    const rows = await page.locator(`.getting-started-step[data-step-id^="${STEP_PREFIX}"]`).all();
    const ids = await Promise.all(rows.map((row) => row.getAttribute('data-step-id')));
    assert.deepEqual(ids, ['ask', 'watch', 'approve', 'connect', 'model'].map((s) => STEP_PREFIX + s));
    assert.equal(await checkbox('ask').getAttribute('aria-checked'), 'false');
    await media().locator('h1', { hasText: 'Ask the security persona' }).waitFor({ state: 'visible', timeout: 30_000 });
    await current().screenshot('light-steps');
  });

  it("completes its first step when its button asks the security persona about a picked file", async () => {
    const { page } = current();
    const folder = current().workspaceFolder;
    if (!folder) throw new Error('the session opened no folder');
    await step('ask').getByRole('button', { name: 'Ask the Security Persona' }).click();
    // The button starts Ask a Persona with the persona and task filled in; the file comes from
    // the file dialog (VS Code for the Web shows its own, in the quick input).
    const input = page.locator(SELECTORS.quickInputBox).first();
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    // The dialog opens on the workspace folder and fills in its path a moment later; type after that.
    await waitFor(async () => (await input.inputValue()).replace(/\/+$/, '') === folder, { timeoutMs: 15_000, message: 'the file dialog never showed the workspace folder' });
    const file = join(folder, 'src', 'payments.ts');
    await input.fill(file);
    await waitFor(async () => (await input.inputValue()) === file, { timeoutMs: 5_000, message: 'the file dialog changed the typed path' });
    await page.locator(SELECTORS.quickInput).getByRole('button', { name: 'Review these files' }).click();
    await input.waitFor({ state: 'hidden', timeout: 15_000 });

    await page.locator(`[data-done-step-id="${STEP_PREFIX}ask"][aria-checked="true"]`).waitFor({ state: 'visible', timeout: 30_000 });
    // The checked icon (a pass-filled circle) replaces the empty one.
    assert.match((await checkbox('ask').getAttribute('class')) ?? '', /\bcodicon-getting-started-step-checked\b/);
    assert.equal(await checkbox('watch').getAttribute('aria-checked'), 'false', 'only the step whose command ran is done');
    await current().screenshot('light-first-step-done');
  });

  it('its second step reveals Persona Jobs, where the security job is listed completed, and completes', async () => {
    const { page } = current();
    // A job started this way opens its result when it completes (as from the palette); then back to the walkthrough.
    await page.locator('.tabs-container .tab', { hasText: /Preview security-.*\.md/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.locator('.tabs-container .tab', { hasText: 'Walkthrough' }).first().click();
    await selectStep('watch', 'Watch the job');
    await step('watch').getByRole('button', { name: 'Show Persona Jobs' }).click();
    await page.locator(`${SELECTORS.treeRow}[aria-label*="security: Review this file for security risks"][aria-label*="completed"]`).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator(`[data-done-step-id="${STEP_PREFIX}watch"][aria-checked="true"]`).waitFor({ state: 'visible', timeout: 30_000 });
    await current().screenshot('light-job-done');
  });

  it('reads in the dark theme: the steps, a code block and a table in the media', async () => {
    const { page } = current();
    await current().runCommand('Preferences: Color Theme', 30_000);
    await page.locator(SELECTORS.quickInputRow, { hasText: 'Dark Modern' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill('Dark Modern');
    await page.locator(`${SELECTORS.quickInputRow}.focused`, { hasText: 'Dark Modern' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    // The workbench carries the theme's class.
    await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 30_000 });
    // The Welcome page again (the walkthrough tab re-renders as the Welcome page on a theme change).
    await current().runCommand('Help: Welcome', 30_000);
    const entry = page.locator('button', { hasText: WALKTHROUGH_TITLE }).first();
    await entry.waitFor({ state: 'visible', timeout: 30_000 });
    await current().screenshot('dark-welcome');
    await entry.click();
    await selectStep('connect', 'Connect Claude Code or Cursor');
    await media().locator('code', { hasText: 'claude mcp add agent-os-personas' }).waitFor({ state: 'visible', timeout: 15_000 });
    await current().screenshot('dark-connect');
    await selectStep('model', 'Choose the model');
    await media().locator('table').first().waitFor({ state: 'visible', timeout: 15_000 });
    await current().screenshot('dark-model');
    // Progress is kept: the two steps done in the light theme still show done.
    assert.equal(await checkbox('ask').getAttribute('aria-checked'), 'true');
    assert.equal(await checkbox('watch').getAttribute('aria-checked'), 'true');
  });
});
