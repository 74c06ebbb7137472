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

/**
 * Mocha root hooks: after each test, fail it on a leak warning seen so far (the collector runs
 * when it likes, so the leak may be an earlier test's: the message names the opener); after the
 * whole run, collect garbage once and fail on what that finds. AGENT_OS_GC_EACH_TEST=1 collects
 * after every test too, to pin a leak to its test (slow: a full collection per test).
 */
export const leakHooks = {
  async afterEach(): Promise<void> {
    if (process.env['AGENT_OS_GC_EACH_TEST'] === '1') await collectAndSettle();
    const leaks = takeLeakWarnings();
    if (leaks.length > 0) throw leakError(leaks, 'during this test or an earlier one');
  },
  async afterAll(): Promise<void> {
    await collectAndSettle();
    const leaks = takeLeakWarnings();
    if (leaks.length > 0) throw leakError(leaks, 'by this suite (found by a collection at its end)');
  },
};
