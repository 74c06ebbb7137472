import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { DemoModelServer, type DemoRequestEvent } from '../../src/personas/demoModel/server';
import { CACHE_TTL_MS, estimateTokens } from '../../src/personas/demoModel/promptCache';
import { runPersona } from '../../src/personas/personaRunner';
import type { ModelConfig } from '../../src/personas/modelConfig';
import type { ToolHost } from '../../src/personas/tools/types';
import type { TurnUsage } from '../../src/personas/modelTurns';
import { JobStore } from '../../src/jobs/jobStore';
import type { Job } from '../../src/jobs/types';
import { PANEL_PERSONA, PanelCoordinator } from '../../src/personas/panelCoordinator';
import type { PersonaServices } from '../../src/services';
import { DemoChatBridge } from './fixtures/demoChatBridge';
import { settledJob } from './settledJob';
import { useTempDir } from './tempDir';
import { startDemoServices } from './demoServices';
import { join } from 'node:path';

const CONTEXT = 'File: src/orders.ts (file, lines 1-3)\n1| export function total(price: number) {\n2|   return price * 2;\n3| }';
const TOOLS: Anthropic.Messages.Tool[] = [
  { name: 'search_standards', description: 'Search the approved standards.', input_schema: { type: 'object', properties: { query: { type: 'string' } } } },
  { name: 'propose_standard', description: 'Propose a standard.', input_schema: { type: 'object', properties: { title: { type: 'string' } } } },
];
const EPHEMERAL = { type: 'ephemeral' } as const;

/** A review request as the runner marks it: the system block and the last tool cacheable. */
function cachedRequest(persona: string, question: string): Anthropic.Messages.MessageCreateParamsNonStreaming {
  return {
    model: 'demo-model',
    max_tokens: 1024,
    system: [{ type: 'text', text: `Persona: ${persona}\n\nYou review code.`, cache_control: EPHEMERAL }],
    tools: TOOLS.map((t, i) => (i === TOOLS.length - 1 ? { ...t, cache_control: EPHEMERAL } : t)),
    tool_choice: { type: 'none' },
    messages: [{ role: 'user', content: `${question}\n---\n${CONTEXT}` }],
  };
}

describe('Prompt caching: the demo model accounts the cache as the Messages API does', () => {
  let server: DemoModelServer;
  let client: Anthropic;
  let clock: number;
  const bodies: string[] = [];

  beforeEach(async () => {
    clock = 1_000_000;
    server = await DemoModelServer.start({ chunkDelayMs: 0, now: () => clock });
    bodies.length = 0;
    server.events.on('request', (e: DemoRequestEvent) => bodies.push(e.body));
    client = new Anthropic({ apiKey: 'demo', baseURL: server.url, maxRetries: 0 });
  });
  afterEach(async () => {
    await server.dispose();
  });

  it('JSON path: writes the marked prefix first, reads it on the next request, input_tokens counting only the rest', async () => {
    const first = (await client.messages.create(cachedRequest('security', 'Review this'))).usage;
    assert.ok(first.cache_creation_input_tokens !== null && first.cache_creation_input_tokens > 0, `written: ${first.cache_creation_input_tokens}`);
    assert.equal(first.cache_read_input_tokens, 0);
    assert.ok(first.input_tokens > 0, 'the user message is not part of the cached prefix');
    // Together they are the whole request, as the API's usage adds up.
    assert.equal(first.input_tokens + first.cache_creation_input_tokens, estimateTokens(bodies[0] ?? ''));

    const second = (await client.messages.create(cachedRequest('security', 'Review this again, more closely'))).usage;
    assert.equal(second.cache_read_input_tokens, first.cache_creation_input_tokens, 'the same prefix is read back whole');
    assert.equal(second.cache_creation_input_tokens, 0);
    assert.equal(second.input_tokens + (second.cache_read_input_tokens ?? 0), estimateTokens(bodies[1] ?? ''));
  });

  it('another persona (another system prompt), another model, or no marker at all does not read the first prefix', async () => {
    const first = (await client.messages.create(cachedRequest('security', 'Review this'))).usage;
    const other = (await client.messages.create(cachedRequest('architect', 'Review this'))).usage;
    assert.equal(other.cache_read_input_tokens, 0);
    assert.ok((other.cache_creation_input_tokens ?? 0) > 0);
    const otherModel = (await client.messages.create({ ...cachedRequest('security', 'Review this'), model: 'demo-model-2' })).usage;
    assert.equal(otherModel.cache_read_input_tokens, 0);
    assert.equal(otherModel.cache_creation_input_tokens, first.cache_creation_input_tokens);
    const unmarked = (await client.messages.create({ model: 'demo-model', max_tokens: 1024, system: 'Persona: security\n\nYou review code.', tools: TOOLS, messages: [{ role: 'user', content: `Review this\n---\n${CONTEXT}` }] })).usage;
    assert.equal(unmarked.cache_read_input_tokens, 0);
    assert.equal(unmarked.cache_creation_input_tokens, 0);
    assert.equal(unmarked.input_tokens, estimateTokens(bodies.at(-1) ?? ''));
  });

  it('an entry lives 5 minutes from its last use, then the prefix is written again', async () => {
    const written = (await client.messages.create(cachedRequest('security', 'one'))).usage.cache_creation_input_tokens;
    clock += CACHE_TTL_MS - 1;
    assert.equal((await client.messages.create(cachedRequest('security', 'two'))).usage.cache_read_input_tokens, written, 'a use just inside the lifetime reads');
    clock += CACHE_TTL_MS - 1;
    assert.equal((await client.messages.create(cachedRequest('security', 'three'))).usage.cache_read_input_tokens, written, 'the previous read renewed the entry');
    clock += CACHE_TTL_MS;
    const expired = (await client.messages.create(cachedRequest('security', 'four'))).usage;
    assert.equal(expired.cache_read_input_tokens, 0);
    assert.equal(expired.cache_creation_input_tokens, written);
  });

  it('SSE path: message_start carries the cache fields and the SDK keeps them in the final message', async () => {
    await client.messages.create(cachedRequest('security', 'Review this'));
    const events: string[] = [];
    const stream = client.messages.stream(cachedRequest('security', 'Review it streamed'));
    stream.on('streamEvent', (e) => {
      if (e.type === 'message_start') events.push(JSON.stringify(e.message.usage));
    });
    const usage = (await stream.finalMessage()).usage;
    assert.ok((usage.cache_read_input_tokens ?? 0) > 0, JSON.stringify(usage));
    assert.equal(usage.cache_creation_input_tokens, 0);
    assert.match(events[0] ?? '', /"cache_read_input_tokens":[1-9]/);
    assert.ok(usage.output_tokens > 1, 'message_delta gave the output count');
  });
});

describe('Prompt caching: what the runner sends and sums', () => {
  let server: DemoModelServer;
  const requests: DemoRequestEvent[] = [];
  beforeEach(async () => {
    server = await DemoModelServer.start({ chunkDelayMs: 0 });
    requests.length = 0;
    server.events.on('request', (e) => requests.push(e));
  });
  afterEach(async () => {
    await server.dispose();
  });

  const config = (overrides: Partial<ModelConfig> = {}): ModelConfig => ({
    kind: 'demo', label: 'demo model', model: 'demo-model', apiKey: 'demo', baseURL: server.url, maxTokens: 2048, idleTimeoutMs: 5000, maxRetries: 0, ...overrides,
  });
  const host: ToolHost = { searchStandards: () => Promise.resolve([]), proposeStandard: () => Promise.resolve({ id: 'p' }) };
  const review = (personaModel: string | null, model: ModelConfig): ReturnType<typeof runPersona> =>
    runPersona(
      { personaId: 'security', systemPrompt: 'Review.', task: 'Review this', context: CONTEXT, contextNote: null, personaModel, tools: ['search_standards', 'propose_standard'], jobId: 'j' },
      model,
      new AbortController().signal,
      () => undefined,
      { toolHost: host },
    );

  it('marks the system prompt as one cacheable text block and only the last tool, and sums the cache tokens into the outcome', async () => {
    const first = await review(null, config());
    const second = await review(null, config());
    const body = JSON.parse(requests.at(-1)?.body ?? '{}') as { system: unknown; tools: { name: string; cache_control?: unknown }[] };
    assert.deepEqual(body.system, [{ type: 'text', text: 'Persona: security\n\nReview.', cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual(body.tools.map((t) => [t.name, t.cache_control ?? null]), [['search_standards', null], ['propose_standard', { type: 'ephemeral' }]]);
    assert.ok((first.cacheWriteTokens ?? 0) > 0 && first.cacheReadTokens === 0, JSON.stringify(first));
    assert.ok((second.cacheReadTokens ?? 0) > 0 && second.cacheWriteTokens === 0, JSON.stringify(second));
    assert.equal(second.cacheReadTokens, first.cacheWriteTokens);
    // tokensIn stays the uncached part: the cached prefix is not counted twice.
    assert.ok(second.tokensIn < first.tokensIn + (first.cacheWriteTokens ?? 0));
    assert.equal(first.modelId, 'demo-model');
  });

  it('names the model it asked for: the persona\'s own Anthropic model over the configured one', async () => {
    const outcome = await review('claude-opus-4-6', config({ kind: 'anthropic', label: 'Claude', model: 'claude-haiku-5-5' }));
    assert.equal(outcome.modelId, 'claude-opus-4-6');
    assert.equal((JSON.parse(requests.at(-1)?.body ?? '{}') as { model?: string }).model, 'claude-opus-4-6');
  });
});

interface SentBody {
  system?: unknown;
  tools?: { name: string; cache_control?: unknown }[];
}

describe('Prompt caching through the pool and the worker', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  // Registered before useTempDir's, so the services stop before their folder is removed.
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  /** One review by `persona` on code given as context (one model turn), run to its end. */
  const review = async (s: PersonaServices, persona: string): Promise<Job> => {
    const job = await s.store.create({ persona, task: 'Review this', context: CONTEXT });
    const done = await settledJob(s, job.id);
    assert.equal(done.status, 'completed', done.error?.message);
    return done;
  };

  it('a second review by the same persona sends the cache markers and reads the prefix the first wrote; another persona does not', async () => {
    const s = (services = await startDemoServices(tmp.path, { workerCount: 1 }));
    const sent: DemoRequestEvent[] = [];
    (await s.models.demoServer()).events.on('request', (e) => sent.push(e));
    const first = await review(s, 'security');
    const before = sent.length;
    const second = await review(s, 'security');
    const secondBodies = sent.slice(before).map((e) => JSON.parse(e.body) as SentBody);
    const other = await review(s, 'architect');

    assert.ok(secondBodies.length > 0);
    for (const body of secondBodies) {
      assert.ok(Array.isArray(body.system) && body.system.length === 1, 'the system prompt is one text block');
      assert.deepEqual((body.system[0] as { cache_control?: unknown }).cache_control, { type: 'ephemeral' });
      assert.match((body.system[0] as { text: string }).text, /^Persona: security\n/);
      const tools = body.tools ?? [];
      assert.ok(tools.length > 1, `the persona has tools: ${tools.map((t) => t.name).join(', ')}`);
      assert.deepEqual(tools.at(-1)?.cache_control, { type: 'ephemeral' }, 'the last tool is marked');
      assert.ok(tools.slice(0, -1).every((t) => t.cache_control === undefined), 'only the last tool is marked');
    }
    assert.ok(first.cacheWriteTokens > 0, `first review wrote ${first.cacheWriteTokens}`);
    assert.equal(first.cacheReadTokens, 0);
    assert.equal(second.cacheReadTokens, first.cacheWriteTokens, 'the second review read the whole prefix');
    assert.equal(second.cacheWriteTokens, 0);
    assert.ok(second.tokensIn < first.tokensIn + first.cacheWriteTokens, 'tokensIn excludes what was read from the cache');
    assert.equal(other.cacheReadTokens, 0, 'another persona\'s system prompt is another prefix');
    assert.ok(other.cacheWriteTokens > 0);
    assert.deepEqual([first.modelId, second.modelId, other.modelId], ['demo-model', 'demo-model', 'demo-model']);
    const security = s.metrics.report({ range: 'all' }).personas.find((p) => p.persona === 'security');
    assert.deepEqual(security?.tokens, { input: first.tokensIn + second.tokensIn, output: first.tokensOut + second.tokensOut, cacheRead: second.cacheReadTokens, cacheWrite: first.cacheWriteTokens }, 'the metrics show the cache tokens');
    assert.deepEqual(security?.cost, { usd: 0, demoTokens: first.tokensIn + second.tokensIn + first.tokensOut + second.tokensOut + second.cacheReadTokens + first.cacheWriteTokens, unpricedTokens: 0 }, 'the demo model is free and says so');
  });

  it('a vscode-lm review reports no cache tokens, even from a model behind the bridge that reports some', async () => {
    const bridge = new DemoChatBridge(() => {
      assert.ok(services);
      return services.models.demoServer();
    });
    const settings = { provider: 'vscode-lm' as const, vscodeLmSelector: '', model: 'm', baseUrl: '', maxTokens: 2048, requestTimeoutSeconds: 30 };
    const s = (services = await startDemoServices(tmp.path, { workerCount: 1, modelSettings: () => settings, chatBridge: bridge }));
    const first = await review(s, 'security');
    const second = await review(s, 'security');
    // The fixture bridge answers through the Messages API, so its usage did carry cache counts.
    assert.ok(bridge.results.some((r) => ((r.usage as Partial<TurnUsage>).cacheReadTokens ?? 0) > 0), 'the bridge\'s model read from its cache');
    for (const job of [first, second]) {
      assert.equal(job.cacheReadTokens, 0);
      assert.equal(job.cacheWriteTokens, 0);
      assert.ok(job.tokensIn > 0);
      assert.equal(job.modelId, 'vscode-lm:demo-vendor/demo-chat');
    }
  });

  it('a panel parent carries the sum of its children\'s cache tokens, and their model id when they share one', async () => {
    const store = await JobStore.open({ dir: join(tmp.path, '.agent-os') });
    const panels = new PanelCoordinator({ store, knownPersonas: () => ['architect', 'security', 'engineer'] });
    try {
      const run = async (models: string[]): Promise<Job> => {
        const { parent, children } = await panels.startPanel({ personas: ['architect', 'security'], task: 'Review', context: CONTEXT });
        for (const [i, child] of children.entries()) {
          await store.start(child.id, 'Claude');
          await store.complete(child.id, { result: `## Summary\n${child.persona}\n## Findings\nnone`, tokensIn: 10 + i, tokensOut: 20, cacheReadTokens: 100 * (i + 1), cacheWriteTokens: 7 * (i + 1), modelId: models[i] ?? null });
        }
        await panels.idle();
        return store.require(parent.id);
      };
      const same = await run(['claude-opus-4-6', 'claude-opus-4-6']);
      assert.equal(same.persona, PANEL_PERSONA);
      assert.equal(same.status, 'completed');
      assert.deepEqual([same.tokensIn, same.cacheReadTokens, same.cacheWriteTokens, same.modelId], [21, 300, 21, 'claude-opus-4-6']);
      const mixed = await run(['claude-opus-4-6', 'claude-haiku-5-5']);
      assert.deepEqual([mixed.cacheReadTokens, mixed.cacheWriteTokens, mixed.modelId], [300, 21, null]);
    } finally {
      await panels.dispose();
      await store.close();
    }
  });
});
