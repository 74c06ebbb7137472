// Bad input a person meets first: asking a persona with no folder open says what to do.
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
});
