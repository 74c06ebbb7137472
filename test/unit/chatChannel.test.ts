import assert from 'node:assert/strict';
import { PersonaError } from '../../src/core/errors';
import { ChatChannelClient, ChatChannelHost, type ChatHostMessage, type ChatWorkerMessage } from '../../src/personas/chatChannel';
import { chatPermissionError, parseChatModelSelector, type ChatModelBridge, type ChatTurnEvent, type ChatTurnRequest } from '../../src/personas/chatBridge';
import { DemoModelServer, type DemoClosedEvent } from '../../src/personas/demoModel/server';
import { deferred, withTimeout } from '../harness/waitFor';
import { DEMO_CHAT_MODEL, DemoChatBridge } from './fixtures/demoChatBridge';

/**
 * A client and a host joined the way a worker and the pool are: every message is structured-
 * cloned and delivered on a later turn of the event loop, as postMessage does.
 */
function link(bridge: ChatModelBridge | undefined): { client: ChatChannelClient; host: ChatChannelHost; log: string[] } {
  const log: string[] = [];
  const deliver = <T>(message: T, to: (m: T) => void): void => {
    const copy = structuredClone(message);
    setImmediate(() => to(copy));
  };
  const host: ChatChannelHost = new ChatChannelHost(bridge, (m: ChatHostMessage) => {
    log.push(m.type);
    deliver(m, (x) => client.handle(x));
  });
  const client: ChatChannelClient = new ChatChannelClient((m: ChatWorkerMessage) => {
    log.push(m.type);
    deliver(m, (x) => host.handle(x.jobId, x));
  });
  return { client, host, log };
}

const CONTEXT = 'File: src/clock.ts (file, lines 1-2)\n1| export function stamp() {\n2|   return Date.now();';

function turn(task: string, overrides: Partial<ChatTurnRequest> = {}): ChatTurnRequest {
  return {
    jobId: 'job-1',
    model: { vendor: DEMO_CHAT_MODEL.vendor, id: DEMO_CHAT_MODEL.id },
    system: 'Persona: qa\n\nYou review tests.',
    messages: [{ role: 'user', content: `${task}\n---\n${CONTEXT}` }],
    tools: [],
    toolChoice: 'auto',
    maxTokens: 2048,
    ...overrides,
  };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<PersonaError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PersonaError, `a PersonaError, not ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected a rejection with ${code}`);
}

describe('the chat model channel between a worker and the host', function () {
  this.timeout(20_000);
  let server: DemoModelServer;
  before(async () => {
    server = await DemoModelServer.start({ chunkDelayMs: 2 });
  });
  after(async () => {
    await server.dispose();
  });

  it('streams a turn in order: the request, every text delta, then done with the same text', async () => {
    const { client, log } = link(new DemoChatBridge(() => Promise.resolve(server)));
    const events: ChatTurnEvent[] = [];
    const result = await client.streamTurn(turn('Review the clock'), (e) => events.push(e), new AbortController().signal);
    assert.ok(events.length > 3 && events.every((e) => e.type === 'text'), `${events.length} text events`);
    const streamed = events.map((e) => (e.type === 'text' ? e.text : '')).join('');
    assert.equal(result.content.length, 1);
    assert.deepEqual(result.content[0], { type: 'text', text: streamed });
    assert.equal(result.stopReason, 'end_turn');
    assert.match(streamed, /# QA review/);
    assert.match(streamed, /src\/clock\.ts:2/);
    assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0);
    assert.deepEqual(log, ['lmRequest', ...events.map(() => 'lmEvent'), 'lmDone']);
  });

  it('carries a tool call out as an event and as a tool_use block', async () => {
    const { client } = link(new DemoChatBridge(() => Promise.resolve(server)));
    const events: ChatTurnEvent[] = [];
    const tools = [{ name: 'search_standards', description: 'Search.', input_schema: { type: 'object' as const, properties: { query: { type: 'string' } } } }];
    const result = await client.streamTurn(turn('Use a tool [[demo:tool-use]]', { tools }), (e) => events.push(e), new AbortController().signal);
    assert.equal(result.stopReason, 'tool_use');
    const use = result.content.find((b) => b.type === 'tool_use');
    assert.ok(use && use.type === 'tool_use');
    assert.equal(use.name, 'search_standards');
    assert.deepEqual(use.input, { query: 'demo' });
    assert.deepEqual(events.at(-1), use, 'the tool call is the last event, after the text');
  });

  it('cancels mid-stream: the caller settles at once, lmCancel reaches the host, the bridge request is aborted and its connection closes', async () => {
    const bridge = new DemoChatBridge(() => Promise.resolve(server));
    const { client, host, log } = link(bridge);
    const closed = deferred<DemoClosedEvent>();
    const unsubscribe = server.events.on('closed', (e) => closed.resolve(e));
    const controller = new AbortController();
    const firstText = deferred<void>();
    const running = client.streamTurn(turn('Slowly [[demo:slow]]'), () => firstText.resolve(), controller.signal);
    await withTimeout(firstText.promise, 5_000, 'no text arrived');
    controller.abort();
    await rejectsWith(running, 'CANCELLED');
    const event = await withTimeout(closed.promise, 2_000, 'the model connection never closed').finally(unsubscribe);
    assert.equal(event.aborted, true, 'the answer was cut short');
    assert.equal(bridge.turns[0]?.signal.aborted, true, 'the bridge saw its signal abort');
    assert.ok(log.includes('lmCancel'));
    // The host still ends the request with exactly one answer, which the client drops.
    await withTimeout(new Promise<void>((resolve) => {
      const check = (): void => (host.openCount === 0 && log.at(-1) === 'lmError' ? resolve() : void setImmediate(check));
      check();
    }), 2_000, 'the host never closed the request');
    assert.equal(log.filter((t) => t === 'lmDone' || t === 'lmError').length, 1);
  });

  it('a bridge failure reaches the worker with its code and hint; an unexpected one as MODEL_ERROR with a hint', async () => {
    const refusing: ChatModelBridge = {
      selectModel: () => Promise.resolve(DEMO_CHAT_MODEL),
      streamTurn: () => Promise.reject(chatPermissionError('Demo Chat', 'the user did not allow it')),
    };
    const refused = await rejectsWith(link(refusing).client.streamTurn(turn('x'), () => undefined, new AbortController().signal), 'MODEL_NO_PERMISSION');
    assert.match(refused.message, /Demo Chat/);
    assert.match(refused.hint, /Allow Agent OS Personas to use the model when VS Code asks/);

    const broken: ChatModelBridge = { selectModel: () => Promise.resolve(DEMO_CHAT_MODEL), streamTurn: () => Promise.reject(new Error('socket hang up')) };
    const failed = await rejectsWith(link(broken).client.streamTurn(turn('x'), () => undefined, new AbortController().signal), 'MODEL_ERROR');
    assert.match(failed.message, /socket hang up/);
    assert.ok(failed.hint.length > 10);
  });

  it('without a bridge (the CLI) a turn fails with MODEL_UNAVAILABLE, saying vscode-lm works only inside VS Code', async () => {
    const err = await rejectsWith(link(undefined).client.streamTurn(turn('x'), () => undefined, new AbortController().signal), 'MODEL_UNAVAILABLE');
    assert.match(err.hint, /vscode-lm works only inside VS Code; use anthropic or demo in the CLI/);
  });

  it('reads the selector setting as vendor or vendor/family', () => {
    assert.deepEqual(parseChatModelSelector(''), {});
    assert.deepEqual(parseChatModelSelector(' copilot '), { vendor: 'copilot' });
    assert.deepEqual(parseChatModelSelector('copilot/gpt-4o'), { vendor: 'copilot', family: 'gpt-4o' });
    assert.deepEqual(parseChatModelSelector('vendor/family/with/slashes'), { vendor: 'vendor', family: 'family/with/slashes' });
  });
});
