// What a newcomer tripped over, clicked in Chromium on the real workbench: the persona picker
// groups the core team and the specialists; the status bar item opens the model and job
// actions, and "Clear Anthropic API Key" shows only while a key is stored; a job row reads
// task first at the default side-bar width; a retried job shows its progress and opens its result.
import * as assert from 'node:assert/strict';
import { resultPreview } from '../harness/resultPreview';
import { SELECTORS, useUiSession, type UiSession } from '../harness/uiSession';

describe('A newcomer\'s first steps in the workbench', function () {
  this.timeout(180_000);
  const current = useUiSession({ name: 'newcomer', shareAs: 'demo-sample', settings: { 'agentOsPersonas.model.provider': 'demo' } });
  // A test that failed with a picker open must not leave it in the next one's way.
  afterEach(async () => {
    await current().page.keyboard.press('Escape');
  });
  const title = (text: string): ReturnType<UiSession['page']['locator']> => current().page.locator('.quick-input-widget .quick-input-title', { hasText: text });

  /** Opens the palette on `>text` and says whether a command row matches it. */
  async function paletteOffers(text: string): Promise<boolean> {
    const { page } = current();
    await page.keyboard.press('F1');
    await page.locator(SELECTORS.quickInputBox).first().fill(`>${text}`);
    const row = page.locator(SELECTORS.quickInputRow, { hasText: text }).first();
    // The palette answers with the command, or with "similar commands" (Set…) when it is hidden.
    await page.locator(SELECTORS.quickInputRow).first().waitFor({ state: 'visible', timeout: 15_000 });
    const offered = await row.isVisible();
    await page.keyboard.press('Escape');
    return offered;
  }

  it('groups the persona picker: the core team first in the design\'s order, then the specialists', async () => {
    const { page } = current();
    await current().runCommand('Personas: Ask a Persona…', 60_000);
    await title('Ask a Persona').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator(SELECTORS.quickInputRow).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.quick-input-list', { hasText: 'Core team' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    // A row's label and its detail line both carry .label-name; the ids are the one-word ones.
    const names = (await page.locator(`${SELECTORS.quickInputRow} .label-name`).allInnerTexts()).filter((n) => /^[a-z][a-z-]*$/.test(n.trim()));
    assert.deepEqual(names.slice(0, 7), ['architect', 'engineer', 'data', 'qa', 'security', 'sre', 'workflow-executor'], names.join(', '));
    await page.locator('.quick-input-list', { hasText: 'Specialists' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await current().screenshot('persona-picker');
    await page.keyboard.press('Escape');
  });

  it('opens the model and job actions from the status bar; Clear Anthropic API Key shows only while a key is stored', async () => {
    const { page } = current();
    const item = page.locator('.part.statusbar .statusbar-item', { hasText: 'Personas' }).first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await item.click();
    await title('Agent OS Personas').waitFor({ state: 'visible', timeout: 15_000 });
    const actions = await page.locator(`${SELECTORS.quickInputRow} .label-name`).allInnerTexts();
    assert.ok(actions.some((a) => a.includes('Show Persona Jobs')), actions.join(' | '));
    assert.ok(actions.some((a) => a.includes('Set Anthropic API Key')), actions.join(' | '));
    assert.ok(actions.some((a) => a.includes('Pick Model Provider')), actions.join(' | '));
    assert.ok(!actions.some((a) => a.includes('Clear Anthropic API Key')), `no key is stored: ${actions.join(' | ')}`);
    await current().screenshot('status-actions');
    await page.keyboard.press('Escape');

    assert.equal(await paletteOffers('Personas: Clear Anthropic API Key'), false, 'no key is stored: nothing to clear');
    await current().runCommand('Personas: Set Anthropic API Key', 30_000);
    await title('Anthropic API Key').waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill('sk-ant-e2e-not-a-real-key');
    await page.keyboard.press('Enter');
    await page.locator(SELECTORS.toast, { hasText: 'Anthropic API key saved' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    // The palette offers Clear once the key is stored; running it removes the key and the entry.
    await current().runCommand('Personas: Clear Anthropic API Key', 30_000);
    await page.locator(SELECTORS.toast, { hasText: 'Anthropic API key removed' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await paletteOffers('Personas: Clear Anthropic API Key'), false, 'the key is gone again');
  });

  /** Palette → Ask a Persona → the persona → the task → "No context". */
  async function askPersona(persona: string, task: string): Promise<void> {
    const { page } = current();
    await current().runCommand('Personas: Ask a Persona…', 60_000);
    await title('Ask a Persona').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill(persona);
    await page.locator(SELECTORS.quickInputRow, { hasText: persona }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    await title(`Ask ${persona}`).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill(task);
    await page.keyboard.press('Enter');
    await title('What should the persona look at?').waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill('No context');
    await page.keyboard.press('Enter');
  }

  /** The row of the job on `task` (its accessible label is "persona: task, state"). */
  const jobRow = (task: string, state = ''): ReturnType<UiSession['page']['locator']> =>
    current().page.locator(`${SELECTORS.treeRow}[aria-label*=": ${task}"]${state ? `[aria-label*="${state}"]` : ''}`).first();

  async function cancelFromTree(task: string): Promise<void> {
    await jobRow(task).hover();
    await jobRow(task).locator('.action-label[aria-label^="Cancel Job"]').click();
    await jobRow(task, 'cancelled').waitFor({ state: 'visible', timeout: 30_000 });
  }

  it('shows a job row task first at the default side-bar width; a retried job shows its progress again', async () => {
    const { page } = current();
    const task = 'Retry shows progress';
    await askPersona('engineer', `${task} [[demo:crawl]]`);
    // Focus the view by its command: a click on the container icon would close an open side bar.
    await current().runCommand('Personas: Focus on Persona Jobs View', 30_000);
    await jobRow(task, 'generating').waitFor({ state: 'visible', timeout: 60_000 });
    // What the row shows at the default width: the task (no demo marker), then who and how far.
    assert.equal((await jobRow(task).locator('.label-name').innerText()).trim(), task);
    assert.match(await jobRow(task).locator('.label-description').innerText(), /^engineer · generating \d+%/);
    await current().screenshot('tree-default-width');

    const toast = page.locator(SELECTORS.toast, { hasText: `engineer: ${task}` }).first();
    await toast.waitFor({ state: 'visible', timeout: 15_000 });
    await cancelFromTree(task);
    // The first run's notification ends with it; the retry's must be a new one.
    await toast.waitFor({ state: 'hidden', timeout: 30_000 });
    await jobRow(task).hover();
    await jobRow(task).locator('.action-label[aria-label^="Retry Job"]').click();
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    await current().screenshot('retry-progress');
    await cancelFromTree(task);
  });

  it('opens a retried job\'s result when it completes, as for a new job', async () => {
    const { page } = current();
    const task = 'Retry opens its result';
    // The qa persona: no other job of this session opens a qa-… result tab.
    await askPersona('qa', `${task} [[demo:slow]]`);
    await jobRow(task, 'generating').waitFor({ state: 'visible', timeout: 60_000 });
    await cancelFromTree(task);
    const resultTab = page.locator('.tabs-container .tab', { hasText: /Preview qa-/ });
    assert.equal(await resultTab.count(), 0, 'a cancelled job opens nothing');
    await jobRow(task).hover();
    await jobRow(task).locator('.action-label[aria-label^="Retry Job"]').click();
    await jobRow(task, 'completed').waitFor({ state: 'visible', timeout: 60_000 });
    await resultTab.first().waitFor({ state: 'visible', timeout: 30_000 });
    await resultPreview(page, 'qa', 'review');
    await current().screenshot('retry-result');
  });
});
