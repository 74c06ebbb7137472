// The vscode-lm provider in the real extension host: VS Code's Language Model API, served by a
// test-only chat model provider (test/fixtures/lm-provider-extension, installed beside this
// extension by the harness) that answers through the demo model.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PersonasApi } from '../../src/ui/personasExtension';
import { deferred, withTimeout } from '../harness/waitFor';
import { waitForJob, waitForPhase } from './jobWaits';

const EXTENSION_ID = 'agent-os.agent-os-personas';
const FIXTURE_ID = 'agent-os-test.lm-provider-fixture';

interface ProviderRequest {
  requestNo: number;
  model: string;
  body: { messages: { role: string; content: { type: string; text?: string; tool_use_id?: string; content?: string }[] }[]; tools?: { name: string }[] };
}

/** What the fixture provider exports: the requests it answered and the cancellations it saw. */
interface ProviderLog {
  requests: ProviderRequest[];
  cancellations: { requestNo: number; at: number }[];
  on(event: 'cancelled', listener: (c: { requestNo: number }) => void): unknown;
  off(event: 'cancelled', listener: (c: { requestNo: number }) => void): unknown;
}

async function services(): Promise<NonNullable<PersonasApi['services']>> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  const api = extension.isActive ? extension.exports : await extension.activate();
  const s = await api.ready;
  assert.ok(s, 'services start when a folder is open');
  return s;
}

async function provider(): Promise<ProviderLog> {
  const extension = vscode.extensions.getExtension<{ log: ProviderLog }>(FIXTURE_ID);
  assert.ok(extension, `${FIXTURE_ID} (the test chat model provider) is installed`);
  return (extension.isActive ? extension.exports : await extension.activate()).log;
}

async function ask(args: { persona: string; task: string; context?: string }): Promise<string> {
  const id = await vscode.commands.executeCommand<string | undefined>('agentOsPersonas.askPersona', { context: '', ...args, interactive: false });
  assert.ok(typeof id === 'string', 'the ask command returns the new job id');
  return id;
}

const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('agentOsPersonas');
const useSelector = (selector: string): Thenable<void> => settings().update('model.vscodeLmSelector', selector, vscode.ConfigurationTarget.Workspace);

describe('vscode-lm: persona jobs on a chat model of VS Code\'s Language Model API', function () {
  this.timeout(60_000);

  before(async () => {
    await settings().update('model.provider', 'vscode-lm', vscode.ConfigurationTarget.Workspace);
  });
  beforeEach(async () => {
    await useSelector('agent-os-test/demo');
  });
  after(async () => {
    await settings().update('model.vscodeLmSelector', undefined, vscode.ConfigurationTarget.Workspace);
    await settings().update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
  });

  it('finds the test provider\'s models through vscode.lm (registerLanguageModelChatProvider is there)', async () => {
    assert.equal(typeof vscode.lm.registerLanguageModelChatProvider, 'function');
    const models = await vscode.lm.selectChatModels({ vendor: 'agent-os-test' });
    assert.deepEqual(models.map((m) => m.name).sort(), ['Consent Reviewer', 'Test Reviewer']);
    const s = await services();
    assert.deepEqual(await s.models.describe(), { kind: 'vscode-lm', label: 'Test Reviewer (VS Code)', keyMissing: true });
  });

  it('runs a persona job to a completed review that came through the provider', async () => {
    const s = await services();
    const log = await provider();
    const before = log.requests.length;
    const id = await ask({ persona: 'architect', task: 'Review the order module', context: 'File: src/orders.ts (file, lines 1-1)\n1| const repo = new OrderRepository();' });
    const job = await waitForJob(s, id, ['completed', 'failed', 'cancelled']);
    assert.equal(job.status, 'completed', `${job.error?.code}: ${job.error?.message}`);
    assert.equal(job.modelLabel, 'Test Reviewer (VS Code)');
    assert.match(job.result ?? '', /# Architect review/);
    assert.match(job.result ?? '', /src\/orders\.ts:1/);
    assert.match(job.result ?? '', /_Model: Test Reviewer \(VS Code\)\._/);
    const mine = log.requests.slice(before);
    assert.ok(mine.length >= 1, 'the provider answered the job');
    assert.equal(mine[0]?.model, 'test-reviewer');
    // No system role in vscode.lm: the system prompt is the first part of the first user message.
    const first = mine[0]?.body.messages[0];
    assert.equal(first?.role, 'user');
    assert.match(first?.content[0]?.text ?? '', /^Persona: architect\n/);
    assert.match(first?.content[1]?.text ?? '', /^Review the order module/);
  });

  it('runs tool calls through vscode.lm both ways: tool-call parts out, tool-result parts back', async () => {
    const s = await services();
    const log = await provider();
    const before = log.requests.length;
    const id = await ask({ persona: 'security', task: 'Review the payment code in `src/payments.ts` [[demo:tools]]' });
    const job = await waitForJob(s, id, ['completed', 'failed', 'cancelled']);
    assert.equal(job.status, 'completed', `${job.error?.code}: ${job.error?.message}`);
    assert.ok(job.toolCalls >= 3, `${job.toolCalls} tool calls`);
    assert.match(job.result ?? '', /src\/payments\.ts:4/, 'the review cites the file the model read through read_file');
    const mine = log.requests.slice(before);
    assert.ok(mine.length >= 3, `${mine.length} model turns`);
    assert.ok(mine[0]?.body.tools?.some((t) => t.name === 'read_file'), 'the tools were offered');
    const results = mine.at(-1)?.body.messages.flatMap((m) => m.content.filter((c) => c.type === 'tool_result')) ?? [];
    assert.ok(results.some((r) => (r.content ?? '').includes('sk_live_51HxDemoNotARealKey')), 'the read_file result reached the model');
  });

  it('cancel of a running job reaches the provider\'s CancellationToken', async () => {
    const s = await services();
    const log = await provider();
    const cancelledRequest = deferred<number>();
    const listener = (c: { requestNo: number }): void => cancelledRequest.resolve(c.requestNo);
    log.on('cancelled', listener);
    try {
      const id = await ask({ persona: 'engineer', task: 'Review slowly [[demo:slow]]', context: 'File: a.ts (file, lines 1-1)\n1| const x: any = 1;' });
      await waitForPhase(s, id, 'generating');
      const requestNo = log.requests.length;
      const status = await vscode.commands.executeCommand<string>('agentOsPersonas.cancelJob', id);
      assert.equal(status, 'cancelled');
      assert.equal(await withTimeout(cancelledRequest.promise, 5_000, 'the provider never saw its token cancelled'), requestNo);
      const job = await waitForJob(s, id, ['cancelled', 'completed', 'failed']);
      assert.equal(job.status, 'cancelled');
      assert.equal(job.result, null);
    } finally {
      log.off('cancelled', listener);
    }
  });

  it('a model that needs the user\'s consent fails with MODEL_NO_PERMISSION and says to allow it', async () => {
    // The test VS Code (smoke-test driver) refuses every dialog, so VS Code's consent prompt
    // for this model ends as LanguageModelError.NoPermissions, as a "not allowed" answer does.
    await useSelector('agent-os-test/consent');
    const s = await services();
    const id = await ask({ persona: 'engineer', task: 'Review', context: 'File: a.ts (file, lines 1-1)\n1| const x = 1;' });
    const job = await waitForJob(s, id, ['completed', 'failed', 'cancelled']);
    assert.equal(job.status, 'failed');
    assert.equal(job.modelLabel, 'Consent Reviewer (VS Code)');
    assert.equal(job.error?.code, 'MODEL_NO_PERMISSION', job.error?.message);
    assert.match(job.error?.hint ?? '', /Allow Agent OS Personas to use the model when VS Code asks/);
  });

  it('maps the provider\'s Blocked error and a selector that matches nothing to codes with hints', async () => {
    const s = await services();
    const blocked = await waitForJob(s, await ask({ persona: 'engineer', task: 'Over quota [[lm:blocked]]' }), ['completed', 'failed', 'cancelled']);
    assert.equal(blocked.status, 'failed');
    assert.equal(blocked.error?.code, 'MODEL_BLOCKED', blocked.error?.message);
    assert.match(blocked.error?.message ?? '', /Test Reviewer/);
    assert.match(blocked.error?.hint ?? '', /vscodeLmSelector/);

    await useSelector('nobody/none');
    const none = await waitForJob(s, await ask({ persona: 'engineer', task: 'Review' }), ['completed', 'failed', 'cancelled']);
    assert.equal(none.status, 'failed');
    assert.equal(none.error?.code, 'NO_CHAT_MODEL');
    assert.match(none.error?.hint ?? '', /Install and sign in to a chat model provider/);
  });
});
