import assert from 'node:assert/strict';
import { EtaEstimator, rawEta, steadyEta } from '../../src/jobs/eta';
import { JobStore } from '../../src/jobs/jobStore';
import type { JobSummary } from '../../src/jobs/types';
import { useTempDir } from './tempDir';

describe('ETA: time left never grows while a phase advances', () => {
  // What a newcomer saw: no history, so the observed rate decides; the model slowed down
  // between 19% and 28%, and the estimate rose from ~13 s to ~15 s.
  const T0 = 1_000_000;
  const at19 = { startedAt: T0, percent: 19, typicalMs: null, now: T0 + 3_000 };
  const at28 = { startedAt: T0, percent: 28, typicalMs: null, now: T0 + 6_000 };

  it('the raw estimate alone rises in that case (what steadyEta guards against)', () => {
    assert.equal(Math.ceil(rawEta(at19)! / 1000), 13);
    assert.equal(Math.ceil(rawEta(at28)! / 1000), 16);
  });

  it('steadyEta keeps the smaller estimate within a phase', () => {
    assert.equal(steadyEta({ phase: 'generating', etaMs: 12_800 }, { phase: 'generating', etaMs: 15_400 }), 12_800);
    assert.equal(steadyEta({ phase: 'generating', etaMs: 12_800 }, { phase: 'generating', etaMs: 9_000 }), 9_000);
    // Nothing new to say keeps what was said.
    assert.equal(steadyEta({ phase: 'generating', etaMs: 12_800 }, { phase: 'generating', etaMs: null }), 12_800);
  });

  it('steadyEta lets a new phase move the estimate either way', () => {
    assert.equal(steadyEta({ phase: 'searching', etaMs: 5_000 }, { phase: 'generating', etaMs: 15_000 }), 15_000);
    assert.equal(steadyEta(undefined, { phase: 'generating', etaMs: 15_000 }), 15_000);
    assert.equal(steadyEta({ phase: 'generating', etaMs: null }, { phase: 'generating', etaMs: 15_000 }), 15_000);
  });

  describe('EtaEstimator on a real store, with an injected clock', () => {
    let store: JobStore;
    let clock = T0;
    afterEach(() => store.close());
    const tmp = useTempDir();
    beforeEach(async () => {
      clock = T0;
      store = await JobStore.open({ dir: tmp.path, now: () => clock });
    });

    async function running(): Promise<JobSummary> {
      const job = await store.create({ persona: 'engineer', task: 'Review the module', context: '', priority: 0 });
      return store.start(job.id, 'demo model');
    }

    it('is monotone non-increasing while percent rises in one phase', async () => {
      const job = await running();
      const estimator = new EtaEstimator(store);
      const shown: number[] = [];
      // Percent rises at an uneven pace: the rate alone would make the estimate jump up and down.
      for (const [elapsed, percent] of [[3_000, 19], [6_000, 28], [6_500, 29], [9_000, 40], [15_000, 50], [16_000, 70]] as const) {
        const eta = estimator.estimate({ ...job, phase: 'generating', percent }, T0 + elapsed);
        assert.notEqual(eta, null);
        shown.push(eta!);
      }
      for (let i = 1; i < shown.length; i++) assert.ok(shown[i]! <= shown[i - 1]!, `the estimate grew from ${shown[i - 1]} to ${shown[i]} ms: ${shown.join(', ')}`);
      assert.equal(Math.ceil(shown[1]! / 1000), 13, 'at 28% it still says ~13s left');
      assert.ok(shown.at(-1)! < shown[0]!, 'and it does come down as the job advances');
    });

    it('starts afresh at a phase change and for a new run of the job', async () => {
      const job = await running();
      const estimator = new EtaEstimator(store);
      const first = estimator.estimate({ ...job, phase: 'searching', percent: 19 }, T0 + 3_000)!;
      const nextPhase = estimator.estimate({ ...job, phase: 'generating', percent: 28 }, T0 + 6_000)!;
      assert.ok(nextPhase > first, `a new phase may raise it (${first} -> ${nextPhase})`);
      const rerun = estimator.estimate({ ...job, startedAt: T0 + 10_000, phase: 'generating', percent: 12 }, T0 + 13_000)!;
      assert.equal(rerun, rawEta({ startedAt: T0 + 10_000, percent: 12, typicalMs: null, now: T0 + 13_000 }));
    });
  });
});
