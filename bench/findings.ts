// Findings: first what a review of only the changed lines saves against a review of the whole
// file (the 200-line git fixture of the CLI tests, 3 lines changed on its branch: input tokens and
// findings of each, through the pool and the demo model, whose tokens are characters / 4); then
// what storing a review's findings adds to a job's completion (the JobStore's onComplete hook
// parses the answer, reads the cited files and writes the rows in the same journal record),
// measured side by side in one run with completions that store none; then reading them back
// (list, present). That review is a real one too: the demo model's security review of the sample
// workspace's payments file.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FindingsService } from '../src/findings/findingsService';
import { JobStore } from '../src/jobs/jobStore';
import { JournaledDatabase } from '../src/jobs/journaledDatabase';
import { PersonaServices, STORE_SCHEMA } from '../src/services';
import { FIXTURE, makeBranchFixture } from '../test/unit/branchFixture';
import { fmtMs, percentile } from './stats';

const REPO = join(__dirname, '..', '..');
const COMPLETIONS = 300;
const READS = 200;

export async function findingsBench(): Promise<void> {
  console.log('\nFindings (a review of the changed lines vs the whole file; job completion p50 with and without storing the findings, one run; then reads):');
  await changedLinesVsWholeFile();
  const workspace = mkdtempSync(join(tmpdir(), 'aop-bench-findings-'));
  cpSync(join(REPO, 'sample-workspace'), workspace, { recursive: true });
  try {
    const review = await oneReview(workspace);
    const stores = await Promise.all(['with', 'without'].map((side) => openStore(workspace, side === 'with')));
    const [withFindings, without] = stores as [OpenStore, OpenStore];
    try {
      const latencies = { with: [] as number[], without: [] as number[] };
      for (let i = 0; i < COMPLETIONS + 20; i++) {
        const order = i % 2 === 0 ? ([withFindings, without] as const) : ([without, withFindings] as const);
        for (const side of order) {
          const job = await side.store.create({ persona: 'security', task: `Review ${i}`, context: review.context });
          await side.store.start(job.id, 'demo model');
          const t = performance.now();
          await side.store.complete(job.id, { result: review.result, tokensIn: 100, tokensOut: 100 });
          // The first 20 of each warm the stores up and are not counted.
          if (i >= 20) latencies[side === withFindings ? 'with' : 'without'].push(performance.now() - t);
        }
      }
      const p50 = { with: percentile(latencies.with, 50), without: percentile(latencies.without, 50) };
      console.log(`  a completed ${review.findings}-finding review: complete() p50 ${fmtMs(p50.with)} storing its findings vs ${fmtMs(p50.without)} without (${(p50.with / p50.without).toFixed(2)}x; p99 ${fmtMs(percentile(latencies.with, 99))} vs ${fmtMs(percentile(latencies.without, 99))}; ${COMPLETIONS} each, alternating)`);

      const findings = withFindings.findings!;
      const rows = findings.list({ includeSuppressed: true, limit: 1000 }).length;
      const total = Number(withFindings.database.query('SELECT COUNT(*) AS n FROM findings')[0]?.['n'] ?? 0);
      const lastJob = withFindings.store.list({ limit: 1 })[0]!.id;
      const time = (fn: () => unknown): number => {
        const samples: number[] = [];
        for (let i = 0; i < READS; i++) {
          const t = performance.now();
          fn();
          samples.push(performance.now() - t);
        }
        return percentile(samples, 50);
      };
      console.log(`  with ${total} rows: list() of the newest ${rows} p50 ${fmtMs(time(() => findings.list({ limit: 1000 })))}; list({ file }) p50 ${fmtMs(time(() => findings.list({ file: 'src/payments.ts' })))}; present(job) p50 ${fmtMs(time(() => findings.present(lastJob, 'apart')))} (${READS} reads each)`);
    } finally {
      for (const s of stores) await s.close();
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** The same security review of the fixture's file, whole and as the branch's change (--base main). */
async function changedLinesVsWholeFile(): Promise<void> {
  const repo = mkdtempSync(join(tmpdir(), 'aop-bench-base-'));
  try {
    makeBranchFixture(repo);
    const services = await demoServices(repo);
    try {
      const run = async (context: { files: string[] } | { base: string }): Promise<{ tokens: number; findings: number; chars: number }> => {
        const asked = await services.jobs.ask({ persona: 'security', task: 'Is this change safe?', context, source: 'api' });
        const done = await services.watch.whenSettled(asked.id, { timeoutMs: 60_000 });
        if (done.status !== 'completed') throw new Error(`the bench review ended ${done.status}: ${done.error?.message ?? ''}`);
        const shown = services.findings.present(asked.id, 'drop').remaining.length;
        return { tokens: done.tokensIn + done.cacheReadTokens + done.cacheWriteTokens, findings: shown, chars: services.store.require(asked.id).context.length };
      };
      const whole = await run({ files: [FIXTURE.file] });
      const changed = await run({ base: 'main' });
      console.log(`  ${FIXTURE.file} (200 lines, 3 changed on the branch), one security review each: input tokens ${whole.tokens} for the whole file vs ${changed.tokens} for --base main (${(changed.tokens / whole.tokens).toFixed(2)}x; context ${whole.chars} vs ${changed.chars} characters); findings shown ${whole.findings} vs ${changed.findings} (the rest are on unchanged lines)`);
    } finally {
      await services.dispose(0);
    }
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

function demoServices(workspaceRoot: string): Promise<PersonaServices> {
  return PersonaServices.create({
    workspaceRoot,
    extensionRoot: REPO,
    ownerKind: 'bench',
    workerScript: join(REPO, 'dist', 'worker.js'),
    workerCount: 1,
    modelSettings: () => ({ provider: 'demo', model: 'm', baseUrl: '', maxTokens: 2048, requestTimeoutSeconds: 30 }),
    apiKey: () => Promise.resolve(undefined),
    log: () => undefined,
  });
}

/** A real security review of the sample workspace's payments file: its answer, its context and how many findings it has. */
async function oneReview(workspace: string): Promise<{ result: string; context: string; findings: number }> {
  const services = await demoServices(workspace);
  try {
    const asked = await services.jobs.ask({ persona: 'security', task: 'Is the payment code safe?', context: { files: ['src/payments.ts'] }, source: 'api' });
    const done = await services.watch.whenSettled(asked.id, { timeoutMs: 60_000 });
    if (done.status !== 'completed') throw new Error(`the bench review ended ${done.status}: ${done.error?.message ?? ''}`);
    const job = services.store.require(asked.id);
    return { result: job.result ?? '', context: job.context, findings: services.findings.forJob(job.id).length };
  } finally {
    await services.dispose(0);
  }
}

interface OpenStore {
  store: JobStore;
  database: JournaledDatabase;
  findings: FindingsService | undefined;
  close(): Promise<void>;
}

/** A store in its own folder of the workspace, with or without the findings hook (and no meter, so only the findings differ). */
async function openStore(workspace: string, withFindings: boolean): Promise<OpenStore> {
  const dir = join(workspace, withFindings ? '.bench-with' : '.bench-without');
  mkdirSync(dir, { recursive: true });
  const database = await JournaledDatabase.open({ dir, schema: STORE_SCHEMA, now: Date.now, log: () => undefined });
  const findings = withFindings ? new FindingsService({ database, workspaceRoot: workspace, log: () => undefined }) : undefined;
  const store = new JobStore(database, dir, findings ? { onComplete: findings.onComplete } : {});
  return {
    store,
    database,
    findings,
    close: async () => {
      findings?.dispose();
      await store.close();
    },
  };
}
