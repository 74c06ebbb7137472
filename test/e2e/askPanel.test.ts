// A person's path to a panel, clicked in Chromium on the real workbench: open a file, ask the
// panel from the Command Palette, expand the panel in the Persona Jobs tree to see its three
// personas, watch it complete into one merged report; then cancel a second panel from the tree.
import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { resultPreview } from '../harness/resultPreview';
import { SELECTORS, useUiSession } from '../harness/uiSession';

const PERSONAS = ['architect', 'engineer', 'security'];

describe('Ask the Panel in the workbench', function () {
  this.timeout(180_000);
  const current = useUiSession({ name: 'panel', shareAs: 'demo-sample', settings: { 'agentOsPersonas.model.provider': 'demo' } });
  /** A tree row whose accessible label contains every part. */
  const row = (...parts: string[]): Locator => current().page.locator(`${SELECTORS.treeRow}${parts.map((p) => `[aria-label*="${p}"]`).join('')}`).first();

  /** Palette → the three core personas come pre-selected → Enter → the task → Enter. */
  async function askPanel(task: string, context?: string): Promise<void> {
    const { page } = current();
    await current().runCommand('Personas: Ask the Panel…', 60_000);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Ask the Panel' }).waitFor({ state: 'visible', timeout: 30_000 });
    for (const persona of PERSONAS) {
      // Thirteen personas: filter to bring the row on screen; its label must be exactly the id
      // (other personas mention "engineer" in their descriptions).
      await page.locator(SELECTORS.quickInputBox).first().fill(persona);
      const option = page.locator(SELECTORS.quickInputRow).filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${persona}$`) }) }).first();
      await option.waitFor({ state: 'visible', timeout: 15_000 });
      // The row or its checkbox carries the state, depending on the workbench version.
      const checked = (await option.getAttribute('aria-checked')) === 'true' || (await option.locator('input[type="checkbox"]:checked, [role="checkbox"][aria-checked="true"], .monaco-custom-toggle.checked').count()) > 0;
      assert.equal(checked, true, `${persona} is pre-selected`);
    }
    await page.locator(SELECTORS.quickInputBox).first().fill('');
    await current().screenshot('pick-personas');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Ask the Panel: architect, engineer, security' }).waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator(SELECTORS.quickInputBox).first().fill(task);
    await page.keyboard.press('Enter');
    // What goes along (the picker speaks of the panel): the first offer (the active file when one is open) is taken with Enter.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'What should the panel look at?' }).waitFor({ state: 'visible', timeout: 15_000 });
    if (context) await page.locator(SELECTORS.quickInputBox).first().fill(context);
    await page.keyboard.press('Enter');
  }

  /** Expands a collapsed tree row by its twistie (a click on the label would open the result). */
  async function expand(label: string): Promise<void> {
    const parent = row(label);
    if ((await parent.getAttribute('aria-expanded')) !== 'true') await parent.locator('.monaco-tl-twistie').click();
    await current().page.locator(`${SELECTORS.treeRow}[aria-expanded="true"][aria-label*="${label}"]`).first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  it('runs a panel of three on the open file: the parent expands to its three personas and completes with one report', async () => {
    const { page } = current();
    // The panel reviews the active file, as Ask a Persona does.
    await current().runCommand('Go to File', 30_000);
    await page.locator(SELECTORS.quickInputBox).first().fill('payments.ts');
    await page.locator(SELECTORS.quickInputRow, { hasText: 'payments.ts' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'payments.ts' }).first().waitFor({ state: 'visible', timeout: 30_000 });

    await askPanel('Review payments before merge [[demo:slow]]');
    await page.locator(SELECTORS.activityIcon('Personas')).first().click();
    const parent = row('panel: Review payments before merge');
    await parent.waitFor({ state: 'visible', timeout: 30_000 });
    // A running panel opens on its personas by itself, as the README says.
    await page.locator(`${SELECTORS.treeRow}[aria-expanded="true"][aria-label*="panel: Review payments before merge"]`).first().waitFor({ state: 'visible', timeout: 15_000 });
    // At the default side-bar width the row reads task first, without the demo marker.
    assert.equal((await parent.locator('.label-name').innerText()).trim(), 'Review payments before merge');
    assert.match(await parent.locator('.label-description').innerText(), /^panel · running/);
    const children = PERSONAS.map((p) => row(`${p}: Review payments before merge`));
    for (const child of children) await child.waitFor({ state: 'visible', timeout: 30_000 });
    for (const child of children) assert.equal(await child.getAttribute('aria-level'), '2', 'each persona sits under the panel');
    assert.equal(await page.locator(`${SELECTORS.treeRow}[aria-level="1"][aria-label*="Review payments before merge"]`).count(), 1, 'the children are not repeated at the top level');
    await row('panel: Review payments before merge', 'personas done').waitFor({ state: 'visible', timeout: 30_000 });
    for (const p of PERSONAS) assert.equal((await row(`${p}: Review payments before merge`).locator('.label-name').innerText()).trim(), p);
    await current().screenshot('panel-running');

    await row('panel: Review payments before merge', 'completed').waitFor({ state: 'visible', timeout: 90_000 });
    for (const p of PERSONAS) await row(`${p}: Review payments before merge`, 'completed').waitFor({ state: 'visible', timeout: 15_000 });
    await current().screenshot('panel-completed');
    // The merged report opens on completion.
    const preview = await resultPreview(page, 'panel', 'Panel review');
    const text = await preview.locator('.markdown-body').innerText();
    assert.match(text, /Panel review: architect, engineer, security/);
    assert.match(text, /Hard-coded credential — security/);
    await current().screenshot('panel-report');
  });

  it('cancels a second panel from the tree: the parent and its three personas show cancelled', async () => {
    const { page } = current();
    // The merged report has the focus now: a job's result is not a file to review, so "Active file" is not offered.
    await askPanel('Crawling panel to cancel [[demo:crawl]]', 'No context');
    const parent = row('panel: Crawling panel to cancel');
    await parent.waitFor({ state: 'visible', timeout: 30_000 });
    await expand('panel: Crawling panel to cancel');
    for (const p of PERSONAS) await row(`${p}: Crawling panel to cancel`, 'generating').waitFor({ state: 'visible', timeout: 60_000 });
    await parent.hover();
    await parent.locator('.action-label[aria-label^="Cancel Job"]').click();
    await row('panel: Crawling panel to cancel', 'cancelled').waitFor({ state: 'visible', timeout: 30_000 });
    for (const p of PERSONAS) await row(`${p}: Crawling panel to cancel`, 'cancelled').waitFor({ state: 'visible', timeout: 30_000 });
    await current().screenshot('panel-cancelled');
    const labels = await Promise.all((await page.locator(SELECTORS.treeRow).all()).map(async (r) => (await r.getAttribute('aria-label')) ?? ''));
    assert.equal(labels.filter((l) => l.includes('Crawling panel to cancel') && l.includes('cancelled')).length, 4, labels.join('\n'));
    // Retry on the cancelled panel runs its three personas again; then it is cancelled again.
    await parent.hover();
    await parent.locator('.action-label[aria-label^="Retry Job"]').click();
    await row('panel: Crawling panel to cancel', 'running').waitFor({ state: 'visible', timeout: 30_000 });
    for (const p of PERSONAS) await row(`${p}: Crawling panel to cancel`, 'generating').waitFor({ state: 'visible', timeout: 60_000 });
    await current().screenshot('panel-retried');
    await parent.hover();
    await parent.locator('.action-label[aria-label^="Cancel Job"]').click();
    await row('panel: Crawling panel to cancel', 'cancelled').waitFor({ state: 'visible', timeout: 30_000 });
  });
});
