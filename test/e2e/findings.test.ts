// A person's path to silence a finding, in Chromium on the real workbench: a security review of
// the open payments module puts a squiggle on the planted key and a row in the Problems panel;
// the lightbulb (Ctrl+. on the line) offers Dismiss…; a reason and a few words later the
// problem is gone.
import * as assert from 'node:assert/strict';
import { SELECTORS, useUiSession } from '../harness/uiSession';

describe('Findings in the Problems panel of the workbench', function () {
  this.timeout(120_000);
  const current = useUiSession({ name: 'findings', settings: { 'agentOsPersonas.model.provider': 'demo', 'agentOsPersonas.results.openOnCompletion': false } });

  it('shows a security review\'s finding as a squiggle and a problem; the lightbulb dismisses it with a reason', async () => {
    const { page } = current();
    const input = page.locator(SELECTORS.quickInputBox).first();
    const title = (text: string) => page.locator('.quick-input-widget .quick-input-title', { hasText: text }).first();

    await current().runCommand('Go to File', 30_000);
    await input.fill('payments.ts');
    await page.locator(SELECTORS.quickInputRow, { hasText: 'payments.ts' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'payments.ts' }).first().waitFor({ state: 'visible', timeout: 30_000 });

    await current().runCommand('Personas: Ask a Persona…', 60_000);
    await title('Ask a Persona').waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill('security');
    await page.locator(SELECTORS.quickInputRow, { hasText: 'security' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await title('Ask security').waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('Is the payment call safe to ship?');
    await page.keyboard.press('Enter');
    // The open file is offered first.
    await title('What should the persona look at?').waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');

    // The review's critical finding: a red squiggle in the editor, a row in the Problems panel.
    await page.locator('.editor-instance .squiggly-error').first().waitFor({ state: 'visible', timeout: 60_000 });
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'Hard-coded credential' }).first();
    await problem.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await problem.innerText()).replace(/\u00a0/g, ' '), /\[CRITICAL\] Hard-coded credential[\s\S]*Personas: security/);
    await current().screenshot('squiggle');

    // To the line, then the lightbulb's menu from the keyboard.
    await problem.click();
    await page.keyboard.press('Enter');
    await page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Control+.');
    const dismiss = page.locator('.action-widget .monaco-list-row', { hasText: 'Dismiss "Hard-coded credential"…' }).first();
    await dismiss.waitFor({ state: 'visible', timeout: 15_000 });
    assert.ok(await page.locator('.action-widget .monaco-list-row', { hasText: 'Ask security to explain "Hard-coded credential"' }).first().isVisible());
    assert.ok(await page.locator('.action-widget .monaco-list-row', { hasText: 'Propose a standard from "Hard-coded credential"' }).first().isVisible());
    await current().screenshot('lightbulb');
    await dismiss.click();

    await title('Dismiss "Hard-coded credential" (1/2)').waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('False positive');
    await page.locator(`${SELECTORS.quickInputRow}.focused`, { hasText: 'False positive' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    await title('Dismiss "Hard-coded credential" (2/2)').waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('The sample workspace\'s key is a documented fake');
    await page.keyboard.press('Enter');

    await problem.waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await page.locator('.markers-panel .monaco-list-row', { hasText: 'Hard-coded credential' }).count(), 0);
    assert.ok(await page.locator('.markers-panel .monaco-list-row', { hasText: 'Plain-HTTP endpoint' }).first().isVisible(), 'the other finding stays');
    await current().screenshot('dismissed');
  });
});
