import assert from 'node:assert/strict';
import { costOf, PriceTable, PRICES_SETTING } from '../../src/metrics/prices';
import type { PersonaServices } from '../../src/services';
import { startDemoServices } from './demoServices';
import { useTempDir } from './tempDir';

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({ input, output, cacheRead, cacheWrite });

describe('metrics prices and cost', function () {
  this.timeout(30_000);

  it('prices a job with known usage at the hand-computed figure (Sonnet 4.5: $3 in, $15 out, $0.30 cache read, $3.75 cache write per million)', () => {
    const table = PriceTable.builtIn();
    // 12,000 × 3 + 1,500 × 15 + 40,000 × 0.30 + 8,000 × 3.75 = 36,000 + 22,500 + 12,000 + 30,000 = 100,500 micro-dollars.
    const cost = costOf([['claude-sonnet-4-5-20250929', usage(12_000, 1_500, 40_000, 8_000)]], table);
    assert.deepEqual(cost, { usd: 0.1005, demoTokens: 0, unpricedTokens: 0 });
  });

  it('matches the longest id prefix at a hyphen: a dated id, a family id, and not a look-alike', () => {
    const table = PriceTable.builtIn();
    assert.equal(table.lookup('claude-opus-4-5-20251101')?.input, 5);
    assert.equal(table.lookup('claude-opus-4-20250514')?.input, 15, 'Opus 4 dated id: the family price');
    assert.equal(table.lookup('claude-opus-5-5')?.input, 4, 'Opus 5.5, not Opus 5');
    assert.equal(table.lookup('claude-opus-5')?.input, 5);
    assert.equal(table.lookup('claude-opus-45'), null, 'a prefix counts only at a hyphen');
    assert.equal(table.lookup('gpt-4o'), null);
  });

  it('the demo model is free and says so; an editor model or an unknown id is unknown, never 0', () => {
    const table = PriceTable.builtIn();
    assert.deepEqual(costOf([['demo-model', usage(900, 300)]], table), { usd: 0, demoTokens: 1200, unpricedTokens: 0 });
    assert.deepEqual(costOf([['vscode-lm:copilot/gpt-4o', usage(1000, 200)]], table), { usd: null, demoTokens: 0, unpricedTokens: 1200 });
    assert.deepEqual(costOf([['', usage(10, 0)]], table), { usd: null, demoTokens: 0, unpricedTokens: 10 });
    const mixed = costOf([['claude-haiku-4-5', usage(1_000_000, 0)], ['vscode-lm:copilot/gpt-4o', usage(5, 5)]], table);
    assert.deepEqual(mixed, { usd: 1, demoTokens: 0, unpricedTokens: 10 }, 'priced part in usd, the rest counted as unknown');
    assert.deepEqual(costOf([], table), { usd: 0, demoTokens: 0, unpricedTokens: 0 });
  });

  it('a price override in settings is merged over the built-ins and can price an editor model', () => {
    const { table, problem } = PriceTable.fromSetting({ 'claude-sonnet-4-5': { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 }, 'vscode-lm:copilot/gpt-4o': { input: 2.5, output: 10, cacheRead: 0, cacheWrite: 0 } });
    assert.equal(problem, null);
    assert.equal(table.source, 'settings');
    assert.equal(table.lookup('claude-sonnet-4-5-20250929')?.input, 1);
    assert.equal(table.lookup('claude-haiku-4-5')?.input, 1, 'the built-ins stay');
    assert.deepEqual(costOf([['vscode-lm:copilot/gpt-4o', usage(1_000_000, 100_000)]], table), { usd: 3.5, demoTokens: 0, unpricedTokens: 0 });
  });

  describe('a malformed override', () => {
    let services: PersonaServices | undefined;
    afterEach(async () => {
      await services?.dispose(0);
      services = undefined;
    });
    const tmp = useTempDir();

    it('names the setting and the bad field, is logged once, and the built-in prices apply', async () => {
      const lines: string[] = [];
      let setting: unknown = { 'claude-sonnet-4-5': { input: 'three', output: 15, cacheRead: 0.3, cacheWrite: 3.75 } };
      services = await startDemoServices(tmp.path, { workerCount: 1, prices: () => setting, log: (line) => lines.push(line) });
      const report = services.metrics.report({ range: '7d' });
      services.metrics.report({ range: '30d' });
      assert.equal(report.prices.source, 'built-in');
      assert.equal(report.prices.models.find((m) => m.model === 'claude-sonnet-4-5')?.input, 3);
      const said = lines.filter((l) => l.includes(PRICES_SETTING));
      assert.equal(said.length, 1, `logged once: ${lines.join('\n')}`);
      assert.match(said[0]!, /^INVALID_INPUT: The setting agentOsPersonas\.metrics\.prices is malformed at agentOsPersonas\.metrics\.prices\.claude-sonnet-4-5\.input: .*The built-in prices apply\./);
      assert.equal(services.metrics.jobCost({ tokensIn: 1_000_000, tokensOut: 0, cacheReadTokens: 0, cacheWriteTokens: 0, modelId: 'claude-sonnet-4-5' }).usd, 3, 'a job is priced at the built-in price');
      for (const bad of [[1, 2], { 'claude-x': { input: 1, output: 1, cacheRead: 1 } }, { 'claude-x': { input: -1, output: 1, cacheRead: 1, cacheWrite: 1 } }, { 'claude-x': { input: 1, output: 1, cacheRead: 1, cacheWrite: 1, extra: 1 } }]) {
        setting = bad;
        assert.equal(services.metrics.report({ range: '7d' }).prices.source, 'built-in', JSON.stringify(bad));
      }
      assert.equal(lines.filter((l) => l.includes(PRICES_SETTING)).length, 5, 'each new problem is said once');
      setting = { 'claude-sonnet-4-5': { input: 1, output: 1, cacheRead: 1, cacheWrite: 1 } };
      assert.equal(services.metrics.report({ range: '7d' }).prices.source, 'settings', 'a fixed setting applies at the next read');
    });
  });
});
