import assert from 'node:assert/strict';
import { STORE_SCHEMA } from '../../src/services';
import { SCENARIOS, describeReport, runScenario } from './crashMatrix';
import { CRASH_STORE_SCHEMA } from './fixtures/crashMatrixShared';

/** CI-sized: `npm run bench -- --crash` runs the same matrix with 200 trials per scenario. */
const TRIALS = 6;

describe('durability under kill -9: the crash matrix', function () {
  this.timeout(240_000);

  it('the crash child opens the store with the workspace store\'s modules, in order', () => {
    assert.deepEqual(CRASH_STORE_SCHEMA.map((m) => m.name), STORE_SCHEMA.map((m) => m.name));
    CRASH_STORE_SCHEMA.forEach((m, i) => assert.equal(m, STORE_SCHEMA[i]));
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario}: every acknowledged write survives a SIGKILL and the store opens (${TRIALS} trials)`, async () => {
      const report = await runScenario(scenario, TRIALS);
      assert.deepEqual(report.failures, [], describeReport(report));
      assert.equal(report.opensOk, TRIALS);
      assert.ok(report.acksChecked >= TRIALS, `the children acknowledged ${report.acksChecked} writes`);
    });
  }
});
