// `npm run bench -- --crash[=<trials>]`: the crash matrix (test/unit/crashMatrix.ts) at full
// size, 200 SIGKILL trials by default for each of: creates by 8 concurrent callers, compaction
// and snapshot rotation (compaction every 16 KB of journal), a standard approval (temp file,
// hard link, fsync, then the proposal row), and a workflow phase completion. Prints, per
// scenario, the trials, the acknowledged writes checked, the failures (expected 0), the opens
// that succeeded, the median reopen time, and where the kills landed when the files tell.
// The scenarios run side by side, two trials at a time each, each trial on its own folder
// (a trial is mostly a child starting up, and the machine's other cores would sit idle).
import { SCENARIOS, describeReport, runScenario } from '../test/unit/crashMatrix';

export const DEFAULT_CRASH_TRIALS = 200;

export async function crashBench(trials = DEFAULT_CRASH_TRIALS, parallel = 2): Promise<void> {
  console.log(`crash matrix: ${trials} SIGKILL trials per scenario (every fourth kills twice before the check); the four scenarios run side by side, ${parallel} trials at a time each`);
  const started = performance.now();
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  // A line every 25 trials: on a loaded machine a scenario takes many minutes.
  const reports = await Promise.all(
    SCENARIOS.map(async (scenario) => {
      const report = await runScenario(scenario, trials, parallel, (done, r) => {
        if (done % 25 === 0 && done < trials) console.log(`    … ${describeReport(r, done)} (${elapsed()})`);
      });
      console.log(`  ${describeReport(report)} (done at ${elapsed()})`);
      for (const failure of report.failures.slice(0, 10)) console.log(`    FAILURE ${failure}`);
      return report;
    }),
  );
  const failed = reports.reduce((n, r) => n + r.failures.length, 0);
  console.log(`crash matrix: ${failed} failures in all (${elapsed()})`);
  if (failed > 0) process.exitCode = 1;
}

/** `--crash` or `--crash=<trials>`; undefined when the flag is absent. */
export function crashTrialsFrom(argv: readonly string[]): number | undefined {
  const flag = argv.find((a) => a === '--crash' || a.startsWith('--crash='));
  if (!flag) return undefined;
  const n = flag === '--crash' ? DEFAULT_CRASH_TRIALS : Number(flag.slice('--crash='.length));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--crash=<trials> wants a whole number of trials, 1 or more (got "${flag.slice('--crash='.length)}").`);
  return n;
}
