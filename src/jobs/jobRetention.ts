import { PersonaError } from '../core/errors';
import type { JournalParam } from './journal';
import type { StoreContext } from './storeContext';
import type { JobStatus, Retention, StoreStats } from './types';

/** SQL: the job has no child in these statuses (read through the jobs_parent index). */
function hasNoChildIn(statuses: JobStatus[]): string {
  return `id NOT IN (SELECT parent_id FROM jobs WHERE parent_id IS NOT NULL AND status IN (${statuses.map((s) => `'${s}'`).join(', ')}))`;
}

/**
 * Deletes every job that is not running (confirm must be true); returns how many top-level
 * jobs went. Deleting a parent deletes its children (ON DELETE CASCADE), so a parent is kept
 * while a child of it runs (a child retried after its panel ended), and so are the children
 * of a running parent.
 */
export async function resetJobs(ctx: StoreContext, confirm: boolean): Promise<number> {
  if (confirm !== true) {
    throw new PersonaError('INVALID_INPUT', 'Reset deletes every job that is not running and needs confirm: true.', 'Pass confirm: true if you mean it; finished jobs and their results cannot be recovered.');
  }
  const kept = `status <> 'running' AND ${hasNoChildIn(['running'])}`;
  const count = Number(ctx.database.query(`SELECT COUNT(*) AS n FROM jobs WHERE ${kept} AND parent_id IS NULL`)[0]?.['n'] ?? 0);
  await ctx.database.write(`DELETE FROM jobs WHERE ${kept} AND (parent_id IS NULL OR parent_id NOT IN (SELECT id FROM jobs WHERE status = 'running'))`, []);
  ctx.events.emit('jobs:removed', { count });
  return count;
}

/**
 * Deletes finished top-level jobs older than their status's retention, with their children;
 * returns how many. A parent with a queued or running child (retried after the panel ended)
 * is kept: queued and running jobs are never deleted.
 */
export async function cleanupJobs(ctx: StoreContext, retention: Retention): Promise<number> {
  const now = ctx.now();
  const day = 24 * 60 * 60 * 1000;
  const cutoffs: [JobStatus, number][] = [
    ['completed', now - retention.completedDays * day],
    ['failed', now - retention.failedDays * day],
    ['cancelled', now - retention.cancelledDays * day],
  ];
  let count = 0;
  const changes: { sql: string; params: JournalParam[] }[] = [];
  for (const [status, cutoff] of cutoffs) {
    const expired = `status = ? AND finished_at < ? AND parent_id IS NULL AND ${hasNoChildIn(['queued', 'running'])}`;
    count += Number(ctx.database.query(`SELECT COUNT(*) AS n FROM jobs WHERE ${expired}`, [status, cutoff])[0]?.['n'] ?? 0);
    changes.push({ sql: `DELETE FROM jobs WHERE ${expired}`, params: [status, cutoff] });
  }
  changes.push({ sql: 'UPDATE maintenance SET last_cleanup_at = ? WHERE id = 1', params: [now] });
  await ctx.database.writeAll(changes);
  if (count > 0) ctx.events.emit('jobs:removed', { count });
  return count;
}

export function lastCleanupAt(ctx: StoreContext): number | null {
  const v = ctx.database.query('SELECT last_cleanup_at FROM maintenance WHERE id = 1')[0]?.['last_cleanup_at'];
  return v === null || v === undefined ? null : Number(v);
}

export function storeStats(ctx: StoreContext, acceptingJobs: boolean): StoreStats {
  const counts = ctx.reads.countByStatus();
  const oldest = ctx.database.query('SELECT MIN(created_at) AS t FROM jobs')[0]?.['t'];
  return {
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    bytesOnDisk: ctx.database.bytesOnDisk(),
    journalBytes: ctx.database.journalBytes,
    oldestJobAt: oldest === null || oldest === undefined ? null : Number(oldest),
    lastCleanupAt: lastCleanupAt(ctx),
    acceptingJobs,
  };
}
