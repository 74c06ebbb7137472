import { watch as watchFolder, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { Debouncer } from '../core/debouncer';
import type { Disposable } from '../core/disposable';
import { PersonaError } from '../core/errors';
import { PRIVATE_FOLDER } from '../core/privateFolder';
import { TypedEmitter } from '../core/typedEmitter';
import type { JournaledDatabase } from '../jobs/journaledDatabase';
import type { JournalParam } from '../jobs/journal';
import { JobReads } from '../jobs/jobReads';
import type { Job, JobOutcome } from '../jobs/types';
import { extractFindings } from './extract';
import { filterSql, findingStatements, rowToFinding } from './findingRows';
import { presentReview } from './present';
import { addSuppression, invalidError, readSuppressions, SUPPRESSIONS_PATH, whoDismisses } from './suppressions';
import { DISMISS_REASONS, type DismissReason, FindingFilter, PreexistingMode, PresentedReview, StoredFinding, Suppression, SuppressionsRead } from './types';

export interface FindingsEvents extends Record<string, unknown> {
  /** `.agent-os/suppressions.json` changed (a dismissal here, or a hand edit seen by `watch`). */
  'suppressions:changed': SuppressionsRead;
}

export interface FindingsOptions {
  database: JournaledDatabase;
  workspaceRoot: string;
  now?: () => number;
  log: (line: string) => void;
  /** Personas whose answers are not reviews (the workflow executor's report): never noted as outside the review template. */
  notReviews?: readonly string[];
}

const DEFAULT_LIMIT = 200;
/** More than any panel has personas; the store's list takes at most 500. */
const MAX_PANEL_CHILDREN = 500;
const MAX_LIMIT = 1000;
/** A dismissal's note is a sentence or a paragraph, kept in a committed file. */
const MAX_NOTE = 2000;
/** One save in an editor, or git checkout, fires several events; one read is enough for them. */
const WATCH_DEBOUNCE_MS = 150;

/**
 * Findings as data: stored with their job (JobStore's `onComplete`), listed with filters,
 * dismissed into `.agent-os/suppressions.json`, and presented (a job's result with suppressed
 * findings cut and an audit footer) the same way on every surface.
 */
export class FindingsService implements Disposable {
  readonly events = new TypedEmitter<FindingsEvents>();
  private readonly now: () => number;
  private watcher: { fs: FSWatcher; debouncer: Debouncer } | undefined;
  /** The store's own reads of jobs, over the same database (this service is made before the store, whose hook it provides). */
  private readonly jobs: JobReads;

  constructor(private readonly options: FindingsOptions) {
    this.now = options.now ?? Date.now;
    this.jobs = new JobReads(options.database, join(options.workspaceRoot, PRIVATE_FOLDER));
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

  /** `.agent-os/suppressions.json` as it reads now: a file that does not validate gives an error and no entries. */
  suppressions(): SuppressionsRead {
    return readSuppressions(this.options.workspaceRoot);
  }

  /**
   * Writes a suppression for the finding (reason required; the note may be empty) and emits
   * `suppressions:changed`. `by` is the person at this machine as git knows them, never a
   * caller's words. Refused with SUPPRESSIONS_INVALID while the file does not validate.
   */
  async dismiss(finding: StoredFinding, reason: DismissReason, note: string): Promise<Suppression> {
    if (!DISMISS_REASONS.includes(reason)) {
      throw new PersonaError('INVALID_INPUT', `The reason "${String(reason).slice(0, 50)}" is not one a dismissal takes.`, `Give one of: ${DISMISS_REASONS.join(', ')}.`);
    }
    if (typeof note !== 'string' || note.length > MAX_NOTE) {
      throw new PersonaError('INVALID_INPUT', `The note of a dismissal must be text of at most ${MAX_NOTE} characters.`, 'Say in a sentence or two why the finding is dismissed; it is kept in ' + SUPPRESSIONS_PATH + ' and reviewed with it.');
    }
    // Checked before asking git, so a broken file is refused at once with the same message as under the lock.
    const before = this.suppressions();
    if (before.error) throw invalidError(before.error.message);
    const suppression: Suppression = {
      fingerprint: finding.fingerprint,
      persona: finding.persona,
      title: finding.title,
      file: finding.file,
      reason,
      note: note.trim(),
      by: await whoDismisses(this.options.workspaceRoot),
      at: new Date(this.now()).toISOString(),
    };
    const after = await addSuppression(this.options.workspaceRoot, suppression);
    this.events.emit('suppressions:changed', after);
    return suppression;
  }

  /**
   * Follows hand edits of `.agent-os/suppressions.json` (a pull, a checkout, an editor): emits
   * `suppressions:changed` with the file as it then reads. The folder is watched, not the file,
   * since a write replaces the file (a rename) and git may delete and recreate it. Calling it
   * again returns the same watch; it never keeps a process alive.
   */
  watch(): Disposable {
    if (!this.watcher) {
      const debouncer = new Debouncer(WATCH_DEBOUNCE_MS, () => this.events.emit('suppressions:changed', this.suppressions()));
      let fs: FSWatcher;
      try {
        fs = watchFolder(join(this.options.workspaceRoot, PRIVATE_FOLDER), (_event, name) => {
          // Some platforms do not say which file changed: then read it anyway.
          if (name === null || String(name) === 'suppressions.json') debouncer.trigger();
        });
      } catch (err) {
        this.options.log(`${SUPPRESSIONS_PATH} is not followed for hand edits: ${err instanceof Error ? err.message : String(err)}`);
        debouncer.dispose();
        return { dispose: () => undefined };
      }
      fs.on('error', (err) => this.options.log(`${SUPPRESSIONS_PATH} is no longer followed: ${err.message}`));
      fs.unref();
      this.watcher = { fs, debouncer };
    }
    return { dispose: () => this.unwatch() };
  }

  private unwatch(): void {
    this.watcher?.fs.close();
    this.watcher?.debouncer.dispose();
    this.watcher = undefined;
  }

  /**
   * A job's result as every surface shows it (see present.ts): suppressed findings cut and
   * listed in an audit footer, findings on unchanged lines of a diff review dropped or listed
   * apart. A panel's report is merged again from its personas' cut reviews.
   */
  present(jobId: string, mode: PreexistingMode): PresentedReview {
    const job = this.jobs.get(jobId);
    if (!job) throw new PersonaError('JOB_NOT_FOUND', `No job has the id "${jobId.slice(0, 100)}".`, 'Use an id that list_persona_jobs shows; old jobs are removed after the retention period.');
    // A panel's personas in the order they were asked (the store lists newest first).
    const children = this.jobs.list({ parentId: jobId, limit: MAX_PANEL_CHILDREN }).reverse();
    const isReview = !(this.options.notReviews ?? []).includes(job.persona);
    return presentReview({ job, children, findings: this.forJob(jobId), suppressions: this.suppressions(), mode, isReview });
  }

  dispose(): void {
    this.unwatch();
    this.events.removeAll();
  }
}
