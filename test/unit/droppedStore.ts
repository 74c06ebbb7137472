// An in-process stand-in for a crash: the tests that reopen a store "after kill -9" drop the
// first one without close(). A killed process's descriptors are closed by the kernel; a dropped
// store's journal FileHandle would be left to the garbage collector, which the suites' leak
// guard refuses (test/harness/warningGuard.ts). This closes that handle and nothing else: no
// flush, no snapshot, no truncate, so the files stay exactly as the crash left them.
import type { FileHandle } from 'node:fs/promises';
import type { JobStore } from '../../src/jobs/jobStore';

interface WithJournal {
  database?: { journal?: { handle?: FileHandle | null } };
}

/** Closes the dropped store's journal descriptor as the kernel would (no-op when the journal keeps none: then nothing leaks). */
export async function releaseDroppedStore(store: JobStore): Promise<void> {
  // Private fields, read on purpose: the store has no way to close without writing, by design.
  const handle = (store as unknown as WithJournal).database?.journal?.handle;
  if (handle && typeof handle.close === 'function') await handle.close();
}
