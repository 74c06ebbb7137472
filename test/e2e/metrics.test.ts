// The Metrics view in Chromium on the real workbench: after three demo-model jobs (asked by an
// outside agent over MCP), Personas: Show Metrics draws the charts; the keyboard reaches a
// chart's data table (Tab to its summary, Enter opens it) and the table has the three personas;
// the charts take the theme's colours and follow a switch from light to dark.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Frame } from 'playwright-core';
import { SELECTORS, useUiSession } from '../harness/uiSession';
import { waitFor } from '../harness/waitFor';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const PERSONAS = ['architect', 'security', 'qa'];

/** Runs a probe in the page (source text: the project compiles without the DOM library). */
async function probe<T>(frame: Frame, source: string): Promise<T> {
  return frame.evaluate<T>(source);
}

describe('the Metrics view in the workbench', function () {
  this.timeout(240_000);
  const current = useUiSession({ name: 'metrics', shareAs: 'demo-light', settings: { 'agentOsPersonas.model.provider': 'demo', 'workbench.colorTheme': 'Default Light Modern' } });
  let client: Client | undefined;

  after(async () => {
    await client?.close();
  });

  /** The Metrics webview's own document (two iframes down), as a Frame to evaluate in. */
  const metricsFrame = async (): Promise<Frame> =>
    waitFor(async () => {
      for (const frame of current().page.frames()) {
        if (frame.parentFrame() && (await frame.locator('#charts').count().catch(() => 0)) > 0) return frame;
      }
      return undefined;
    }, { timeoutMs: 30_000, message: 'no webview frame holds the Metrics page' });

  async function ask(persona: string): Promise<void> {
    const folder = current().workspaceFolder ?? '';
    if (!client) {
      await waitFor(() => existsSync(join(folder, '.agent-os', 'mcp-endpoint.json')), { timeoutMs: 60_000, message: 'the extension never published its MCP endpoint' });
      const transport = new StdioClientTransport({ command: process.execPath, args: [join(REPO_ROOT, 'dist', 'cli.js'), 'mcp'], cwd: folder, stderr: 'pipe', env: { ...process.env, AGENT_OS_PROVIDER: 'demo' } });
      const connecting = new Client({ name: 'ui-test-agent', version: '1' });
      await connecting.connect(transport);
      client = connecting;
    }
    const result = (await client.callTool({ name: 'invoke_persona', arguments: { persona, task: `Review the order module (${persona})`, wait_seconds: 45 } })) as CallToolResult;
    const text = (result.content[0] as { text: string }).text;
    assert.ok(!result.isError, text);
    assert.match(text, /"status": ?"completed"/, text.slice(0, 300));
  }

  /** The legend colour Chart.js drew the runs chart with: the theme's foreground when it was configured. */
  const legendColor = (frame: Frame): Promise<string | null> =>
    probe<string | null>(frame, `(() => { const c = window.Chart && window.Chart.getChart(document.getElementById('canvas-invocations')); return c ? String(c.options.plugins.legend.labels.color) : null; })()`);

  it('after three jobs the charts render; Tab reaches a data table, Enter opens it, and it lists the three personas', async () => {
    const { page } = current();
    for (const persona of PERSONAS) await ask(persona);

    await current().runCommand('Personas: Show Metrics', 60_000);
    const frame = await metricsFrame();
    await frame.locator('#canvas-invocations').waitFor({ state: 'visible', timeout: 30_000 });
    // Drawn, not just placed: the canvas has painted pixels, and Chart.js holds the three personas.
    const drawn = await probe<{ painted: number; width: number; datasets: string[] }>(
      frame,
      `(() => {
        const canvas = document.getElementById('canvas-invocations');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        const chart = window.Chart.getChart(canvas);
        return { painted, width: canvas.width, datasets: chart ? chart.data.datasets.map((d) => d.label) : [] };
      })()`,
    );
    assert.ok(drawn.width > 100 && drawn.painted > 1000, JSON.stringify({ painted: drawn.painted, width: drawn.width }));
    for (const persona of PERSONAS) assert.ok(drawn.datasets.includes(persona), `${persona} is a series of the runs chart: ${drawn.datasets.join(', ')}`);
    for (const id of ['duration', 'tokens']) assert.ok(await frame.locator(`#canvas-${id}`).isVisible(), `the ${id} chart is drawn`);
    // The canvas is an image with a summary for a screen reader.
    assert.match((await frame.locator('#canvas-invocations').getAttribute('aria-label')) ?? '', /Runs per persona per day: \d+ runs by \d+ personas/);
    await current().screenshot('light');

    // Keyboard only: into the page, then Tab past the range and persona pickers to the first chart's table.
    await frame.locator('h1').click();
    const focused = (): Promise<string> =>
      probe<string>(frame, `(() => { const el = document.activeElement; if (!el || el === document.body) return 'body'; return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.tagName === 'SUMMARY' ? ':' + el.closest('section').querySelector('h2').textContent : ''); })()`);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      const now = await focused();
      order.push(now);
      if (now.startsWith('summary')) break;
    }
    assert.deepEqual(order, ['select#range', 'select#persona', 'summary:Runs per persona per day']);
    assert.notEqual(await probe<string>(frame, 'getComputedStyle(document.activeElement).outlineStyle'), 'none', 'the focused summary shows a focus ring');
    await page.keyboard.press('Enter');
    const table = frame.locator('section.chart-invocations details[open] table');
    await table.waitFor({ state: 'visible', timeout: 10_000 });
    const personasInTable = await probe<string[]>(frame, `Array.from(document.querySelectorAll('section.chart-invocations tbody tr')).map((r) => r.cells[1] ? r.cells[1].textContent : '')`);
    for (const persona of PERSONAS) assert.ok(personasInTable.includes(persona), `${persona} has a row: ${personasInTable.join(', ')}`);
    await table.scrollIntoViewIfNeeded();
    await current().screenshot('light-table');
  });

  it('follows a switch to the dark theme: the charts are drawn again in its colours', async () => {
    const frame = await metricsFrame();
    const light = await legendColor(frame);
    assert.ok(light, 'the runs chart is drawn');
    // A person's switch: Preferences: Color Theme, then the dark theme's row.
    const { page } = current();
    await current().runCommand('Preferences: Color Theme', 30_000);
    await page.locator(SELECTORS.quickInputBox).first().fill('Dark Modern');
    await page.locator(SELECTORS.quickInputRow, { hasText: 'Dark Modern' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 15_000 });
    const dark = await waitFor(async () => {
      const now = await legendColor(frame);
      return now && now !== light ? now : undefined;
    }, { timeoutMs: 30_000, message: `the chart kept its light-theme colour ${light}` });
    const foreground = await probe<string>(frame, `getComputedStyle(document.documentElement).getPropertyValue('--vscode-foreground').trim()`);
    assert.equal(dark.toLowerCase(), foreground.toLowerCase(), 'the legend is drawn in the dark theme\'s foreground');
    await frame.locator('h1').scrollIntoViewIfNeeded();
    await current().screenshot('dark');
  });
});
