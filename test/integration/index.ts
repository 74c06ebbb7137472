// The extensionTestsPath entry: VS Code's extension host calls run() once the workbench is up.
// Loads every compiled out/test/integration/**/*.test.js into mocha, writes the result JSON to
// $AGENT_OS_TEST_RESULT_FILE (read by test/harness/runIntegration.ts) and settles accordingly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { leakHooks, watchLeakWarnings } from '../harness/warningGuard';

interface ResultFile {
  passed: number;
  failed: number;
  failures: { title: string; error: string }[];
}

export async function run(): Promise<void> {
  const result: ResultFile = { passed: 0, failed: 0, failures: [] };
  try {
    // This is our extension's host process: a FileHandle it leaves to the collector fails the suite.
    watchLeakWarnings();
    const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec', rootHooks: leakHooks });
    const files = fs
      .readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
      // AGENT_OS_TEST_ONLY (scripts/test.mjs): only the files whose path contains it.
      .filter((f) => f.endsWith('.test.js') && (!process.env['AGENT_OS_TEST_ONLY'] || f.includes(process.env['AGENT_OS_TEST_ONLY'])))
      .sort();
    for (const file of files) {
      mocha.addFile(path.join(__dirname, file));
    }
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => {
        result.passed++;
      });
      runner.on('fail', (test, err: unknown) => {
        result.failed++;
        const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        result.failures.push({ title: test.fullTitle(), error });
      });
    });
  } catch (err) {
    // Loading a test file threw (syntax error, missing module, ...): a failure, never silence.
    result.failed++;
    result.failures.push({
      title: 'loading the integration tests',
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
  writeResult(result);
  if (result.failed > 0) {
    throw new Error(`${result.failed} integration test(s) failed`);
  }
}

function writeResult(result: ResultFile): void {
  const file = process.env.AGENT_OS_TEST_RESULT_FILE;
  if (!file) {
    console.error('AGENT_OS_TEST_RESULT_FILE is not set; the harness will report a missing result file');
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written to a temporary name and renamed, so the harness never reads half a file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}
