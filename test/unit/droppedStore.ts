// An in-process stand-in for a crash: the tests that reopen a store "after kill -9" drop the
// first one without close(). A killed process's descriptors are closed by the kernel; a dropped
// store's journal descriptor would stay open for the rest of the run (and, were it a FileHandle,
// be left to the garbage collector, which the suites' leak guard refuses:
// test/harness/warningGuard.ts). This closes that descriptor and nothing else: no flush, no
// snapshot, no truncate, so the files stay exactly as the crash left them.
import { closeSync } from 'node:fs';
import type { JobStore } from '../../src/jobs/jobStore';

interface WithJournal {
  database?: { journal?: { fd?: number | null } };
}

/** Closes the dropped store's journal descriptor as the kernel would. */
export function releaseDroppedStore(store: JobStore): Promise<void> {
  // Private fields, read on purpose: the store has no way to close without writing, by design.
  const journal = (store as unknown as WithJournal).database?.journal;
  if (!journal) throw new Error('releaseDroppedStore: the store keeps no journal where this helper looks (src/jobs/journal.ts changed?)');
  if (typeof journal.fd === 'number') {
    closeSync(journal.fd);
    // The dropped store must not write through a number the next open may be given.
    journal.fd = null;
  }
  return Promise.resolve();
}
