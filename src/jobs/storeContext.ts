import type { TypedEmitter } from '../core/typedEmitter';
import type { JobReads } from './jobReads';
import type { JournaledDatabase } from './journaledDatabase';
import type { JobChangeEvent, JobEvents, JobSummary } from './types';

/** What the store's parts (parent jobs, retention) share with it; only JobStore builds one. */
export interface StoreContext {
  readonly database: JournaledDatabase;
  readonly reads: JobReads;
  readonly events: TypedEmitter<JobEvents>;
  now(): number;
  /** Throws the size valve's refusal while new jobs are refused. */
  assertAccepting(): void;
  /** Reads the job's summary as it is now and emits it as this event. */
  emitChange(event: JobChangeEvent, id: string): JobSummary;
}
