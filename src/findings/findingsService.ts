import type { Disposable } from '../core/disposable';
import { TypedEmitter } from '../core/typedEmitter';
import type { JournaledDatabase } from '../jobs/journaledDatabase';
import type { JournalParam } from '../jobs/journal';
import type { Job, JobOutcome } from '../jobs/types';
import { extractFindings } from './extract';
import { filterSql, findingStatements, rowToFinding } from './findingRows';
import type { DismissReason, FindingFilter, PreexistingMode, PresentedReview, StoredFinding, Suppression, SuppressionsRead } from './types';

export interface FindingsEvents extends Record<string, unknown> {
  /** `.agent-os/suppressions.json` changed (a dismissal here, or a hand edit seen by `watch`). */
  'suppressions:changed': SuppressionsRead;
}

export interface FindingsOptions {
  database: JournaledDatabase;
  workspaceRoot: string;
  now?: () => number;
  log: (line: string) => void;
}

const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 1000;

/**
 * Findings as data: stored with their job (JobStore's `onComplete`), listed with filters,
 * dismissed into `.agent-os/suppressions.json`, and presented (a job's result with suppressed
 * findings cut and an audit footer) the same way on every surface.
 */
export class FindingsService implements Disposable {
  readonly events = new TypedEmitter<FindingsEvents>();
  private readonly now: () => number;

  constructor(private readonly options: FindingsOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * For JobStore's `onComplete` option: reads a completed review's findings off its result
   * (fingerprinted against the workspace's files, scoped by a diff in its context) and returns
   * the statements that store them. A panel's parent has none of its own (its personas' rows are
   * its findings); an answer outside the template has none.
   */
  readonly onComplete = async (job: Job, outcome: JobOutcome, isParent: boolean): Promise<{ sql: string; params: JournalParam[] }[]> => {
    if (isParent) return [];
    try {
      const findings = await extractFindings({ result: outcome.result, context: job.context, workspaceRoot: this.options.workspaceRoot });
      return findingStatements(job, findings, this.now());
    } catch (err) {
      this.options.log(`findings of job ${job.id} not stored: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  };

  /**
   * Newest first; suppressed findings are left out unless the filter asks for them. They are
   * left out page by page, so `limit` counts the findings returned, not the rows looked at.
   */
  list(filter: FindingFilter = {}): StoredFinding[] {
    const { where, params } = filterSql(filter);
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
    const page = (offset: number, size: number): StoredFinding[] =>
      this.options.database
        .query(`SELECT * FROM findings ${where} ORDER BY created_at DESC, job_id, ordinal LIMIT ${size} OFFSET ${offset}`, params)
        .map(rowToFinding);
    if (filter.includeSuppressed) return page(0, limit);
    const suppressed = new Set(this.suppressions().entries.map((s) => s.fingerprint));
    const kept: StoredFinding[] = [];
    for (let offset = 0; kept.length < limit; offset += limit) {
      const rows = page(offset, limit);
      kept.push(...rows.filter((f) => !suppressed.has(f.fingerprint)));
      if (rows.length < limit) break;
    }
    return kept.slice(0, limit);
  }

  /** Every finding of a job (a panel's: its personas'), in review order, suppressed ones included. */
  forJob(jobId: string): StoredFinding[] {
    return this.options.database
      .query('SELECT * FROM findings WHERE job_id = ? OR root_job_id = ? ORDER BY job_id, ordinal', [jobId, jobId])
      .map(rowToFinding);
  }

  /** `.agent-os/suppressions.json` as it reads now (owned by the suppressions module). */
  suppressions(): SuppressionsRead {
    return { entries: [], error: null };
  }

  /** Writes a suppression for the finding (reason required) and emits `suppressions:changed`. */
  dismiss(_finding: StoredFinding, _reason: DismissReason, _note: string): Promise<Suppression> {
    throw new Error('not yet built');
  }

  /** A job's result as every surface shows it. */
  present(jobId: string, _mode: PreexistingMode): PresentedReview {
    return { markdown: '', remaining: this.forJob(jobId), suppressed: [], preexisting: [], unanchored: 0, suppressionsError: null };
  }

  dispose(): void {
    this.events.removeAll();
  }
}
