// The suites' guard against FileHandles left to the garbage collector (test/harness/warningGuard.ts,
// installed by test/unit/setup.ts): a real leak, on this thread and on a worker thread, is seen,
// names where the handle was opened, and becomes the error the root hooks fail the run with.
// Each test takes only its own leak, so a leak of any other test still fails the run.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { waitFor } from '../harness/waitFor';
import { collectAndSettle, leakError, takeLeakWarnings, type LeakWarning } from '../harness/warningGuard';
import { useTempDir } from './tempDir';

/** Opens a file and drops the handle without closing it: the bug the guard exists for. */
async function leakAHandle(path: string): Promise<number> {
  const handle = await fsp.open(path, 'w');
  return handle.fd;
}

async function leaksOf(match: (leak: LeakWarning) => boolean, what: string): Promise<LeakWarning[]> {
  return waitFor(
    async () => {
      await collectAndSettle();
      const taken = takeLeakWarnings(match);
      return taken.length > 0 ? taken : undefined;
    },
    { timeoutMs: 5000, intervalMs: 20, message: `the guard saw no leak warning for ${what}` },
  );
}

describe('the leaked-FileHandle guard of every suite', () => {
  const tmp = useTempDir();

  it('sees a FileHandle left to the collector on this thread, names where it was opened, and turns it into a failure', async () => {
    const fd = await leakAHandle(join(tmp.path, 'leaked.txt'));
    const leaks = await leaksOf((l) => l.text.includes(`Closing file descriptor ${fd} `) && (l.openedAt ?? '').includes('leakAHandle'), `descriptor ${fd}`);
    assert.equal(leaks.length, 1);
    assert.match(leaks[0]!.openedAt!, /leakGuard\.test\.js/);
    const error = leakError(leaks, 'in this test');
    assert.match(error.message, /1 FileHandle\(s\) were left to the garbage collector in this test/);
    assert.match(error.message, /leakAHandle/);
  });

  it('sees a leak on a worker thread: the worker forwards its warning and the main thread emits it again', async () => {
    const forwarder = join(__dirname, '..', '..', 'src', 'jobs', 'workerWarnings.js');
    // The worker leaks a handle, collects its own heap, and stays until its warning has gone out.
    const script = `
      const { forwardWarningsToHost } = require(${JSON.stringify(forwarder)});
      const { parentPort } = require('node:worker_threads');
      const v8 = require('node:v8'); const vm = require('node:vm');
      forwardWarningsToHost();
      process.on('warning', (w) => { if (/Closing file descriptor/.test(w.message)) setImmediate(() => parentPort.postMessage('warned')); });
      (async () => {
        const handle = await require('node:fs').promises.open(${JSON.stringify(join(tmp.path, 'worker-leaked.txt'))}, 'w');
        parentPort.postMessage({ fd: handle.fd });
      })().then(() => { v8.setFlagsFromString('--expose-gc'); const gc = vm.runInNewContext('gc'); const again = setInterval(gc, 20); parentPort.once('message', () => clearInterval(again)); });
    `;
    const worker = new Worker(script, { eval: true });
    try {
      const fd = await new Promise<number>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (m: unknown) => typeof m === 'object' && m !== null && 'fd' in m && resolve((m as { fd: number }).fd));
      });
      await new Promise<void>((resolve) => worker.on('message', (m: unknown) => m === 'warned' && resolve()));
      const leaks = await leaksOf((l) => l.text.includes(`Closing file descriptor ${fd} on garbage collection (on worker thread ${worker.threadId})`), `the worker's descriptor ${fd}`);
      assert.equal(leaks.length, 1);
      worker.postMessage('stop');
    } finally {
      await worker.terminate();
    }
  });
});
