// The `@personas` chat participant inside the real extension host.
//
// First a real chat request, sent the way VS Code sends one (workbench.action.chat.open with the
// query and an attached file, answered by the registered participant): it proves the
// registration and that VS Code's own #file reference becomes the job's context. What the reply
// shows cannot be read back from the extension host, so the other tests call the participant's
// handler with VS Code's own objects (Uri, Location, a real CancellationTokenSource) and a
// recording response stream standing in for the Chat view's rendering only; test/e2e/chat.test.ts
// checks that rendering, clicks included, in the real Chat view.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JobSummary } from '../../src/jobs/types';
import type { PersonaServices } from '../../src/services';
import { chatHandler, REVEAL_JOB_COMMAND, type ChatReplyMetadata } from '../../src/ui/chatParticipant';
import type { PersonasApi } from '../../src/ui/personasExtension';
import { deferred, withTimeout } from '../harness/waitFor';
import { waitForJob } from './jobWaits';

const EXTENSION_ID = 'agent-os.agent-os-personas';

type Part =
  | { kind: 'markdown'; value: string }
  | { kind: 'progress'; value: string }
  | { kind: 'anchor'; value: vscode.Uri | vscode.Location; title: string | undefined }
  | { kind: 'button'; value: vscode.Command }
  | { kind: 'other' };

/** Records what the handler streams: the Chat view's rendering, and nothing of ours, replaced. */
class RecordingStream implements vscode.ChatResponseStream {
  readonly parts: Part[] = [];
  markdown(value: string | vscode.MarkdownString): void {
    this.parts.push({ kind: 'markdown', value: typeof value === 'string' ? value : value.value });
  }
  anchor(value: vscode.Uri | vscode.Location, title?: string): void {
    this.parts.push({ kind: 'anchor', value, title });
  }
  button(command: vscode.Command): void {
    this.parts.push({ kind: 'button', value: command });
  }
  filetree(): void {
    this.parts.push({ kind: 'other' });
  }
  progress(value: string): void {
    this.parts.push({ kind: 'progress', value });
  }
  reference(): void {
    this.parts.push({ kind: 'other' });
  }
  push(): void {
    this.parts.push({ kind: 'other' });
  }
  get text(): string {
    return this.parts.map((p) => (p.kind === 'markdown' ? p.value : p.kind === 'anchor' ? (p.title ?? '') : '')).join('');
  }
  of<K extends Part['kind']>(kind: K): Extract<Part, { kind: K }>[] {
    return this.parts.filter((p): p is Extract<Part, { kind: K }> => p.kind === kind);
  }
}

async function api(): Promise<PersonasApi> {
  const extension = vscode.extensions.getExtension<PersonasApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the test VS Code`);
  return extension.isActive ? extension.exports : await extension.activate();
}

async function services(): Promise<PersonaServices> {
  const s = await (await api()).ready;
  assert.ok(s, 'services start when a folder is open');
  return s;
}

function workspaceUri(path: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a folder is open');
  return vscode.Uri.joinPath(folder.uri, path);
}

/** A request as VS Code builds it; the fields the handler does not read (tools, model) are left out. */
function chatRequest(command: string | undefined, prompt: string, references: vscode.ChatPromptReference[] = []): vscode.ChatRequest {
  return { command, prompt, references, toolReferences: [] } as unknown as vscode.ChatRequest;
}

/** The next job the store creates, as it is created. */
function nextJob(s: PersonaServices): Promise<JobSummary> {
  const created = deferred<JobSummary>();
  const off = s.store.events.on('job:created', (job) => {
    off();
    created.resolve(job);
  });
  return created.promise;
}

const chatContext = { history: [] } as unknown as vscode.ChatContext;
const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('agentOsPersonas');

describe('@personas: the chat participant', function () {
  this.timeout(60_000);

  before(async () => {
    await settings().update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    await settings().update('model.provider', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('is registered: a real chat request "@personas /security" with payments.ts attached starts a security job with that file as its context', async () => {
    const s = await services();
    // The harness turns AI features off by default; the Chat view needs them on.
    await vscode.workspace.getConfiguration('chat').update('disableAIFeatures', false, vscode.ConfigurationTarget.Global);
    const created = nextJob(s);
    await vscode.commands.executeCommand('workbench.action.chat.open', {
      query: '@personas /security is the payment call safe to ship?',
      isPartialQuery: false,
      attachFiles: [workspaceUri('src/payments.ts')],
      modelSelector: { vendor: 'agent-os-test', id: 'test-reviewer' },
    });
    const job = await withTimeout(created, 30_000, 'no job was created by the chat request');
    assert.equal(job.persona, 'security');
    assert.match(job.task, /is the payment call safe to ship\?/);
    const full = s.store.require(job.id);
    assert.match(full.context, /src\/payments\.ts/, 'the attached file is named in the context');
    assert.match(full.context, /sk_live_51HxDemoNotARealKey/, 'the attached file\'s text is the context');
    const done = await waitForJob(s, job.id, ['completed', 'failed'], 45_000);
    assert.equal(done.status, 'completed', `the job completed (${done.error?.message ?? ''})`);
  });

  it('/security on a #file reference: a durable job with that file\'s context, progress parts, then the review with anchors at the cited lines and the buttons', async () => {
    const s = await services();
    const payments = workspaceUri('src/payments.ts');
    const stream = new RecordingStream();
    const created = nextJob(s);
    const tokens = new vscode.CancellationTokenSource();
    const handler = chatHandler({ ready: async () => (await api()).ready, revealJob: async () => undefined });
    const result = (await handler(chatRequest('security', 'review payments #file:payments.ts', [{ id: 'vscode.file', value: payments, range: [16, 33] }]), chatContext, stream, tokens.token)) as vscode.ChatResult;
    const job = await created;
    assert.equal(job.persona, 'security');
    assert.equal(job.task, 'review payments', 'the reference\'s text is not part of the task');
    assert.match(s.store.require(job.id).context, /sk_live_51HxDemoNotARealKey/);

    const progress = stream.of('progress').map((p) => p.value);
    assert.ok(progress.some((p) => /^security: \w+ \d+% \(demo model\)/.test(p)), `progress shows the phase and percent: ${JSON.stringify(progress)}`);
    assert.match(stream.text, /\[CRITICAL\] Hard-coded credential/);
    const anchors = stream.of('anchor');
    const atKey = anchors.find((a) => a.value instanceof vscode.Location && a.value.uri.toString() === payments.toString() && a.value.range.start.line === 3);
    assert.ok(atKey, `an anchor opens src/payments.ts at line 4: ${JSON.stringify(anchors.map((a) => a.title))}`);
    assert.equal(atKey.title, 'src/payments.ts:4');
    assert.doesNotMatch(stream.of('markdown').map((m) => m.value).join(''), /`src\/payments\.ts:4`/, 'the citation became the anchor, not text');
    const buttons = stream.of('button').map((b) => b.value);
    assert.deepEqual(buttons.map((b) => b.command), [REVEAL_JOB_COMMAND, 'agentOsPersonas.askPanel']);
    assert.deepEqual(buttons[0]?.arguments, [job.id]);
    const metadata = result.metadata as ChatReplyMetadata;
    assert.equal(metadata.jobId, job.id);
    assert.deepEqual(metadata.specialists, ['api-docs'], 'the review\'s recommended specialist is offered as a follow-up');
  });

  it('stopping the request cancels the job (status cancelled)', async () => {
    const s = await services();
    const payments = workspaceUri('src/payments.ts');
    const stream = new RecordingStream();
    const created = nextJob(s);
    const tokens = new vscode.CancellationTokenSource();
    const handler = chatHandler({ ready: async () => (await api()).ready, revealJob: async () => undefined });
    // A selection reference: lines 3-5 of the file.
    const selection = new vscode.Location(payments, new vscode.Range(2, 0, 4, 3));
    const replied = Promise.resolve(handler(chatRequest('security', 'a long look [[demo:crawl]]', [{ id: 'vscode.selection', value: selection }]), chatContext, stream, tokens.token));
    const job = await created;
    assert.match(s.store.require(job.id).context, /sk_live_51HxDemoNotARealKey/, 'the selection\'s lines are the context');
    assert.doesNotMatch(s.store.require(job.id).context, /receiptHtml/, 'only the selected lines go along');
    await waitForJob(s, job.id, ['running']);
    tokens.cancel();
    const ended = await waitForJob(s, job.id, ['cancelled', 'completed', 'failed'], 20_000);
    assert.equal(ended.status, 'cancelled');
    await withTimeout(replied, 10_000, 'the handler did not return after the cancel');
    assert.match(stream.text, /was cancelled/);
    assert.ok(stream.of('button').some((b) => b.value.command === 'agentOsPersonas.retryJob'), 'a cancelled job offers Retry');
  });

  it('without a model (Anthropic chosen, no key) says how to set one and starts no job', async () => {
    const s = await services();
    await settings().update('model.provider', 'anthropic', vscode.ConfigurationTarget.Workspace);
    try {
      const before = s.store.list({ limit: 500 }).length;
      const stream = new RecordingStream();
      const handler = chatHandler({ ready: async () => (await api()).ready, revealJob: async () => undefined });
      await handler(chatRequest('security', 'review payments'), chatContext, stream, new vscode.CancellationTokenSource().token);
      assert.match(stream.text, /No model can answer yet/);
      assert.match(stream.text, /Set Anthropic API Key/);
      assert.deepEqual(stream.of('button').map((b) => b.value.command), ['agentOsPersonas.setApiKey', 'agentOsPersonas.useDemoModel', 'workbench.action.openSettings']);
      assert.equal(s.store.list({ limit: 500 }).length, before, 'no job was created');
    } finally {
      await settings().update('model.provider', 'demo', vscode.ConfigurationTarget.Workspace);
    }
  });

  it('an unknown first word is answered with the commands and the loaded persona ids', async () => {
    const stream = new RecordingStream();
    const handler = chatHandler({ ready: async () => (await api()).ready, revealJob: async () => undefined });
    await handler(chatRequest(undefined, 'pentester look at this'), chatContext, stream, new vscode.CancellationTokenSource().token);
    assert.match(stream.text, /"pentester" is not a command or a loaded persona/);
    assert.match(stream.text, /`\/security`/);
    assert.match(stream.text, /`accessibility`/);
  });
  it('/workflow without an id lists the workflows; with one, it starts the workflow executor on the attached file, and a stop cancels it', async () => {
    const s = await services();
    const handler = chatHandler({ ready: async () => (await api()).ready, revealJob: async () => undefined });
    const listed = new RecordingStream();
    await handler(chatRequest('workflow', ''), chatContext, listed, new vscode.CancellationTokenSource().token);
    assert.match(listed.text, /`security-review` — Security review/);

    const stream = new RecordingStream();
    const created = nextJob(s);
    const tokens = new vscode.CancellationTokenSource();
    const replied = Promise.resolve(handler(chatRequest('workflow', 'security-review the api key [[demo:crawl]]', [{ id: 'vscode.file', value: workspaceUri('src/payments.ts') }]), chatContext, stream, tokens.token));
    const job = await created;
    assert.equal(job.persona, 'workflow-executor');
    tokens.cancel();
    assert.equal((await waitForJob(s, job.id, ['cancelled', 'completed', 'failed'], 20_000)).status, 'cancelled');
    await withTimeout(replied, 10_000, 'the handler did not return after the cancel');
    assert.match(stream.text, /Started \*\*Security review\*\* on `src\/payments\.ts`/);
  });

  it('with no folder open (no services) says to open one, with the button', async () => {
    const stream = new RecordingStream();
    await chatHandler({ ready: async () => undefined, revealJob: async () => undefined })(chatRequest('security', 'review'), chatContext, stream, new vscode.CancellationTokenSource().token);
    assert.match(stream.text, /needs an open folder/);
    assert.deepEqual(stream.of('button').map((b) => b.value.command), ['workbench.action.files.openFolder']);
  });
});
