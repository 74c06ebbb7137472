import { JobStore } from '../../src/jobs/jobStore';
import { JournaledDatabase } from '../../src/jobs/journaledDatabase';
import { STORE_SCHEMA } from '../../src/services';
import { ProposalStore } from '../../src/standards/proposalStore';

export interface WholeStore {
  store: JobStore;
  proposals: ProposalStore;
  database: JournaledDatabase;
  close(): Promise<void>;
}

/** The workspace's store as the services open it (every module's tables), without the services. */
export async function openWholeStore(dir: string, now: () => number = Date.now): Promise<WholeStore> {
  const database = await JournaledDatabase.open({ dir, schema: STORE_SCHEMA, now });
  const store = new JobStore(database, dir, { now });
  const proposals = new ProposalStore(database, now);
  return {
    store,
    proposals,
    database,
    close: async () => {
      await store.close();
      await database.close();
    },
  };
}
