// Debian chromium driven by playwright-core, with a fresh profile per run (VSCODE-TESTING.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { testOutputDir } from './codeServer';

export const CHROMIUM_PATH = process.env.AGENT_OS_TEST_CHROMIUM || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Page console messages and page errors, newest last (for failure reports). */
  consoleLines: string[];
  close(): Promise<void>;
}

/** Launches chromium with its profile in `<scratchDir>/chromium-profile` (recreated). */
export async function launchBrowser(scratchDir: string): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run \`bash scripts/install-test-vscode.sh\``);
  }
  const profileDir = path.join(scratchDir, 'chromium-profile');
  fs.rmSync(profileDir, { recursive: true, force: true });
  fs.mkdirSync(profileDir, { recursive: true });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    timeout: 30_000,
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) {
      return;
    }
    closed = true;
    await context.close().catch(() => undefined);
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleLines: string[] = [];
    const remember = (line: string): void => {
      consoleLines.push(line);
      if (consoleLines.length > 500) {
        consoleLines.shift();
      }
    };
    page.on('console', (msg) => remember(`[console.${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => remember(`[pageerror] ${err.message}`));
    return { context, page, consoleLines, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Writes `test-output/screenshots/<name>.png` and returns its path; never throws. */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
  const dir = path.join(testOutputDir, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  try {
    await page.screenshot({ path: file, timeout: 10_000 });
    return file;
  } catch (err) {
    process.stderr.write(`[harness] screenshot ${file} failed: ${String(err)}\n`);
    return undefined;
  }
}
