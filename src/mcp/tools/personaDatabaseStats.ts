import type { PersonaMcpServer } from '../server';
import type { McpDeps } from '../deps';
import { ok } from '../results';

export function registerPersonaDatabaseStats(server: PersonaMcpServer, deps: McpDeps): void {
  server.registerTool(
    'persona_database_stats',
    {
      description: 'The job store\'s figures: jobs by status, bytes on disk, the oldest job, the last cleanup, and whether new jobs are accepted.',
      annotations: { readOnlyHint: true },
    },
    () => {
      const s = deps.services.store.stats();
      return ok({
        counts: s.counts,
        total: s.total,
        bytes_on_disk: s.bytesOnDisk,
        journal_bytes: s.journalBytes,
        oldest_job_at: s.oldestJobAt === null ? null : new Date(s.oldestJobAt).toISOString(),
        last_cleanup_at: s.lastCleanupAt === null ? null : new Date(s.lastCleanupAt).toISOString(),
        accepting_jobs: s.acceptingJobs,
        workers: deps.services.pool.size,
        running: deps.services.pool.runningCount,
      });
    },
  );
}
