// A person's view of VS Code: code-server without the smoke driver, the extension installed
// from the .vsix a person would get (see vsix.ts), chromium on the workbench
// (VSCODE-TESTING.md, section B).
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type Browser } from './browser';
import { freshWorkspaceCopy, startCodeServer, type CodeServer } from './codeServer';
import { installedExtension } from './vsix';
import { errorMessage } from './waitFor';

export interface UiSessionOptions {
  /** Names the scratch folder (`test-output/e2e-<name>/`) and prefixes screenshots. */
  name: string;
  /** Extension folder to install; AGENT_OS_TEST_EXTENSION_PATH, else the one installed from the built .vsix, unless told. */
  extensionPath?: string;
  /** Folder to open; a fresh copy of sample-workspace/ at `test-output/e2e-<name>-workspace/` unless told; `null` opens an empty window. */
  workspaceFolder?: string | null;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server and its extension host. */
  env?: Record<string, string>;
  /** More extension folders installed beside it (test-only ones, e.g. the chat model provider fixture). */
  installExtensions?: string[];
}

export interface UiSession {
  page: Page;
  server: CodeServer;
  browser: Browser;
  /** The folder opened, or undefined for an empty window. */
  workspaceFolder: string | undefined;
  /** Milliseconds from the start of startUiSession: server healthy, browser up, activity bar shown. */
  timings: { serverMs: number; browserMs: number; workbenchMs: number };
  /** Runs a command through the Command Palette by its title ("Category: Title" or just "Title"). */
  runCommand(title: string, timeoutMs?: number): Promise<void>;
  /** Writes `test-output/screenshots/e2e-<name>-<shot>.png`. */
  screenshot(shot: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export const SELECTORS = {
  workbench: '.monaco-workbench',
  activityBar: '.monaco-workbench .part.activitybar',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-list .monaco-list-row',
  treeRow: '.pane-body .monaco-list-row',
  toast: '.notifications-toasts .notification-toast',
  /** `.activitybar .action-label[aria-label^="<title>"]` for a view container icon. */
  activityIcon: (title: string) => `.activitybar .action-label[aria-label^="${title.replace(/"/g, '\\"')}"]`,
} as const;

const WORKBENCH_TIMEOUT_MS = 60_000;

export async function startUiSession(opts: UiSessionOptions): Promise<UiSession> {
  const override = opts.extensionPath ?? process.env.AGENT_OS_TEST_EXTENSION_PATH;
  const extensionPath = override ? path.resolve(override) : await installedExtension();
  const workspaceFolder = opts.workspaceFolder === null ? undefined : path.resolve(opts.workspaceFolder ?? freshWorkspaceCopy(`e2e-${opts.name}-workspace`));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
  };
  const started = Date.now();
  try {
    server = await startCodeServer({
      runName: `e2e-${opts.name}`,
      folder: workspaceFolder,
      extensions: [extensionPath, ...(opts.installExtensions ?? []).map((p) => path.resolve(p))],
      settings: opts.settings,
      env: opts.env,
    });
    const serverMs = Date.now() - started;
    browser = await launchBrowser(server.scratchDir);
    const browserMs = Date.now() - started;
    const { page } = browser;
    await page.goto(workspaceFolder ? `${server.url}/?folder=${encodeURIComponent(workspaceFolder)}` : `${server.url}/?ew=true`, {
      waitUntil: 'domcontentloaded',
      timeout: 30_000,
    });
    await page.locator(SELECTORS.activityBar).first().waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
    const workbenchMs = Date.now() - started;
    const liveServer = server;
    const liveBrowser = browser;
    return {
      page,
      server: liveServer,
      browser: liveBrowser,
      workspaceFolder,
      timings: { serverMs, browserMs, workbenchMs },
      runCommand: (title, timeoutMs) => runCommand(page, title, timeoutMs),
      screenshot: (shot) => screenshot(page, `e2e-${opts.name}-${shot}`),
      close,
    };
  } catch (err) {
    if (browser) {
      await screenshot(browser.page, `e2e-${opts.name}-startup-failure`);
    }
    const tail = server ? `\n--- tail of ${server.logFile} ---\n${server.logTail(30)}` : '';
    const consoleTail = browser ? `\n--- tail of the page console ---\n${browser.consoleLines.slice(-15).join('\n')}` : '';
    await close();
    throw new Error(`UI session "${opts.name}" did not start: ${errorMessage(err)}${tail}${consoleTail}`);
  }
}

/**
 * F1, type `>` + title, wait for the matching row, Enter (or click it if another row has focus).
 * A palette that does not open within 5 s (the key press was lost) is asked for again.
 * The palette lists the commands known when it opens, and an extension's contributions arrive
 * a few seconds after the workbench shows; so a palette without the command is closed and
 * reopened until the deadline.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator(SELECTORS.quickInputBox).first();
  const match = page.locator(SELECTORS.quickInputRow, { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const opened = await input.waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(5000, deadline - Date.now())) }).then(
      () => true,
      (err: unknown) => {
        if (Date.now() >= deadline) throw err;
        return false;
      },
    );
    if (!opened) {
      // The key press was lost while the focus moved (seen once as a result opened in the markdown
      // preview: the palette never showed in 30 s). Focus the page itself, then F1 again.
      await page.evaluate('document.activeElement && document.activeElement.blur()');
      continue;
    }
    // The workbench can close the palette as it opens (an editor or a toast taking the focus
    // while it settles); then F1 again, within the same deadline.
    const typed = await input.fill(`>${title}`, { timeout: Math.max(1000, Math.min(5000, deadline - Date.now())) }).then(
      () => true,
      (err: unknown) => {
        if (Date.now() >= deadline) throw err;
        return false;
      },
    );
    if (!typed) continue;
    // Longer waits on later attempts: the first open also pays for loading the palette.
    const wait = Math.max(500, Math.min(attempt * 2000, deadline - Date.now()));
    const found = await match.waitFor({ state: 'visible', timeout: wait }).then(
      () => true,
      () => false,
    );
    if (found) {
      break;
    }
    if (Date.now() >= deadline) {
      const rows = await page.locator(SELECTORS.quickInputRow).allTextContents().catch(() => []);
      await page.keyboard.press('Escape');
      throw new Error(
        `command "${title}" not in the Command Palette after ${timeoutMs} ms (${attempt} tries); ` +
          `rows: ${JSON.stringify(rows.slice(0, 10))}`,
      );
    }
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
  }
  const focused = page.locator(`${SELECTORS.quickInputRow}.focused`, { hasText: title });
  if ((await focused.count()) > 0) {
    await input.press('Enter');
  } else {
    await match.click();
  }
}

/**
 * Sessions kept open from one test file to the next, by the `shareAs` key they were asked for
 * with; all closed when the suite ends. A workbench start costs about 40 s of CPU (code-server,
 * its extension host and chromium loading the workbench), a large part of the UI suite's time
 * on two cores.
 */
const sharedSessions = new Map<string, Promise<UiSession>>();

// A root-level hook (this module is first loaded by a test file, with mocha's globals defined):
// the shared sessions end with the suite. Outside mocha there is nothing to register.
if (typeof after === 'function') {
  after(async () => {
    const sessions = [...sharedSessions.values()];
    sharedSessions.clear();
    for (const session of sessions) await (await session.catch(() => undefined))?.close();
  });
}

/**
 * Brings a shared workbench back to a plain state for the next file: no picker, no open editor,
 * no notification, the Explorer in the side bar. What the earlier files did stays in the store and the tree, which
 * is what a person's own window holds too; the tests find their rows by their own task text.
 */
async function tidyForNextFile(session: UiSession): Promise<void> {
  const { page } = session;
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  // The Explorer in front, as in a new window: a click on the Personas icon then opens its view
  // (on the view already in front it would close the side bar).
  for (const command of ['View: Close All Editors', 'Notifications: Clear All Notifications', 'View: Show Explorer']) {
    await session.runCommand(command, 30_000);
  }
  await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 15_000 });
}

/**
 * One UI session for a mocha `describe`: started before its tests, closed after them, a
 * screenshot of each failed test. Returns the session for the tests (throws when it did not start).
 *
 * With `shareAs`, files asking for the same key share one workbench (the first one's options
 * start it, so files sharing a key must ask for the same settings): it is tidied between files
 * (tidyForNextFile) and closed when the suite ends. Screenshots still carry each file's `name`.
 */
export function useUiSession(options: UiSessionOptions & { shareAs?: string }): () => UiSession {
  let session: UiSession | undefined;
  const { shareAs } = options;
  before(async () => {
    if (shareAs === undefined) {
      session = await startUiSession(options);
      return;
    }
    let shared = sharedSessions.get(shareAs);
    const reused = shared !== undefined;
    if (!shared) {
      shared = startUiSession({ ...options, name: shareAs });
      sharedSessions.set(shareAs, shared);
    }
    const live = await shared;
    if (reused) await tidyForNextFile(live);
    session = { ...live, screenshot: (shot) => screenshot(live.page, `e2e-${options.name}-${shot}`) };
  });
  after(async () => {
    if (shareAs === undefined) await session?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.screenshot(`failure-${this.currentTest.title}`);
  });
  return () => {
    if (!session) throw new Error('the UI session did not start');
    return session;
  };
}
