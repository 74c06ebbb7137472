// Proves the UI harness end to end: a real workbench in chromium, driven by the keyboard.
import * as assert from 'node:assert/strict';
import { SELECTORS, startUiSession, type UiSession } from '../harness/uiSession';

describe('UI harness smoke', function () {
  this.timeout(120_000);
  let session: UiSession | undefined;

  before(async () => {
    session = await startUiSession({ name: 'smoke' });
  });

  const current = (): UiSession => {
    if (!session) {
      throw new Error('the UI session did not start');
    }
    return session;
  };

  after(async () => {
    await session?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await session?.screenshot(`failure-${this.currentTest.title}`);
    }
  });

  it('shows the activity bar', async () => {
    const page = current().page;
    assert.ok(await page.locator(SELECTORS.activityBar).first().isVisible());
    const icons = await page.locator('.activitybar .action-label').count();
    assert.ok(icons > 0, 'the activity bar has no icons');
  });

  it('opens the quick input on F1 and lists commands', async () => {
    const page = current().page;
    await page.keyboard.press('F1');
    const input = page.locator(SELECTORS.quickInputBox).first();
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await input.inputValue(), /^>/);
    await page.locator(SELECTORS.quickInputRow).first().waitFor({ state: 'visible', timeout: 15_000 });
    await current().screenshot('quick-input');
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 15_000 });
  });

  it('runs a built-in command through the Command Palette (runCommand)', async () => {
    const page = current().page;
    const statusBar = page.locator('.monaco-workbench .part.statusbar');
    await statusBar.waitFor({ state: 'visible', timeout: 15_000 });
    await current().runCommand('View: Toggle Status Bar Visibility');
    await statusBar.waitFor({ state: 'hidden', timeout: 15_000 });
    await current().runCommand('View: Toggle Status Bar Visibility');
    await statusBar.waitFor({ state: 'visible', timeout: 15_000 });
  });
});
