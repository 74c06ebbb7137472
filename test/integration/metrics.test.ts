// The Metrics view inside the real extension host: Show Metrics opens it on the store's report
// (the three demo jobs run here are counted, by persona), its range picker and persona filter
// go through the host's message path, it refreshes when a job ends while it is open, and a
// job's tooltip and result document say what the job used and that the demo model is free.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MetricsHostMessage } from '../../src/ui/metricsMessages';
import type { MetricsViewModel } from '../../src/ui/metricsModel';
import type { PersonasApi } from '../../src/ui/personasExtension';
import { deferred, withTimeout } from '../harness/waitFor';
import { waitForJob } from './jobWaits';
import { openResultPreview } from './resultPreview';

const EXTENSION_ID = 'agent-os.agent-os-personas';

async function api(): Promise<PersonasApi> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  const personas = extension.isActive ? extension.exports : await extension.activate();
  await personas.ready;
  return personas;
}

/** Subscribe first, then act: the next report the view posts that satisfies `check`. */
function nextReport(personas: PersonasApi, check: (view: MetricsViewModel) => boolean, what: string): Promise<MetricsViewModel> {
  const done = deferred<MetricsViewModel>();
  const sub = personas.metrics.onDidPost((message: MetricsHostMessage) => {
    if (message.type === 'report' && check(message.view)) done.resolve(message.view);
  });
  return withTimeout(done.promise, 15_000, `the Metrics view never posted a report where ${what}`).finally(() => {
    sub.dispose();
  });
}

function runsOf(view: MetricsViewModel, persona: string): number {
  const row = view.charts.find((c) => c.id === 'tokens')?.table.rows.find((r) => r[0] === persona);
  return row ? Number(row[1]?.replace(/,/g, '')) : 0;
}

describe('the Metrics view in VS Code', function () {
  this.timeout(90_000);
  const ran: string[] = [];
  /** Runs each persona had before this file's jobs: earlier tests' jobs stay counted after a reset deletes their rows. */
  const earlierRuns: Record<string, number> = {};

  before(async () => {
    await vscode.workspace.getConfiguration('agentOsPersonas').update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
    const { services } = await api();
    assert.ok(services);
    for (const p of services.metrics.report({ range: '7d' }).personas) earlierRuns[p.persona] = p.invocations;
    for (const persona of ['architect', 'security', 'architect']) {
      const id = await vscode.commands.executeCommand<string>('agentOsPersonas.askPersona', { persona, task: `Metrics run for ${persona}`, interactive: false });
      const job = await waitForJob(services, id, ['completed', 'failed', 'cancelled']);
      assert.equal(job.status, 'completed', job.error?.message);
      ran.push(id);
    }
  });

  it('Show Metrics opens the view on the store\'s report: the three jobs counted by persona, the demo model never priced at $0', async () => {
    const personas = await api();
    const services = personas.services;
    assert.ok(services);
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('agentOsPersonas.showMetrics'));
    const posted = nextReport(personas, (v) => runsOf(v, 'architect') >= (earlierRuns['architect'] ?? 0) + 2, 'architect has two more runs');
    await vscode.commands.executeCommand('agentOsPersonas.showMetrics');
    assert.equal(personas.metrics.open, true);
    const view = await posted;
    // The report counts this file's runs on top of what earlier tests ran (whose rows a reset may have deleted: the counts outlive it).
    assert.equal(runsOf(view, 'architect'), (earlierRuns['architect'] ?? 0) + 2);
    assert.equal(runsOf(view, 'security'), (earlierRuns['security'] ?? 0) + 1);
    assert.ok(ran.every((id) => services.store.summary(id)?.status === 'completed'));
    assert.deepEqual(view.personas.filter((p) => p === 'architect' || p === 'security'), ['architect', 'security']);
    const tokens = view.charts.find((c) => c.id === 'tokens');
    // The demo model's runs are free or (before model ids were recorded) unknown: never shown as $0.
    assert.notEqual(tokens?.table.rows.find((r) => r[0] === 'architect')?.[7], '$0.00');
    assert.ok((tokens?.table.rows.find((r) => r[0] === 'architect')?.[2] ?? '0') !== '0', 'the demo model reports input tokens');
    assert.equal(view.empty, null);
    assert.match(view.charts.find((c) => c.id === 'invocations')?.summary ?? '', /runs by \d+ personas? over 7 days/);
  });

  it('the range picker and the persona filter go through the host; a malformed message is ignored', async () => {
    const personas = await api();
    const reply = await personas.metrics.receive({ type: 'query', range: 'all', persona: 'security' });
    assert.equal(reply?.type, 'report');
    const view = reply?.type === 'report' ? reply.view : undefined;
    assert.equal(view?.range, 'all');
    assert.equal(view?.persona, 'security');
    assert.ok(view?.personas.includes('architect'), 'the filter still offers every persona');
    assert.deepEqual(view?.charts.find((c) => c.id === 'tokens')?.labels, ['security']);
    assert.equal(await personas.metrics.receive({ type: 'query', range: '1y', persona: null }), undefined);
    assert.equal(await personas.metrics.receive({ type: 'query', range: '7d', persona: null, sql: 'x' }), undefined);
    await personas.metrics.receive({ type: 'query', range: '7d', persona: null });
  });

  it('refreshes by itself when a job ends while it is open', async () => {
    const personas = await api();
    const services = personas.services;
    assert.ok(services);
    const last = personas.metrics.lastPosted;
    const before = last?.type === 'report' ? runsOf(last.view, 'engineer') : 0;
    const refreshed = nextReport(personas, (v) => runsOf(v, 'engineer') === before + 1, `engineer has ${before + 1} runs`);
    const id = await vscode.commands.executeCommand<string>('agentOsPersonas.askPersona', { persona: 'engineer', task: 'One more run while the view is open', interactive: false });
    await waitForJob(services, id, ['completed']);
    await refreshed;
  });

  it('a job\'s tooltip and result footer say its duration, tokens and that the demo model is free', async () => {
    const personas = await api();
    const services = personas.services;
    assert.ok(services);
    const id = ran[0] ?? '';
    const job = services.store.requireSummary(id);
    const item = await personas.jobTree.getTreeItem(job);
    // The tooltip's text is appended as text: VS Code escapes its spaces and brackets for markdown.
    const tooltip = (item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip)).replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(tooltip, /Ran \d/);
    assert.match(tooltip, /Tokens: [\d,]+ in \/ [\d,]+ out/);
    assert.match(tooltip, /Demo model: free/);
    const text = await openResultPreview(id);
    assert.match(text, /\n---\n\n\*Ran [^\n]*Tokens: [\d,]+ in \/ [\d,]+ out[^\n]*Demo model: free\*\n$/);
  });
});
