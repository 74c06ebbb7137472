// Durability as a person sees it: reload the window while a job runs; the job survives the
// extension host restart, runs again and completes, and the tree shows it all along; the
// reloaded window follows it again (progress notification, then the result).
import * as assert from 'node:assert/strict';
import { SELECTORS, useUiSession } from '../harness/uiSession';

describe('Reload the window while a job runs', function () {
  this.timeout(180_000);
  // The last of the files sharing this workbench (mocha runs them in name order): a reload
  // would hand the next one a window that has just started.
  const current = useUiSession({ name: 'reload', shareAs: 'demo-sample', settings: { 'agentOsPersonas.model.provider': 'demo' } });

  it('re-queues the job across the extension host restart and completes it', async () => {
    const session = current();
    const { page } = session;
    await session.runCommand('Personas: Ask a Persona…', 60_000);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Ask a Persona' }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill('engineer');
    await page.locator(SELECTORS.quickInputRow, { hasText: 'engineer' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Ask engineer' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill('Survive a reload [[demo:crawl]]');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'What should the persona look at?' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill('No context');
    await page.keyboard.press('Enter');
    await page.locator(SELECTORS.activityIcon('Personas')).first().click();
    const row = (extra = ''): ReturnType<typeof page.locator> => page.locator(`${SELECTORS.treeRow}[aria-label*="engineer: Survive a reload"]${extra}`).first();
    await row('[aria-label*="generating"]').waitFor({ state: 'visible', timeout: 60_000 });
    const toast = (): ReturnType<typeof page.locator> => page.locator(SELECTORS.toast, { hasText: 'engineer: Survive a reload' }).first();
    await toast().waitFor({ state: 'visible', timeout: 15_000 });
    await session.screenshot('before-reload');

    // Wait for the page to load again: until then the old workbench is still on screen.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await session.runCommand('Developer: Reload Window', 30_000);
    await reloaded;
    await page.locator(SELECTORS.activityBar).first().waitFor({ state: 'visible', timeout: 60_000 });
    // The reloaded window may restore the side bar with the view open, or not; clicking the
    // container icon would toggle it, so focus the view by its command, which always shows it.
    await session.runCommand('Personas: Focus on Persona Jobs View', 60_000);
    // After the restart the same job is back in the tree (queued or running again) ...
    await row().waitFor({ state: 'visible', timeout: 60_000 });
    const afterReload = (await row().getAttribute('aria-label')) ?? '';
    assert.doesNotMatch(afterReload, /failed|cancelled/, `after the reload the job reads: ${afterReload}`);
    // ... this window's person still follows it: its progress notification is back ...
    await toast().waitFor({ state: 'visible', timeout: 60_000 });
    await session.screenshot('after-reload');
    // ... and completes, and its result opens as it would have without the reload.
    await row('[aria-label*="completed"]').waitFor({ state: 'visible', timeout: 120_000 });
    await page.locator('.tabs-container .tab', { hasText: /Preview engineer-/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator(`${SELECTORS.treeRow}[aria-label*="engineer: Survive a reload"]`).count(), 1, 'one job, not a duplicate');
    await session.screenshot('completed-after-reload');
  });
});
