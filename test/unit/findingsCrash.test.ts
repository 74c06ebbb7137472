import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { JournaledDatabase } from '../../src/jobs/journaledDatabase';
import { STORE_SCHEMA } from '../../src/services';
import { REPO_ROOT, useTempDir } from './tempDir';

describe('findings: durable exactly with their job\'s completion', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('a kill -9 reopen keeps each completed job\'s rows, whole, and none for a job that did not complete (6 trials)', async () => {
    for (let trial = 0; trial < 6; trial++) {
      const root = join(tmp.path, `trial-${trial}`);
      const acked = await runAndKill(root, 1 + Math.floor(Math.random() * 120));
      const database = await JournaledDatabase.open({ dir: join(root, '.agent-os'), schema: STORE_SCHEMA, now: Date.now });
      try {
        const jobs = database.query('SELECT id, status, result FROM jobs');
        const rows = new Map(database.query('SELECT job_id, COUNT(*) AS n FROM findings GROUP BY job_id').map((r) => [String(r['job_id']), Number(r['n'])]));
        const byId = new Map(jobs.map((j) => [String(j['id']), j]));
        for (const [id, n] of acked) {
          assert.equal(byId.get(id)?.['status'], n === 0 ? 'failed' : 'completed', `trial ${trial}: acknowledged job ${id} is kept`);
          assert.equal(rows.get(id) ?? 0, n, `trial ${trial}: acknowledged job ${id} has its ${n} findings`);
        }
        for (const job of jobs) {
          const id = String(job['id']);
          // What the store kept, acknowledged or not: a completion and its findings, or neither.
          const expected = job['status'] === 'completed' ? (String(job['result']).match(/^### /gm) ?? []).length : 0;
          assert.equal(rows.get(id) ?? 0, expected, `trial ${trial}: job ${id} (${String(job['status'])}) has ${expected} rows`);
        }
        for (const id of rows.keys()) assert.ok(byId.has(id), `trial ${trial}: no row without its job`);
        assert.ok(acked.size > 0);
      } finally {
        await database.close();
      }
    }
  });
});

/** Runs the writer until it has acknowledged `killAfter` ends, then SIGKILLs it; the acknowledged jobs with their finding counts. */
function runAndKill(root: string, killAfter: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', join(REPO_ROOT, 'out/test/unit/setup.js'), join(REPO_ROOT, 'out/test/unit/fixtures/findingsCrashWriter.js'), root], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<string, number>();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [kind, , id, n] = line.split(' ');
      if (kind !== 'ACK') return;
      acked.set(id!, Number(n));
      if (acked.size === killAfter) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code ?? signal} before the kill: ${stderr}`));
    });
  });
}
