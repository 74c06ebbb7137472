// Bad input a person meets first: asking a persona with no folder open says what to do. The
// same session proves the UI harness itself (a real workbench in Chromium, driven by the
// keyboard): it starts the quickest, with no store to open.
import * as assert from 'node:assert/strict';
import { SELECTORS, startUiSession, type UiSession } from '../harness/uiSession';

describe('Ask a Persona with no folder open', function () {
  this.timeout(120_000);
  let session: UiSession | undefined;

  before(async () => {
    session = await startUiSession({ name: 'no-folder', workspaceFolder: null });
  });
  after(async () => {
    await session?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.screenshot(`failure-${this.currentTest.title}`);
  });

  it('shows a message that says to open a folder, with an Open Folder button', async () => {
    if (!session) throw new Error('the UI session did not start');
    const { page } = session;
    await session.runCommand('Personas: Ask a Persona…', 60_000);
    const toast = page.locator(SELECTORS.toast, { hasText: 'needs an open folder' }).first();
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await toast.innerText(), /\.agent-os folder/);
    assert.equal(await toast.locator('a.monaco-button, .monaco-button', { hasText: 'Open Folder' }).count() > 0, true, 'the message offers Open Folder');
    await session.screenshot('message');
  });

  describe('UI harness smoke', () => {
    const current = (): UiSession => {
      if (!session) throw new Error('the UI session did not start');
      return session;
    };

    it('shows the activity bar', async () => {
      const page = current().page;
      assert.ok(await page.locator(SELECTORS.activityBar).first().isVisible());
      const icons = await page.locator('.activitybar .action-label').count();
      assert.ok(icons > 0, 'the activity bar has no icons');
    });

    it('opens the quick input on F1 and lists commands', async () => {
      const page = current().page;
      // The message above may hold the focus: Escape first, as a person would.
      await page.keyboard.press('Escape');
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
});
