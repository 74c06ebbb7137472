// Starts and stops the VS Code server bundled in npm `code-server` (see VSCODE-TESTING.md):
// one fresh scratch folder per run, loopback only, its own process group so that stopping it
// also ends its extension hosts, file watchers and pty hosts.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { deferred, waitFor, withTimeout } from './waitFor';
import './suiteWarningHooks';
import { scanLogsForLeaks } from './warningGuard';

export interface CodeServerOptions {
  /** Names the scratch folder `test-output/<runName>/`, wiped at start. */
  runName: string;
  /** Adds `--vscode-option enable-smoke-test-driver` (needed for the extension-test payload). */
  smokeDriver?: boolean;
  /** Folder the server opens by default (the browser URL's `?folder=` still wins). */
  folder?: string;
  /** Extension folders to install plainly, by symlink into the extensions dir. */
  extensions?: string[];
  /** Extra environment for the server; its extension hosts inherit it. */
  env?: Record<string, string>;
  /** Merged over the default user settings. */
  settings?: Record<string, unknown>;
  /** Deadline for `GET /healthz`; 30 s unless told. */
  healthTimeoutMs?: number;
}

export interface CodeServer {
  url: string;
  port: number;
  scratchDir: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  pid: number;
  /** Resolves with the server's exit code (or -1 for a signal) when its main process ends. */
  exited: Promise<number | null>;
  /** The last `lines` lines of the server log (for failure messages). */
  logTail(lines?: number): string;
  /** Ends the whole process group; safe to call twice. */
  stop(): Promise<void>;
}

export interface TestVsCodePaths {
  node24: string;
  codeServerDir: string;
  entry: string;
}

/** Root of this repository (the folder whose package.json is agent-os-personas). */
export const repoRoot: string = findRepoRoot(__dirname);
/** Where runs write scratch folders, logs and screenshots. Override with AGENT_OS_TEST_OUTPUT. */
export const testOutputDir: string = process.env.AGENT_OS_TEST_OUTPUT
  ? path.resolve(process.env.AGENT_OS_TEST_OUTPUT)
  : path.join(repoRoot, 'test-output');

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'telemetry.telemetryLevel': 'off',
  'telemetry.feedback.enabled': false,
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The palette's "similar commands" search delays accepting a pick by seconds.
  'workbench.commandPalette.experimental.enableNaturalLanguageSearch': false,
  'workbench.commandPalette.experimental.suggestCommands': false,
  'workbench.commandPalette.showAskInChat': false,
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  'chat.disableAIFeatures': true,
};

/** Reads `paths.env` written by scripts/install-test-vscode.sh (same cache-folder rules). */
export function readTestVsCodePaths(): TestVsCodePaths {
  const cache =
    process.env.AGENT_OS_TEST_CACHE ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'agent-os-personas');
  const envFile = path.join(cache, 'paths.env');
  let text: string;
  try {
    text = fs.readFileSync(envFile, 'utf8');
  } catch {
    throw new Error(`${envFile} is missing: run \`bash scripts/install-test-vscode.sh\` first`);
  }
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) {
      values.set(match[1], match[2]);
    }
  }
  const node24 = values.get('NODE24');
  const codeServerDir = values.get('CODE_SERVER');
  if (!node24 || !codeServerDir) {
    throw new Error(`${envFile} lacks NODE24= or CODE_SERVER=; re-run scripts/install-test-vscode.sh`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(codeServerDir, 'package.json'), 'utf8')) as {
    bin?: string | Record<string, string>;
    main?: string;
  };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['code-server'];
  const entry = path.join(codeServerDir, bin ?? pkg.main ?? 'out/node/entry.js');
  for (const file of [node24, entry]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${file} (from ${envFile}) does not exist; re-run scripts/install-test-vscode.sh`);
    }
  }
  return { node24, codeServerDir, entry };
}

/** Creates `test-output/<name>/` empty (removing what a previous run left). */
export function freshScratchDir(name: string): string {
  const dir = path.join(testOutputDir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Copies `sample-workspace/` (or `template`) to a fresh `test-output/<name>/` and returns it. */
export function freshWorkspaceCopy(name: string, template = path.join(repoRoot, 'sample-workspace')): string {
  const dir = freshScratchDir(name);
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

/** `<publisher>.<name>-<version>`, the folder name VS Code expects in an extensions dir. */
export function extensionFolderName(extensionPath: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as {
    publisher?: string;
    name?: string;
    version?: string;
  };
  if (!pkg.publisher || !pkg.name || !pkg.version) {
    throw new Error(`${extensionPath}/package.json needs publisher, name and version`);
  }
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

// Servers still running; killed synchronously if this process exits or is interrupted.
const liveGroups = new Set<number>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) {
    return;
  }
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) {
      killGroup(pgid, 'SIGKILL');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const pgid of liveGroups) {
        killGroup(pgid, 'SIGKILL');
      }
      liveGroups.clear();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const paths = readTestVsCodePaths();
  const scratchDir = freshScratchDir(opts.runName);
  // Unix sockets (code-server-ipc.sock in the user-data-dir, vscode-ipc-*.sock in TMPDIR) are
  // limited to 107 bytes; in a deeply nested clone put those two folders under /tmp instead.
  let shortBase = scratchDir;
  let removeShortBase = false;
  if (scratchDir.length > 60) {
    shortBase = fs.mkdtempSync(path.join(os.tmpdir(), 'aop-'));
    removeShortBase = true;
  }
  const userDataDir = path.join(shortBase, 'ud');
  const extensionsDir = path.join(userDataDir, 'extensions');
  const tmpDir = path.join(shortBase, 'tmp');
  const xdg = path.join(scratchDir, 'xdg');
  for (const dir of [path.join(userDataDir, 'User'), extensionsDir, tmpDir, xdg]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  if (removeShortBase) {
    fs.symlinkSync(shortBase, path.join(scratchDir, 'short'));
  }
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2),
  );
  for (const ext of opts.extensions ?? []) {
    const abs = path.resolve(ext);
    fs.symlinkSync(abs, path.join(extensionsDir, extensionFolderName(abs)), 'dir');
  }

  const logFile = path.join(scratchDir, 'code-server.log');
  const configFile = path.join(scratchDir, 'config.yaml');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    TMPDIR: tmpDir,
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    XDG_STATE_HOME: path.join(xdg, 'state'),
    XDG_RUNTIME_DIR: tmpDir,
  };
  // Variables that would reconfigure code-server or the extension host from outside.
  for (const key of ['PASSWORD', 'HASHED_PASSWORD', 'PORT', 'VSCODE_PROXY_URI', 'ELECTRON_RUN_AS_NODE', 'NODE_OPTIONS']) {
    delete env[key];
  }

  const maxAttempts = 3;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    const args = [
      paths.entry,
      '--config', configFile,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--reconnection-grace-time', '5',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
    ];
    if (opts.smokeDriver) {
      args.push('--vscode-option', 'enable-smoke-test-driver');
    }
    if (opts.folder) {
      args.push(path.resolve(opts.folder));
    }
    fs.appendFileSync(logFile, `[harness] ${paths.node24} ${args.join(' ')}\n`);
    const logFd = fs.openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(paths.node24, args, {
        cwd: scratchDir,
        env,
        detached: true, // own process group: stop() kills -pid
        stdio: ['ignore', logFd, logFd],
      });
    } finally {
      fs.closeSync(logFd);
    }
    const pid = child.pid;
    if (pid === undefined) {
      throw new Error(`could not spawn ${paths.node24}; see ${logFile}`);
    }
    liveGroups.add(pid);
    installExitHooks();
    const exited = deferred<number | null>();
    child.on('exit', (code, signal) => exited.resolve(code ?? (signal ? -1 : null)));
    child.on('error', (err) => exited.reject(err));

    const logTail = (lines = 40): string => tailFile(logFile, lines);
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) {
        return;
      }
      stopped = true;
      if (!exited.settled && killGroup(pid, 'SIGTERM')) {
        await withTimeout(exited.promise, 3000, 'code-server did not exit on SIGTERM').catch(() => undefined);
      }
      // The leader may be gone while extension hosts or watchers of its group live on.
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
      // Our extension runs in code-server's extension host: a FileHandle it left to the
      // collector is only in these logs. The suite's root hook fails on what is found.
      scanLogsForLeaks(scratchDir, 'code-server');
      if (removeShortBase) {
        fs.rmSync(shortBase, { recursive: true, force: true });
      }
    };

    try {
      const healthTimeoutMs = opts.healthTimeoutMs ?? 30_000;
      const state = await waitFor(
        async () => (exited.settled ? 'exited' : (await httpStatus(`${url}/healthz`)) === 200 ? 'healthy' : false),
        { timeoutMs: healthTimeoutMs, intervalMs: 100, message: `code-server at ${url} not healthy` },
      );
      if (state === 'exited') {
        const code = await exited.promise.catch((e: unknown) => String(e));
        throw new Error(`code-server exited (${code}) before it was healthy`);
      }
    } catch (err) {
      await stop();
      const addrInUse = /EADDRINUSE/.test(logTail(20));
      if (addrInUse && attempt < maxAttempts) {
        continue; // lost the race for the free port; try another
      }
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`${reason}\n--- tail of ${logFile} ---\n${logTail()}`);
    }
    return {
      url,
      port,
      scratchDir,
      userDataDir,
      extensionsDir,
      logFile,
      pid,
      exited: exited.promise,
      logTail,
      stop,
    };
  }
}

export function tailFile(file: string, lines = 40): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch (err) {
    return `(could not read ${file}: ${String(err)})`;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkgFile = path.join(dir, 'package.json');
    if (fs.existsSync(pkgFile)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { name?: string };
        if (pkg.name === 'agent-os-personas') {
          return dir;
        }
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return process.cwd();
    }
    dir = parent;
  }
}
