// Fails a test run on a FileHandle left to the garbage collector. Node closes such a handle
// itself and says so only as a warning ("Closing file descriptor N on garbage collection",
// then DEP0137); future Node versions throw instead. The warning names no caller, so the guard
// also remembers where each FileHandle was opened (by descriptor) and names that place.
// Used by every suite: unit (test/unit/setup.ts), integration (test/integration/index.ts), and the
// UI and packaging suites (test/harness/suiteWarningHooks.ts).
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** A leak warning seen by the guard, with where the leaked handle was opened when known. */
export interface LeakWarning {
  text: string;
  openedAt: string | undefined;
}

const seen: LeakWarning[] = [];
/** The stack of the newest FileHandle opened on each descriptor: a leaked one still holds its descriptor, so the newest is it. */
const openedAt = new Map<number, string>();
let installed = false;
let closingSeen = false;

/** True for the warnings of a FileHandle closed by the collector, on this thread or relayed from a worker. */
export function isLeakWarning(warning: Error & { code?: string }): boolean {
  return warning.code === 'DEP0137' || /Closing file descriptor \d+ on garbage collection/.test(warning.message);
}

/** Starts recording leak warnings (and where FileHandles are opened); idempotent. */
export function watchLeakWarnings(): void {
  if (installed) return;
  installed = true;
  process.on('warning', (warning: Error & { code?: string }) => {
    if (!isLeakWarning(warning)) return;
    const fd = /Closing file descriptor (\d+)/.exec(warning.message)?.[1];
    // Node adds DEP0137 once per thread after a "Closing" warning: one report per handle.
    if (warning.code === 'DEP0137' && closingSeen) return;
    if (fd !== undefined) closingSeen = true;
    seen.push({ text: `${warning.name}: ${warning.message}`, openedAt: fd === undefined ? undefined : openedAt.get(Number(fd)) });
  });
  recordOpens();
}

/** Wraps fs.promises.open to remember the opener's stack by descriptor (callers look the function up at each call, so the wrap reaches them). */
function recordOpens(): void {
  const promises = fs.promises as { open: typeof fs.promises.open };
  const open = promises.open;
  promises.open = async function openRecorded(...args: Parameters<typeof fs.promises.open>) {
    const stack = new Error('FileHandle opened here').stack ?? '';
    const handle = await open(...args);
    openedAt.set(handle.fd, stack.split('\n').slice(2, 10).join('\n'));
    return handle;
  };
}

/**
 * Records the leak warnings printed in another process's logs (the code-server that serves the UI
 * suite runs our extension in its extension host: its warnings only reach its log files).
 */
export function scanLogsForLeaks(folder: string, where: string): void {
  const pattern = /Closing file descriptor \d+ on garbage collection|DEP0137/;
  for (const file of logFilesUnder(folder)) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (pattern.test(line)) seen.push({ text: line.trim(), openedAt: `(printed in ${where}'s log ${file})` });
    }
  }
}

function logFilesUnder(folder: string): string[] {
  try {
    return fs
      .readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.log'))
      .map((f) => `${folder}/${f}`);
  } catch {
    return [];
  }
}

/** The leak warnings seen and not yet taken (those `match` accepts: the others stay for the hooks). */
export function takeLeakWarnings(match: (leak: LeakWarning) => boolean = () => true): LeakWarning[] {
  const taken = seen.filter(match);
  const kept = seen.filter((leak) => !match(leak));
  seen.splice(0, seen.length, ...kept);
  return taken;
}

let gcFunction: (() => void) | undefined;

/** A full garbage collection, whether or not Node was started with --expose-gc. */
export function collectGarbage(): void {
  if (!gcFunction) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) {
      gcFunction = exposed;
    } else {
      // The flag only takes effect for contexts created after it is set: a fresh one hands gc out.
      v8.setFlagsFromString('--expose-gc');
      gcFunction = vm.runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

/** Collects garbage and waits for the warnings it causes (Node emits them from an immediate, then on the next tick). */
export async function collectAndSettle(): Promise<void> {
  collectGarbage();
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** The error a suite fails with: every leak, with where its handle was opened. */
export function leakError(leaks: LeakWarning[], when: string): Error {
  const lines = leaks.map((l) => `${l.text}\n    ${l.openedAt ? l.openedAt.trim() : '(opened where the guard could not see: a worker thread, or before the guard started)'}`);
  const error = new Error(`${leaks.length} FileHandle(s) were left to the garbage collector ${when}; close every handle (await handle.close() in a finally):\n${lines.join('\n')}`);
  // The stack of this hook says nothing useful; the message carries the opener's stack.
  error.stack = error.message;
  return error;
}

/** Leaks seen after a test, each with that test's title, kept for the end of the run. */
const afterTests: LeakWarning[] = [];

/**
 * Mocha root hooks. After each test, the leaks seen so far are noted with that test's title (the
 * collector runs when it likes, so the leak may be an earlier test's: the opener's stack says
 * which). A hook that threw here would skip every later test, so the run fails once, at its
 * end: a last collection, then every leak found. AGENT_OS_GC_EACH_TEST=1 collects after every
 * test too, to pin a leak to its test (slow: a full collection per test).
 */
export const leakHooks = {
  async afterEach(this: { currentTest?: { fullTitle(): string } }): Promise<void> {
    if (process.env['AGENT_OS_GC_EACH_TEST'] === '1') await collectAndSettle();
    const title = this.currentTest?.fullTitle() ?? 'a test';
    for (const leak of takeLeakWarnings()) afterTests.push({ ...leak, text: `${leak.text} (seen after "${title}")` });
  },
  async afterAll(): Promise<void> {
    await collectAndSettle();
    const leaks = [...afterTests.splice(0), ...takeLeakWarnings()];
    if (leaks.length > 0) throw leakError(leaks, 'by this suite');
  },
};
