import assert from 'node:assert/strict';
import { JobStore, type JobMeter } from '../../src/jobs/jobStore';
import { JournaledDatabase } from '../../src/jobs/journaledDatabase';
import { JOBS_SCHEMA } from '../../src/jobs/migrations';
import type { SchemaModule } from '../../src/jobs/schema';
import type { JobSummary } from '../../src/jobs/types';
import { useTempDir } from './tempDir';

/** A table of our own in the same store, written by the meter: what the metrics module does with its tables. */
const ENDS_SCHEMA: SchemaModule = {
  name: 'ends',
  migrations: [{ version: 1, name: '001_ends', sql: 'CREATE TABLE ends (job_id TEXT NOT NULL, status TEXT NOT NULL, tokens INTEGER NOT NULL, source TEXT NOT NULL)' }],
};

async function openWithMeter(dir: string, meter: JobMeter): Promise<JobStore> {
  const database = await JournaledDatabase.open({ dir, schema: [JOBS_SCHEMA, ENDS_SCHEMA], now: Date.now });
  return new JobStore(database, dir, { meter }, true);
}

describe('job rows: source, cache usage, model id, and the meter written with a job\'s end', () => {
  const tmp = useTempDir();

  it('stores where a job was asked from, and a panel\'s children share their parent\'s source', async () => {
    const store = await JobStore.open({ dir: tmp.path });
    const plain = await store.create({ persona: 'qa', task: 't' });
    assert.equal(plain.source, 'api', 'a job asked through code without a source');
    const fromChat = await store.create({ persona: 'qa', task: 't', source: 'chat' });
    assert.equal(store.summary(fromChat.id)?.source, 'chat');
    const { parent, children } = await store.createWithChildren({ persona: 'panel', task: 't', message: 'm', source: 'mcp' }, [{ persona: 'qa', task: 't' }, { persona: 'sre', task: 't', source: 'palette' }]);
    assert.deepEqual([parent, ...children].map((j) => store.summary(j.id)?.source), ['mcp', 'mcp', 'mcp']);
    await assert.rejects(store.create({ persona: 'qa', task: 't', source: 'fax' as never }), /source must be one of palette, chat, mcp, cli, workflow, api; it was "fax"/);
    await store.close();
  });

  it('keeps a completed run\'s cache tokens and model id through a reopen', async () => {
    let store = await JobStore.open({ dir: tmp.path });
    const job = await store.create({ persona: 'security', task: 't', source: 'cli' });
    await store.start(job.id, 'demo model');
    const done = await store.complete(job.id, { result: 'r', tokensIn: 120, tokensOut: 80, toolCalls: 2, cacheReadTokens: 900, cacheWriteTokens: 40, modelId: 'demo-model' });
    assert.deepEqual([done.cacheReadTokens, done.cacheWriteTokens, done.modelId, done.modelLabel], [900, 40, 'demo-model', 'demo model']);
    await store.close();
    store = await JobStore.open({ dir: tmp.path });
    const reread = store.summary(job.id)!;
    assert.deepEqual([reread.tokensIn, reread.tokensOut, reread.cacheReadTokens, reread.cacheWriteTokens, reread.modelId, reread.source], [120, 80, 900, 40, 'demo-model', 'cli']);
    await store.close();
  });

  it('gives the meter each ended job as it reads after the write, and writes its statements in the same durable record', async () => {
    const seen: JobSummary[] = [];
    const meter: JobMeter = (job) => {
      seen.push(job);
      return [{ sql: 'INSERT INTO ends (job_id, status, tokens, source) VALUES (?, ?, ?, ?)', params: [job.id, job.status, job.tokensIn + job.tokensOut, job.source] }];
    };
    const store = await openWithMeter(tmp.path, meter);
    const a = await store.create({ persona: 'qa', task: 'a', source: 'palette' });
    const b = await store.create({ persona: 'qa', task: 'b' });
    const c = await store.create({ persona: 'qa', task: 'c' });
    await store.start(a.id, null);
    await store.complete(a.id, { result: 'ok', tokensIn: 5, tokensOut: 7 });
    await store.start(b.id, null);
    await store.fail(b.id, { code: 'MODEL_ERROR', message: 'boom', hint: 'retry' });
    await store.cancel(c.id);
    for (const job of seen) {
      const row = store.summary(job.id)!;
      assert.deepEqual(job, row, `the meter saw ${job.status} exactly as the row reads`);
    }
    // A second open while the first is still open, as after a kill -9: what it sees is replayed from the journal's records.
    const replayed = await JournaledDatabase.open({ dir: tmp.path, schema: [JOBS_SCHEMA, ENDS_SCHEMA], now: Date.now });
    const ends = replayed.query('SELECT job_id, status, tokens, source FROM ends ORDER BY rowid');
    assert.equal(replayed.query("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('completed', 'failed', 'cancelled')")[0]?.['n'], 3);
    assert.deepEqual(ends, [
      { job_id: a.id, status: 'completed', tokens: 12, source: 'palette' },
      { job_id: b.id, status: 'failed', tokens: 0, source: 'api' },
      { job_id: c.id, status: 'cancelled', tokens: 0, source: 'api' },
    ]);
    await store.close();
    await replayed.close();
  });
});
