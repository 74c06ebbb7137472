import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { DemoModelServer, type DemoClosedEvent, type DemoRequestEvent } from '../../src/personas/demoModel/server';
import { runPersona } from '../../src/personas/personaRunner';
import type { ModelConfig } from '../../src/personas/modelConfig';
import { PersonaError } from '../../src/core/errors';
import type { JobProgress } from '../../src/jobs/types';
import { deferred, withTimeout } from '../harness/waitFor';

const CONTEXT = 'File: src/orders.ts (file, lines 1-3)\n1| export function total(price: number) {\n2|   const apiKey = "sk-live-12345678";\n3| }';

describe('DemoModelServer with the real Anthropic SDK', () => {
  let server: DemoModelServer;
  let client: Anthropic;

  beforeEach(async () => {
    server = await DemoModelServer.start({ chunkDelayMs: 0 });
    client = new Anthropic({ apiKey: 'demo', baseURL: server.url, maxRetries: 2 });
  });
  afterEach(async () => {
    await server.dispose();
  });

  const config = (overrides: Partial<ModelConfig> = {}): ModelConfig => ({
    kind: 'demo', label: 'demo model', model: 'demo-model', apiKey: 'demo', baseURL: server.url,
    maxTokens: 1024, idleTimeoutMs: 5000, maxRetries: 2, ...overrides,
  });

  it('streams a review as SSE content blocks with usage', async () => {
    const deltas: string[] = [];
    const stream = client.messages.stream({
      model: 'demo-model', max_tokens: 1024, system: 'Persona: security',
      messages: [{ role: 'user', content: `Review this\n---\n${CONTEXT}` }],
    });
    stream.on('text', (t) => deltas.push(t));
    const final = await stream.finalMessage();
    assert.ok(deltas.length > 10, `expected many deltas, got ${deltas.length}`);
    assert.equal(final.stop_reason, 'end_turn');
    assert.ok(final.usage.input_tokens > 0 && final.usage.output_tokens > 0);
    const text = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    assert.equal(text, deltas.join(''));
    assert.match(text, /demo model/);
    assert.match(text, /\[CRITICAL\] Hard-coded credential/);
    assert.match(text, /`src\/orders\.ts:2`/);
  });

  it('takes the system prompt from the first user text block when the request has no system (a vscode.lm client)', async () => {
    const final = await client.messages.create({
      model: 'demo-model', max_tokens: 1024,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Persona: security\n\nYou review `any` and `file:line` evidence.' }, { type: 'text', text: `Review this\n---\n${CONTEXT}` }] }],
    });
    const text = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    assert.match(text, /# Security review/);
    assert.match(text, /`src\/orders\.ts:2`/);
    assert.doesNotMatch(text, /You review/, 'the system prompt is not reviewed as the task');
  });

  it('answers tool_use with streamed input JSON when tools are offered', async () => {
    const final = await client.messages.stream({
      model: 'demo-model', max_tokens: 1024,
      tools: [{ name: 'read_file', description: 'read', input_schema: { type: 'object', properties: { query: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'look [[demo:tool-use]]' }],
    }).finalMessage();
    assert.equal(final.stop_reason, 'tool_use');
    const tool = final.content.find((b) => b.type === 'tool_use');
    assert.ok(tool && tool.type === 'tool_use');
    assert.equal(tool.name, 'read_file');
    assert.deepEqual(tool.input, { query: 'demo' });
  });

  it('returns error bodies the SDK maps to typed errors', async () => {
    await assert.rejects(
      client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x [[demo:400]]' }] }),
      (err: unknown) => err instanceof Anthropic.BadRequestError && /reject this request/.test(err.message),
    );
    await assert.rejects(
      client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x [[demo:401]]' }] }),
      Anthropic.AuthenticationError,
    );
  });

  it('sends 529 with retry-after, and the SDK retries and succeeds', async () => {
    const seen: DemoRequestEvent[] = [];
    server.events.on('request', (e) => seen.push(e));
    const message = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x [[demo:529x2]]' }] });
    assert.equal(message.type, 'message');
    assert.equal(seen.length, 3, 'two 529s, then the answer');
  });

  it('closes the connection on the server side when the client aborts mid-stream', async () => {
    const slow = await DemoModelServer.start({ chunkDelayMs: 50 });
    try {
      const closed = deferred<DemoClosedEvent>();
      slow.events.on('closed', (e) => closed.resolve(e));
      const controller = new AbortController();
      const progress: JobProgress[] = [];
      const generating = deferred<void>();
      const run = runPersona(
        { personaId: 'engineer', systemPrompt: 'You review code.', task: 'Review', context: CONTEXT, contextNote: null, personaModel: null },
        { ...config(), baseURL: slow.url },
        controller.signal,
        (p) => {
          progress.push(p);
          if (p.phase === 'generating') generating.resolve();
        },
      );
      await withTimeout(generating.promise, 10_000, 'the stream never started');
      const abortedAt = performance.now();
      controller.abort();
      await assert.rejects(run, (err: unknown) => err instanceof PersonaError && err.code === 'CANCELLED');
      const event = await withTimeout(closed.promise, 2_000, 'the server never saw the connection close');
      assert.equal(event.aborted, true, 'the response was cut short, not finished');
      assert.ok(event.at - abortedAt < 1000, `closed ${Math.round(event.at - abortedAt)} ms after abort`);
      assert.deepEqual([...new Set(progress.map((p) => p.phase))], ['initializing', 'analyzing', 'generating']);
    } finally {
      await slow.dispose();
    }
  });

  it('maps each failure to a code with a hint through the persona runner', async () => {
    const cases: [string, string][] = [
      ['400', 'MODEL_BAD_REQUEST'],
      ['401', 'BAD_API_KEY'],
      ['404', 'MODEL_NOT_FOUND'],
      ['413', 'MODEL_CONTEXT_TOO_LONG'],
      ['429', 'MODEL_RATE_LIMITED'],
      ['529', 'MODEL_OVERLOADED'],
    ];
    for (const [fault, code] of cases) {
      await assert.rejects(
        runPersona({ personaId: 'qa', systemPrompt: 's', task: `t [[demo:${fault}]]`, context: '', contextNote: null, personaModel: null }, config({ maxRetries: 1 }), new AbortController().signal, () => undefined),
        (err: unknown) => err instanceof PersonaError && err.code === code && err.hint.length > 0,
        `fault ${fault} should end as ${code}`,
      );
    }
  });

  it('says a stream cut in the middle of the answer was cut, not just "terminated"', async () => {
    // Chunks a few ms apart, so the answer has begun (headers and first events read) when the connection goes.
    const slow = await DemoModelServer.start({ chunkDelayMs: 5 });
    try {
      await assert.rejects(
        runPersona({ personaId: 'qa', systemPrompt: 's', task: 't [[demo:cut]]', context: CONTEXT, contextNote: null, personaModel: null }, config({ maxRetries: 0, baseURL: slow.url }), new AbortController().signal, () => undefined),
        (err: unknown) => err instanceof PersonaError && err.code === 'MODEL_ERROR' && /closed the connection in the middle of its answer/.test(err.message) && /proxy/.test(err.hint),
      );
    } finally {
      await slow.dispose();
    }
  });

  it('retries a 429 as often as configured, waiting the retry-after the server sent, then fails MODEL_RATE_LIMITED', async () => {
    const at: number[] = [];
    server.events.on('request', () => at.push(performance.now()));
    await assert.rejects(
      runPersona({ personaId: 'qa', systemPrompt: 's', task: 't [[demo:429]]', context: '', contextNote: null, personaModel: null }, config({ maxRetries: 3 }), new AbortController().signal, () => undefined),
      (err: unknown) => err instanceof PersonaError && err.code === 'MODEL_RATE_LIMITED' && /after 3 retries/.test(err.message) && /retry the job/i.test(err.hint),
    );
    assert.equal(at.length, 4, 'the first try and 3 retries');
    // The demo sends retry-after-ms: 20; each retry waits at least that long.
    for (let i = 1; i < at.length; i++) assert.ok(at[i]! - at[i - 1]! >= 19, `retry ${i} came ${(at[i]! - at[i - 1]!).toFixed(1)} ms after the previous try`);
  });

  it('shows an answer that is not in the review template as written, flagged', async () => {
    const outcome = await runPersona({ personaId: 'qa', systemPrompt: 's', task: 't [[demo:not-template]]', context: '', contextNote: null, personaModel: null }, config(), new AbortController().signal, () => undefined);
    assert.match(outcome.result, /^Looks fine to me\./, 'the answer is kept as the model wrote it');
    assert.match(outcome.result, /does not follow the review template/);
    const templated = await runPersona({ personaId: 'qa', systemPrompt: 's', task: 't', context: CONTEXT, contextNote: null, personaModel: null }, config(), new AbortController().signal, () => undefined);
    assert.doesNotMatch(templated.result, /does not follow the review template/);
  });

  it('fails a hung request with MODEL_TIMEOUT', async () => {
    await assert.rejects(
      runPersona({ personaId: 'qa', systemPrompt: 's', task: 't [[demo:hang-mid-stream]]', context: '', contextNote: null, personaModel: null }, config({ idleTimeoutMs: 300, maxRetries: 0 }), new AbortController().signal, () => undefined),
      (err: unknown) => err instanceof PersonaError && err.code === 'MODEL_TIMEOUT',
    );
    await assert.rejects(
      runPersona({ personaId: 'qa', systemPrompt: 's', task: 't [[demo:hang]]', context: '', contextNote: null, personaModel: null }, config({ idleTimeoutMs: 300, maxRetries: 0 }), new AbortController().signal, () => undefined),
      (err: unknown) => err instanceof PersonaError && err.code === 'MODEL_TIMEOUT',
    );
  });

  it('reports unreachable when nothing listens', async () => {
    const port = server.port;
    await server.dispose();
    await assert.rejects(
      runPersona({ personaId: 'qa', systemPrompt: 's', task: 't', context: '', contextNote: null, personaModel: null }, config({ baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 }), new AbortController().signal, () => undefined),
      (err: unknown) => err instanceof PersonaError && err.code === 'MODEL_UNREACHABLE',
    );
    server = await DemoModelServer.start();
  });
});
