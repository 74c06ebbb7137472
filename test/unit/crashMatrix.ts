// The crash matrix: SIGKILLs a real node process (fixtures/crashMatrixChild.ts, the built
// modules under out/) at random points of four kinds of durable write, then reopens the store
// and checks every write the child acknowledged. Shared by the CI-sized unit test
// (crashMatrix.test.ts) and `npm run bench -- --crash` (bench/crash.ts), which differ only in
// the number of trials. Checks collect failures rather than throw, so the bench can count them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createInterface } from 'node:readline';
import { JobStore } from '../../src/jobs/jobStore';
import { JournaledDatabase, SEALED_JOURNAL_FILE, SNAPSHOT_FILE } from '../../src/jobs/journaledDatabase';
import { STORE_SCHEMA } from '../../src/services';
import { ProposalStore } from '../../src/standards/proposalStore';
import { StandardsIndex } from '../../src/standards/standardsIndex';
import { parseStandard } from '../../src/standards/template';
import { WorkflowSessions } from '../../src/workflows/workflowSessions';
import { EvidenceGates } from '../../src/workflows/evidenceGate';
import { WorkflowRegistry } from '../../src/workflows/workflowRegistry';
import { BODY_END } from './fixtures/crashMatrixShared';
import { GOOD_EVIDENCE, gatedWorkflowText, writeWorkflow } from './gatedWorkflow';
import { REPO_ROOT } from './tempDir';

export const SCENARIOS = ['creates', 'compaction', 'approval', 'phase'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Upper bound of the random number of acknowledgements after which a child is killed. */
const MAX_ACKS: Record<Scenario, number> = { creates: 300, compaction: 100, approval: 24, phase: 40 };

export interface ScenarioReport {
  scenario: Scenario;
  trials: number;
  /** Children killed (a trial kills one, or two in a row on the same store). */
  kills: number;
  /** Acknowledged writes checked after the reopens. */
  acksChecked: number;
  failures: string[];
  opensOk: number;
  reopenMs: number[];
  /** Where the kills landed, where the files left on disk tell (see `landings`). */
  landed: Record<string, number>;
}

/** One acknowledged write, as the child printed it: `ACK <what> <id> [detail]`. */
interface Ack {
  what: string;
  id: string;
  detail?: string;
}

const CHILD = (): string => join(REPO_ROOT, 'out/test/unit/fixtures/crashMatrixChild.js');

/**
 * Starts the child on `root` and SIGKILLs it after `killAfter` acknowledgements (0: a random
 * 0-`earlyMs` ms after it printed START, so the kill can land in its open). The kill is sent
 * a random 0-2 ms after the last acknowledgement, so it lands somewhere in the next write.
 */
function runAndKill(scenario: Scenario, root: string, killAfter: number, earlyMs = 0): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', join(REPO_ROOT, 'out/test/unit/setup.js'), CHILD(), scenario, root], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Ack[] = [];
    let stderr = '';
    let killing = false;
    const kill = (afterMs: number): void => {
      if (killing) return;
      killing = true;
      setTimeout(() => child.kill('SIGKILL'), afterMs);
    };
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'START' && killAfter === 0) kill(Math.random() * earlyMs);
      const [kind, what, id, detail] = line.split(' ');
      if (kind !== 'ACK' || !what || !id) return;
      acks.push({ what, id, detail });
      if (acks.length === killAfter) kill(Math.random() * 2);
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`the ${scenario} child exited with ${code ?? signal} before the kill: ${stderr.slice(0, 2000)}`));
    });
  });
}

/** What the files left by a kill say about where it landed (read before anything reopens the store). */
function landings(scenario: Scenario, root: string): string[] {
  const data = join(root, '.agent-os');
  const found: string[] = [];
  if (scenario === 'compaction' || scenario === 'creates') {
    if (existsSync(join(data, SEALED_JOURNAL_FILE))) found.push('during compaction (sealed journal present)');
    if (existsSync(join(data, `${SNAPSHOT_FILE}.tmp`))) found.push('during a snapshot write (snapshot temp present)');
  }
  if (scenario === 'approval') {
    const folder = join(data, 'standards', 'crash');
    const names = existsSync(folder) ? readdirSync(folder) : [];
    if (names.some((n) => n.startsWith('.') && n.endsWith('.tmp'))) found.push('during a standard file write (temp file present)');
  }
  return found;
}

/**
 * Runs `trials` trials of one scenario, `parallel` at a time (each in its own folder); every
 * fourth trial kills twice in a row on the same store before checking.
 */
export async function runScenario(scenario: Scenario, trials: number, parallel = 1, onTrial?: (done: number, report: ScenarioReport) => void): Promise<ScenarioReport> {
  const report: ScenarioReport = { scenario, trials, kills: 0, acksChecked: 0, failures: [], opensOk: 0, reopenMs: [], landed: {} };
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < trials) {
      await runTrial(scenario, next++, report);
      onTrial?.(++done, report);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, lane));
  return report;
}

function count(report: ScenarioReport, where: string, n = 1): void {
  report.landed[where] = (report.landed[where] ?? 0) + n;
}

async function runTrial(scenario: Scenario, trial: number, report: ScenarioReport): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), `agent-os-crash-${scenario}-`));
  try {
    if (scenario === 'phase') writeWorkflow(root, 'gated', gatedWorkflowText());
    const acks: Ack[] = [];
    const rounds = trial % 4 === 3 ? 2 : 1;
    for (let round = 0; round < rounds; round++) {
      // A second round of the compaction scenario is sometimes killed early, in the open that
      // folds what the first kill left (sealed segment, long journal) on the compactor worker.
      const early = round === 1 && scenario === 'compaction' && trial % 8 === 7;
      const killAfter = early ? 0 : 1 + Math.floor(Math.random() * MAX_ACKS[scenario]);
      const before = acks.length;
      acks.push(...(await runAndKill(scenario, root, killAfter, 400)));
      report.kills += 1;
      for (const where of landings(scenario, root)) count(report, where);
      if (early && acks.length === before) count(report, 'in the open after a crash (before any acknowledgement)');
    }
    const failures = await check(scenario, root, acks, report);
    report.failures.push(...failures.map((f) => `trial ${trial}: ${f}`));
    report.acksChecked += acks.length;
  } catch (err) {
    report.failures.push(`trial ${trial}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Reopens the store as the product does and checks the acknowledged writes; the failures found. */
async function check(scenario: Scenario, root: string, acks: Ack[], report: ScenarioReport): Promise<string[]> {
  const dir = join(root, '.agent-os');
  const t0 = performance.now();
  if (scenario === 'creates' || scenario === 'compaction') {
    const store = await JobStore.open({ dir });
    report.reopenMs.push(performance.now() - t0);
    report.opensOk += 1;
    try {
      return acks.flatMap((a) => {
        const job = store.get(a.id);
        if (!job) return [`acknowledged ${a.what} of job ${a.id} is missing`];
        if (a.what === 'complete' && job.status !== 'completed') return [`acknowledged completion of job ${a.id} is missing (status ${job.status})`];
        return [];
      });
    } finally {
      await store.close();
    }
  }
  const database = await JournaledDatabase.open({ dir, schema: STORE_SCHEMA, now: Date.now });
  report.reopenMs.push(performance.now() - t0);
  report.opensOk += 1;
  try {
    return scenario === 'approval' ? await checkApprovals(root, database, acks, report) : checkPhases(root, database, acks);
  } finally {
    await database.close();
  }
}

/**
 * Approval: an acknowledged proposal exists; an acknowledged approval has its row approved
 * with its path and its file whole. Whatever was acknowledged: every approved row has a whole
 * file, every standard file on disk parses and is whole, and search lists no temporary file.
 */
async function checkApprovals(root: string, database: JournaledDatabase, acks: Ack[], report: ScenarioReport): Promise<string[]> {
  const failures: string[] = [];
  const proposals = new ProposalStore(database);
  const whole = (rel: string): string | undefined => {
    const abs = join(root, ...rel.split('/'));
    if (!existsSync(abs)) return `the standard file ${rel} is missing`;
    const text = readFileSync(abs, 'utf8');
    const parsed = parseStandard(text, rel);
    if (!text.trimEnd().endsWith(BODY_END)) return `the standard file ${rel} is cut short (${text.length} characters)`;
    if (parsed.problems.length > 0) return `the standard file ${rel} does not parse: ${parsed.problems.map((p) => p.message).join('; ')}`;
    return undefined;
  };
  for (const a of acks) {
    const proposal = proposals.get(a.id);
    if (!proposal) {
      failures.push(`acknowledged proposal ${a.id} is missing`);
      continue;
    }
    if (a.what !== 'approve') continue;
    if (proposal.status !== 'approved' || proposal.path !== a.detail) failures.push(`acknowledged approval of ${a.id} is not recorded (status ${proposal.status}, path ${String(proposal.path)})`);
  }
  const rows = database.query('SELECT id, status, path, topic FROM standard_proposals');
  for (const row of rows) {
    if (row['status'] !== 'approved') continue;
    const problem = whole(String(row['path']));
    if (problem) failures.push(`approved proposal ${String(row['id'])}: ${problem}`);
  }
  const folder = join(root, '.agent-os', 'standards', 'crash');
  const names = existsSync(folder) ? readdirSync(folder) : [];
  const standards = names.filter((n) => n.endsWith('.md') && !n.startsWith('.'));
  const temps = names.filter((n) => n.startsWith('.'));
  if (temps.length) count(report, 'temp files left on disk (hidden from search)', temps.length);
  const approvedPaths = new Set(rows.filter((r) => r['status'] === 'approved').map((r) => String(r['path'])));
  for (const name of standards) {
    const rel = `.agent-os/standards/crash/${name}`;
    const problem = whole(rel);
    if (problem) failures.push(problem);
    // A kill between the file's link and the row's update leaves a whole file and a pending proposal.
    if (!approvedPaths.has(rel)) count(report, 'between file and row (whole file, proposal still pending)');
  }
  const index = new StandardsIndex({ workspaceRoot: root });
  try {
    await index.start();
    const hits = await index.search({ query: 'crashmatrix', limit: 100_000 });
    const listed = new Set(hits.map((h) => h.path));
    for (const path of listed) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (name.startsWith('.') || name.endsWith('.tmp')) failures.push(`search lists the temporary file ${path}`);
    }
    if (index.size.files !== standards.length) failures.push(`search indexes ${index.size.files} files; the folder holds ${standards.length} standards`);
  } finally {
    index.dispose();
  }
  return failures;
}

/** complete_phase: an acknowledged session exists; an acknowledged phase is accepted with its evidence, and the last one ends the session. */
function checkPhases(root: string, database: JournaledDatabase, acks: Ack[]): string[] {
  const gates = new EvidenceGates();
  const registry = new WorkflowRegistry({ shippedFolder: join(root, 'no-shipped-workflows'), workspaceRoot: root, gates });
  try {
    const sessions = new WorkflowSessions(database, registry, gates);
    return acks.flatMap((a) => {
      const session = sessions.get(a.id);
      if (!session) return [`acknowledged session ${a.id} is missing`];
      if (a.what !== 'phase') return [];
      const n = Number(a.detail);
      const record = session.phases[n];
      if (!record || record.acceptedAt === null) return [`acknowledged phase ${n} of session ${a.id} is not accepted`];
      if (!isDeepStrictEqual(record.evidence, GOOD_EVIDENCE[n])) return [`acknowledged phase ${n} of session ${a.id} lost its evidence`];
      if (n === GOOD_EVIDENCE.length - 1 && session.status !== 'completed') return [`session ${a.id} is ${session.status} after its last phase was acknowledged`];
      return [];
    });
  } finally {
    registry.dispose();
  }
}

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One line per scenario, as the bench prints it. */
export function describeReport(r: ScenarioReport, trials = r.trials): string {
  const where = Object.entries(r.landed).map(([k, v]) => `${v} ${k}`).join('; ');
  return `${r.scenario}: ${trials} trials, ${r.kills} kills, ${r.acksChecked} acknowledged writes checked, ${r.failures.length} failures, ${r.opensOk}/${trials} opens ok, median reopen ${median(r.reopenMs).toFixed(1)} ms${where ? `; ${where}` : ''}`;
}
