// Runs the mocha suite at out/test/integration inside the real VS Code extension host:
// code-server with the smoke-test driver, chromium opening the workbench with an
// extensionDevelopmentPath/extensionTestsPath payload (VSCODE-TESTING.md, section A).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { launchBrowser, screenshot, type Browser } from './browser';
import { repoRoot, testOutputDir, startCodeServer, type CodeServer } from './codeServer';
import { deferred, errorMessage, waitFor } from './waitFor';

export interface IntegrationOptions {
  /** Folder with the extension's package.json (the development extension). */
  extensionPath: string;
  /** Absolute path of the compiled runner, out/test/integration/index.js. */
  testsEntry: string;
  /** Folder the workbench opens (use a fresh copy; tests may write into it). */
  workspaceFolder: string;
  /**
   * More extension folders, installed plainly (symlinked into the test's extensions folder) beside
   * the development extension: test-only extensions such as the chat model provider fixture.
   * (A second `extensionDevelopmentPath` in the payload does not work: the web workbench reads the
   * payload into a Map, so only the last entry of a repeated key survives.)
   */
  installExtensions?: string[];
  /** Deadline for the whole run once the workbench shows; 5 minutes unless told. */
  timeoutMs?: number;
  /** Scratch folder name under test-output/; `integration` unless told. */
  runName?: string;
  /** Receives each extension-host console line; stdout unless told. */
  log?: (line: string) => void;
}

export interface IntegrationFailure {
  title: string;
  error: string;
}

export interface IntegrationResult {
  passed: number;
  failed: number;
  failures: IntegrationFailure[];
  exitCode: number;
}

/** Environment variable naming the JSON file that test/integration/index.ts `run()` writes. */
export const RESULT_FILE_ENV = 'AGENT_OS_TEST_RESULT_FILE';

/** Something went wrong around the tests (not a failing test): server, browser, timeouts, result file. */
export class HarnessError extends Error {
  override name = 'HarnessError';
}

const WORKBENCH_TIMEOUT_MS = 60_000;

// Workbench chatter forwarded through codeAutomationLog that says nothing about the tests
// (VSCODE-TESTING.md "Noise you can ignore"); still written to extension-host.log.
const NOISE: RegExp[] = [
  /ENOTFOUND open-vsx\.org/,
  /Timed out waiting for authentication provider 'github'/,
  /vsda_bg\.wasm/,
  /^Canceled: Canceled/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[reconnection-grace-time\]/,
  /^\[Service Worker\]/,
  /^\[AccountPolicyGate\]/,
  /^\[AgentHost:remote\]/,
  /^Updating additional builtin extensions cache/,
];

export async function runIntegrationSuite(opts: IntegrationOptions): Promise<IntegrationResult> {
  const extensionPath = path.resolve(opts.extensionPath);
  const testsEntry = path.resolve(opts.testsEntry);
  const workspaceFolder = path.resolve(opts.workspaceFolder);
  const installExtensions = (opts.installExtensions ?? []).map((p) => path.resolve(p));
  const timeoutMs = opts.timeoutMs ?? 5 * 60_000;
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  for (const [what, p] of [
    ['extension package.json', path.join(extensionPath, 'package.json')],
    ['tests entry', testsEntry],
    ['workspace folder', workspaceFolder],
    ...installExtensions.map((p) => ['installed extension package.json', path.join(p, 'package.json')] as const),
  ]) {
    if (!fs.existsSync(p)) {
      throw new HarnessError(`${what} ${p} does not exist`);
    }
  }

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let stage = 'starting code-server';
  const started = Date.now();
  try {
    const runName = opts.runName ?? 'integration';
    // startCodeServer wipes and recreates test-output/<runName>/; run() writes the file into it.
    const resultFile = path.join(testOutputDir, runName, 'result.json');
    server = await startCodeServer({
      runName,
      smokeDriver: true,
      folder: workspaceFolder,
      extensions: installExtensions,
      env: { [RESULT_FILE_ENV]: resultFile },
    }).catch((err: unknown) => {
      throw new HarnessError(`code-server did not start: ${errorMessage(err)}`);
    });
    const serverReadyMs = Date.now() - started;

    stage = 'launching chromium';
    browser = await launchBrowser(server.scratchDir);
    const browserMs = Date.now() - started;
    const { page } = browser;
    const extHostLog = fs.createWriteStream(path.join(server.scratchDir, 'extension-host.log'));
    const exitCode = deferred<number>();
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      const parts: unknown[] = Array.isArray(args) ? args : [args];
      const line = util.format(...parts);
      extHostLog.write(`[${String(type)}] ${line}\n`);
      if (!NOISE.some((re) => re.test(line))) {
        // Workbench errors come with long minified stacks: the first lines here, all in the file.
        log(type === 'error' || type === 'warn' ? `[${String(type)}] ${line.split('\n').slice(0, 3).join('\n')}` : line);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      exitCode.resolve(typeof code === 'number' ? code : Number(code));
    });
    page.on('crash', () => exitCode.reject(new HarnessError('the workbench page crashed')));
    void server.exited.then((code) => exitCode.reject(new HarnessError(`code-server exited (${code}) during the run`)));

    const remote = `vscode-remote://127.0.0.1:${server.port}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `${remote}${extensionPath}`],
      ['extensionTestsPath', `${remote}${testsEntry}`],
      ['skipWelcome', 'true'],
    ]);
    const url = `${server.url}/?folder=${encodeURIComponent(workspaceFolder)}&payload=${encodeURIComponent(payload)}`;

    stage = 'opening the workbench';
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    await page
      .locator('.monaco-workbench')
      .first()
      .waitFor({ state: 'attached', timeout: WORKBENCH_TIMEOUT_MS })
      .catch((err: unknown) => {
        throw new HarnessError(`the page never showed the workbench (.monaco-workbench): ${errorMessage(err)}`);
      });
    const workbenchMs = Date.now() - started;

    stage = 'waiting for the tests to finish';
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exitCode.promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new HarnessError(`no exit code from the extension tests within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const testsMs = Date.now() - started;

    stage = 'reading the result file';
    // run() writes the file before it settles, so it exists by the time the exit code arrives;
    // the short wait only covers the file system catching up.
    await waitFor(() => fs.existsSync(resultFile), {
      timeoutMs: 2000,
      message: `no result file ${resultFile} (did run() see ${RESULT_FILE_ENV}?)`,
    }).catch((err: unknown) => {
      throw new HarnessError(errorMessage(err));
    });
    const result = parseResult(fs.readFileSync(resultFile, 'utf8'), resultFile);
    if (code !== 0 && result.failed === 0) {
      result.failed = 1;
      result.failures.push({
        title: 'extension host exit code',
        error: `the extension tests exited with ${code} but the result file reports no failure`,
      });
    }
    await screenshot(page, 'integration-final');
    extHostLog.end();
    log(
      `[harness] integration: server healthy ${serverReadyMs} ms, browser ${browserMs} ms, workbench ${workbenchMs} ms, ` +
        `tests done ${testsMs} ms after start`,
    );
    return { ...result, exitCode: code };
  } catch (err) {
    if (browser) {
      const shot = await screenshot(browser.page, 'integration-failure');
      if (shot) {
        log(`[harness] screenshot: ${shot}`);
      }
    }
    const reason = errorMessage(err);
    const consoleTail = browser ? browser.consoleLines.slice(-15).join('\n') : '';
    const serverTail = server ? server.logTail(40) : '';
    throw new HarnessError(
      `integration harness failed while ${stage}: ${reason}` +
        (serverTail ? `\n--- tail of ${server?.logFile} ---\n${serverTail}` : '') +
        (consoleTail ? `\n--- tail of the page console ---\n${consoleTail}` : ''),
    );
  } finally {
    await browser?.close();
    await server?.stop();
  }
}

function parseResult(text: string, file: string): Omit<IntegrationResult, 'exitCode'> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new HarnessError(`result file ${file} is not JSON: ${errorMessage(err)}`);
  }
  const obj = data as { passed?: unknown; failed?: unknown; failures?: unknown };
  if (typeof obj !== 'object' || obj === null || typeof obj.passed !== 'number' || typeof obj.failed !== 'number') {
    throw new HarnessError(`result file ${file} lacks numeric "passed"/"failed": ${text.slice(0, 300)}`);
  }
  const failures: IntegrationFailure[] = Array.isArray(obj.failures)
    ? obj.failures.map((f: unknown) => {
        const item = (f ?? {}) as { title?: unknown; error?: unknown };
        return { title: asText(item.title, '?'), error: asText(item.error, '') };
      })
    : [];
  return { passed: obj.passed, failed: obj.failed, failures };
}

function asText(value: unknown, fallback: string): string {
  if (value === undefined || value === null) {
    return fallback;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// Manual use: node out/test/harness/runIntegration.js <workspaceFolder> [extensionPath]
if (require.main === module) {
  const [workspaceFolder, extensionPath] = process.argv.slice(2);
  if (!workspaceFolder) {
    process.stderr.write('usage: node out/test/harness/runIntegration.js <workspaceFolder> [extensionPath]\n');
    process.exit(2);
  }
  runIntegrationSuite({
    extensionPath: extensionPath ?? repoRoot,
    testsEntry: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    workspaceFolder,
  }).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exit(result.failed > 0 || result.exitCode !== 0 ? 1 : 0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

