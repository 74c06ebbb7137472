// A person runs a phase-gated workflow, in Chromium on the real workbench: Start Workflow from
// the Command Palette (workflow, target, focus), the workflow job in Persona Jobs, expanded to
// its phases as the demo model drives the session through their gates, an accepted phase's
// evidence opened by a click, and the session in Show Workflow Sessions.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { freshWorkspaceCopy } from '../harness/codeServer';
import { SELECTORS, startUiSession, type UiSession } from '../harness/uiSession';

const JOB_ROW = `${SELECTORS.treeRow}[aria-label*="workflow-executor: Pre-merge review on changes"]`;
const PHASE_TITLES = ['Scope the change', 'Correctness and error handling', 'Tests and contracts', 'Verdict'];

/** A phase row of the expanded workflow job, by its label ("Phase 0: Scope the change"). */
function phaseRow(page: Page, index: number, state?: string): Locator {
  return page.locator(`${SELECTORS.treeRow}[aria-label^="Phase ${index}: ${PHASE_TITLES[index]!}, ${state ?? ''}"]`).first();
}

/** Drags the side bar's edge to the right, so the phase rows' descriptions fit in the screenshots. */
async function widenSideBar(page: Page, by: number): Promise<void> {
  const box = await page.locator('.part.sidebar').first().boundingBox();
  if (!box) throw new Error('the side bar is not shown');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width + 1 + by, y, { steps: 8 });
  await page.mouse.up();
}

describe('Start Workflow in the workbench', function () {
  this.timeout(240_000);
  let session: UiSession | undefined;
  let folder = '';

  before(async () => {
    // A repository with one uncommitted change: the pre-merge review runs on the git changes.
    folder = freshWorkspaceCopy('e2e-workflows-workspace');
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: folder, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    git('init', '-q');
    writeFileSync(join(folder, '.gitignore'), '.agent-os/\n.vscode/\n');
    git('add', '.');
    git('commit', '-qm', 'base');
    const orders = join(folder, 'src', 'orders.ts');
    const lines = readFileSync(orders, 'utf8').split('\n');
    lines.splice(2, 0, 'const discount = total * 2; // applied twice');
    writeFileSync(orders, lines.join('\n'));
    // Reduced motion: the quick pick is screenshotted as it opens, without its fade-in.
    session = await startUiSession({ name: 'workflows', workspaceFolder: folder, settings: { 'agentOsPersonas.model.provider': 'demo', 'workbench.reduceMotion': 'on' } });
  });
  after(async () => {
    await session?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.screenshot(`failure-${this.currentTest.title}`);
  });

  const current = (): UiSession => {
    if (!session) throw new Error('the UI session did not start');
    return session;
  };

  it('starts the pre-merge review on the git changes from the palette; the job expands to phases the demo model drives to accepted; a click opens the evidence; Show Workflow Sessions opens and reveals it', async () => {
    const { page } = current();
    await current().runCommand('Personas: Start Workflow…', 60_000);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Start Workflow' }).waitFor({ state: 'visible', timeout: 30_000 });
    const review = page.locator(SELECTORS.quickInputRow, { hasText: 'Pre-merge review' }).first();
    await review.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await review.innerText(), /pre-merge-review · on git changes · 4 phases/);
    await current().screenshot('workflow-picker');
    await page.locator(SELECTORS.quickInputBox).first().fill('Pre-merge');
    await page.keyboard.press('Enter');

    // The target: a changes-only workflow offers the git changes.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Pre-merge review: what should it run on?' }).waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await page.locator(SELECTORS.quickInputRow).first().innerText(), /Git changes/);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Pre-merge review on changes' }).waitFor({ state: 'visible', timeout: 15_000 });
    // [[demo:slow]] paces the demo model's turns, so the phases can be watched as they advance.
    await page.locator(SELECTORS.quickInputBox).first().fill('the discount applied twice [[demo:slow]]');
    await page.keyboard.press('Enter');

    await current().runCommand('Personas: Focus on Persona Jobs View', 30_000);
    await widenSideBar(page, 260);
    const jobRow = page.locator(JOB_ROW).first();
    await jobRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await jobRow.getAttribute('aria-expanded'), 'false', 'a workflow job is expandable');
    await jobRow.locator('.monaco-tl-twistie').click();
    for (let i = 0; i < 4; i++) await phaseRow(page, i).waitFor({ state: 'visible', timeout: 15_000 });

    // The demo model drives the session: each phase turns accepted as its gate takes the evidence.
    await phaseRow(page, 1, 'accepted').waitFor({ state: 'visible', timeout: 90_000 });
    await current().screenshot('phases-mid-way');
    await page.locator(`${JOB_ROW}[aria-label*="4 of 4 phases accepted"]`).first().waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator(`${JOB_ROW}[aria-label*="completed"]`).first().waitFor({ state: 'visible', timeout: 60_000 });
    // The completed job's report opens by itself (this person started it). Wait for it: opening
    // later, it would close the Workflow Sessions picker below (seen on a busy machine).
    await page.locator('.tabs-container .tab', { hasText: /Preview workflow-executor-/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    for (let i = 0; i < 4; i++) await phaseRow(page, i, 'accepted').waitFor({ state: 'visible', timeout: 15_000 });
    // The demo submits prose to the first gate before its evidence: the row counts the refusal.
    assert.match((await phaseRow(page, 0).getAttribute('aria-label')) ?? '', /accepted · 2 attempts, 1 refused/);
    await current().screenshot('phases-completed');

    await phaseRow(page, 0, 'accepted').click();
    await page.locator('.tabs-container .tab', { hasText: 'Phase 0 — Scope the change (evidence)' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const evidence = page.locator('.editor-instance .view-lines', { hasText: 'changed_files' }).first();
    await evidence.waitFor({ state: 'visible', timeout: 15_000 });
    const shown = (await evidence.innerText()).replace(/\u00a0/g, ' ');
    assert.match(shown, /"status": "accepted"/);
    assert.match(shown, /"refusals": 1/);
    assert.match(shown, /"changed_files": \[\s*"[^"]+"/);
    await current().screenshot('phase-evidence');

    // Show Workflow Sessions lists it; picking it opens its state (get_workflow_state's JSON).
    await current().runCommand('Personas: Show Workflow Sessions', 30_000);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Workflow Sessions' }).waitFor({ state: 'visible', timeout: 15_000 });
    const sessionRow = page.locator(SELECTORS.quickInputRow, { hasText: 'Pre-merge review' }).first();
    await sessionRow.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await sessionRow.innerText(), /changes · completed · 4 of 4 phases accepted/);
    await current().screenshot('sessions-picker');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: /^Pre-merge review — session [0-9a-f]{8} \(state\)/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.editor-instance .view-lines', { hasText: '"status": "completed"' }).first().waitFor({ state: 'visible', timeout: 15_000 });

    // A session with a job offers to reveal it: the button on its row selects the job in the tree.
    await current().runCommand('Personas: Show Workflow Sessions', 30_000);
    const again = page.locator(SELECTORS.quickInputRow, { hasText: 'Pre-merge review' }).first();
    await again.waitFor({ state: 'visible', timeout: 15_000 });
    await again.hover();
    await again.locator('.action-label[aria-label="Reveal its job in Persona Jobs"]').click();
    await page.locator(`${JOB_ROW}[aria-selected="true"]`).first().waitFor({ state: 'visible', timeout: 15_000 });
  });
});
