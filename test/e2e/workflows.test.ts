// A person runs a phase-gated workflow, in Chromium on the real workbench: Start Workflow from
// the Command Palette (workflow, target, focus), the workflow job in Persona Jobs, expanded to
// its phases as they advance to accepted, and an accepted phase's evidence opened by a click.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Locator, Page } from 'playwright-core';
import { freshWorkspaceCopy } from '../harness/codeServer';
import { SELECTORS, startUiSession, type UiSession } from '../harness/uiSession';
import { waitFor } from '../harness/waitFor';

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

type Schema = Record<string, unknown>;

/** The smallest evidence a shipped gate accepts: one item per list, the first enum value, path:line locations in the changed file. */
function fill(schema: Schema): unknown {
  if (Array.isArray(schema['enum'])) return schema['enum'][0];
  switch (schema['type']) {
    case 'object': {
      const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
      return Object.fromEntries(((schema['required'] ?? []) as string[]).map((key) => [key, fill(properties[key] ?? {})]));
    }
    case 'array':
      return Array.from({ length: Math.min(Math.max(1, Number(schema['minItems'] ?? 0)), Number(schema['maxItems'] ?? Infinity)) }, () => fill((schema['items'] ?? {}) as Schema));
    case 'integer':
    case 'number':
      return Math.max(1, Number(schema['minimum'] ?? 1));
    case 'boolean':
      return false;
    case 'string': {
      const pattern = typeof schema['pattern'] === 'string' ? schema['pattern'] : '';
      if (pattern.includes(':\\d+')) return 'src/orders.ts:3';
      return pattern !== '' ? 'src/orders.ts' : 'the order total is summed twice';
    }
    default:
      return {};
  }
}

/** An agent on the extension's MCP endpoint (URL and token from .agent-os/mcp-endpoint.json). */
async function mcpClient(folder: string): Promise<Client> {
  const endpoint = await waitFor(() => JSON.parse(readFileSync(join(folder, '.agent-os', 'mcp-endpoint.json'), 'utf8')) as { url: string; token: string }, { timeoutMs: 30_000, message: 'the extension published no MCP endpoint' });
  const client = new Client({ name: 'e2e-workflow-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url), { requestInit: { headers: { Authorization: `Bearer ${endpoint.token}` } } }));
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.find((c) => c.type === 'text')?.text ?? '{}';
  assert.ok(!result.isError, `${name} failed: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('Start Workflow in the workbench', function () {
  this.timeout(240_000);
  let session: UiSession | undefined;
  let folder = '';
  let agent: Client | undefined;

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
    session = await startUiSession({ name: 'workflows', workspaceFolder: folder, settings: { 'agentOsPersonas.model.provider': 'demo' } });
  });
  after(async () => {
    await agent?.close();
    await session?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.screenshot(`failure-${this.currentTest.title}`);
  });

  const current = (): UiSession => {
    if (!session) throw new Error('the UI session did not start');
    return session;
  };

  it('starts the pre-merge review on the git changes from the palette; the job expands to phases that advance to accepted; a click opens the evidence', async () => {
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
    await page.locator(SELECTORS.quickInputBox).first().fill('the discount applied twice');
    await page.keyboard.press('Enter');

    await current().runCommand('Personas: Focus on Persona Jobs View', 30_000);
    await widenSideBar(page, 260);
    const jobRow = page.locator(JOB_ROW).first();
    await jobRow.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await jobRow.getAttribute('aria-expanded'), 'false', 'a workflow job is expandable');
    await jobRow.locator('.monaco-tl-twistie').click();
    await phaseRow(page, 0).waitFor({ state: 'visible', timeout: 15_000 });
    for (let i = 0; i < 4; i++) await phaseRow(page, i).waitFor({ state: 'visible', timeout: 15_000 });

    // Show Workflow Sessions lists it; picking it opens its state (get_workflow_state's JSON).
    await current().runCommand('Personas: Show Workflow Sessions', 30_000);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Workflow Sessions' }).waitFor({ state: 'visible', timeout: 15_000 });
    const sessionRow = page.locator(SELECTORS.quickInputRow, { hasText: 'Pre-merge review' }).first();
    await sessionRow.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await sessionRow.innerText(), /changes · active · phase \d of 4: /);
    await current().screenshot('sessions-picker');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: /^Pre-merge review — session [0-9a-f]{8} \(state\)/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const stateText = page.locator('.editor-instance .view-lines', { hasText: 'session_id' }).first();
    await stateText.waitFor({ state: 'visible', timeout: 15_000 });
    const sessionId = /"session_id": "([0-9a-f-]{36})"/.exec((await stateText.innerText()).replace(/\u00a0/g, ' '))?.[1];
    assert.ok(sessionId, 'the state names the session');

    // The phases advance as the session's gates accept evidence.
    agent = await mcpClient(folder);
    for (let i = 0; i < 4; i++) {
      const phase = (await call(agent, 'get_current_phase', { session_id: sessionId }))['current_phase'] as { phase: number; evidence_schema: Schema };
      await call(agent, 'complete_phase', { session_id: sessionId, phase: phase.phase, evidence: fill(phase.evidence_schema) });
      await phaseRow(page, i, 'accepted').waitFor({ state: 'visible', timeout: 15_000 });
      if (i === 1) {
        await phaseRow(page, 2, 'current').waitFor({ state: 'visible', timeout: 15_000 });
        await phaseRow(page, 3, 'pending').waitFor({ state: 'visible', timeout: 15_000 });
        await current().screenshot('phases-mid-way');
      }
    }
    await page.locator(`${JOB_ROW}[aria-label*="4 of 4 phases accepted"]`).first().waitFor({ state: 'visible', timeout: 15_000 });
    await current().screenshot('phases-completed');

    await phaseRow(page, 0, 'accepted').click();
    await page.locator('.tabs-container .tab', { hasText: 'Phase 0 — Scope the change (evidence)' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const evidence = page.locator('.editor-instance .view-lines', { hasText: 'changed_files' }).first();
    await evidence.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await evidence.innerText()).replace(/\u00a0/g, ' '), /"changed_files": \[\s*"src\/orders\.ts"/);
    await current().screenshot('phase-evidence');

    // A session with a job offers to reveal it: the button on its row selects the job in the tree.
    await current().runCommand('Personas: Show Workflow Sessions', 30_000);
    const doneRow = page.locator(SELECTORS.quickInputRow, { hasText: 'Pre-merge review' }).first();
    await doneRow.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await doneRow.innerText(), /changes · completed · 4 of 4 phases accepted/);
    await doneRow.hover();
    await doneRow.locator('.action-label[aria-label="Reveal its job in Persona Jobs"]').click();
    await page.locator(`${JOB_ROW}[aria-selected="true"]`).first().waitFor({ state: 'visible', timeout: 15_000 });
  });
});
