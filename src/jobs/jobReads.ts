import type { SqlValue } from 'sql.js';
import { PersonaError } from '../core/errors';
import type { JournaledDatabase } from './journaledDatabase';
import { rowToJob, rowToSummary, SUMMARY_COLUMNS } from './jobRow';
import { JOB_STATUSES, type Job, type JobStatus, type JobSummary } from './types';

export interface ListOptions {
  status?: JobStatus | JobStatus[];
  persona?: string;
  /** The children of this job; `null` lists only top-level jobs (no parent). */
  parentId?: string | null;
  limit?: number;
  offset?: number;
}

/**
 * The store's reads: synchronous, since the data is in memory. A summary leaves out the three
 * large fields (context, partial output, result); ask for the whole job only when you need them.
 */
export class JobReads {
  protected closed = false;

  constructor(
    protected readonly database: JournaledDatabase,
    readonly dir: string,
  ) {}

  get(id: string): Job | undefined {
    this.assertOpen();
    return this.database.query('SELECT * FROM jobs WHERE id = ?', [id]).map(rowToJob)[0];
  }

  summary(id: string): JobSummary | undefined {
    this.assertOpen();
    return this.database.query(`SELECT ${SUMMARY_COLUMNS} FROM jobs WHERE id = ?`, [id]).map(rowToSummary)[0];
  }

  require(id: string): Job {
    return this.get(id) ?? notFound(id);
  }

  requireSummary(id: string): JobSummary {
    return this.summary(id) ?? notFound(id);
  }

  list(options: ListOptions = {}): Job[] {
    return this.select('*', options).map(rowToJob);
  }

  listSummaries(options: ListOptions = {}): JobSummary[] {
    return this.select(SUMMARY_COLUMNS, options).map(rowToSummary);
  }

  /** True when the job coordinates children (a panel): it is never run by a worker. */
  hasChildren(id: string): boolean {
    return this.database.query('SELECT 1 AS x FROM jobs WHERE parent_id = ? LIMIT 1', [id]).length > 0;
  }

  /** Jobs that have children, in these statuses, newest first (served by the jobs_parent index). */
  parents(status: JobStatus | JobStatus[]): JobSummary[] {
    const statuses = Array.isArray(status) ? status : [status];
    return this.database
      .query(`SELECT ${SUMMARY_COLUMNS} FROM jobs WHERE status IN (${statuses.map(() => '?').join(', ')}) AND id IN (SELECT parent_id FROM jobs WHERE parent_id IS NOT NULL) ORDER BY created_at DESC`, statuses)
      .map(rowToSummary);
  }

  /** The next job to run: highest priority, then oldest (the jobs_pickup index); `except` are ids that cannot start now. */
  nextQueued(except: readonly string[] = []): JobSummary | undefined {
    const skip = except.length > 0 ? ` AND id NOT IN (${except.map(() => '?').join(', ')})` : '';
    return this.database.query(`SELECT ${SUMMARY_COLUMNS} FROM jobs WHERE status = 'queued'${skip} ORDER BY priority DESC, created_at ASC LIMIT 1`, [...except]).map(rowToSummary)[0];
  }

  countByStatus(): Record<JobStatus, number> {
    const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
    for (const row of this.database.query('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status')) {
      counts[row['status'] as JobStatus] = Number(row['n']);
    }
    return counts;
  }

  /** Duration (ms) and output tokens of this persona's most recent completed jobs, newest first. */
  recentCompleted(persona: string, limit = 20): { durationMs: number; tokensOut: number }[] {
    return this.database
      .query(`SELECT finished_at - started_at AS d, tokens_out AS t FROM jobs WHERE persona = ? AND status = 'completed' AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?`, [persona, limit])
      .map((r) => ({ durationMs: Number(r['d']), tokensOut: Number(r['t']) }));
  }

  protected assertOpen(): void {
    if (this.closed) {
      throw new PersonaError('STORE_CLOSED', `The job store in ${this.dir} is closed.`, 'Reload the window to reopen it.');
    }
  }

  private select(columns: string, options: ListOptions): Record<string, SqlValue>[] {
    this.assertOpen();
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (options.status !== undefined) {
      const statuses = Array.isArray(options.status) ? options.status : [options.status];
      for (const s of statuses) {
        if (!JOB_STATUSES.includes(s)) {
          throw new PersonaError('INVALID_INPUT', `Unknown job status "${s}".`, `Use one of: ${JOB_STATUSES.join(', ')}.`);
        }
      }
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (options.persona !== undefined) {
      where.push('persona = ?');
      params.push(options.persona);
    }
    if (options.parentId === null) {
      where.push('parent_id IS NULL');
    } else if (options.parentId !== undefined) {
      where.push('parent_id = ?');
      params.push(options.parentId);
    }
    const limit = Math.max(1, Math.min(500, options.limit ?? 50));
    const offset = Math.max(0, options.offset ?? 0);
    const sql = `SELECT ${columns} FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
    return this.database.query(sql, [...params, limit, offset]);
  }
}

function notFound(id: string): never {
  throw new PersonaError('JOB_NOT_FOUND', `No job with id "${id}".`, 'List jobs to see the ids that exist; finished jobs are removed after their retention period.');
}
