// Workflow figures: what complete_phase costs on a 50-field evidence object, the gate alone
// (EvidenceGates.check: ajv on RE2) and WorkflowSessions.complete end to end with its durable
// journal write, on the refused path (repeatable on one session) and the accepted path (a fresh
// session each time). Figures only; nothing is asserted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournaledDatabase } from '../src/jobs/journaledDatabase';
import { STORE_SCHEMA } from '../src/services';
import { EvidenceGates } from '../src/workflows/evidenceGate';
import { WorkflowRegistry } from '../src/workflows/workflowRegistry';
import { WorkflowSessions } from '../src/workflows/workflowSessions';
import { fmtMs, percentile } from './stats';

export interface WorkflowBenchOptions {
  /** Timed EvidenceGates.check calls per path. */
  checks: number;
  /** Timed WorkflowSessions.complete calls per path. */
  completes: number;
}

/** `--workflow-checks=N --workflow-completes=N` override the defaults. */
export function workflowOptionsFrom(argv: string[]): WorkflowBenchOptions {
  const value = (name: string, fallback: number): number => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    const n = arg ? Number(arg.slice(name.length + 3)) : fallback;
    return Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return { checks: value('workflow-checks', 20_000), completes: value('workflow-completes', 2000) };
}

const WORKFLOW_ID = 'bench-fifty';
const PATH_LINE = '^[^\\s:]+:\\d+(-\\d+)?$';
const SEVERITY = { type: 'string', enum: ['critical', 'high', 'medium', 'low'] };
/** The field kinds of the gate, how many of each, and a value that passes. */
const KINDS = [
  { prefix: 'count', n: 14, schema: { type: 'integer', minimum: 0, maximum: 100_000 }, good: (i: number) => i * 3 },
  { prefix: 'check', n: 8, schema: { type: 'boolean' }, good: (i: number) => i % 2 === 0 },
  { prefix: 'name', n: 8, schema: { type: 'string', minLength: 3, maxLength: 120, pattern: '^[a-z][a-z0-9-]*$' }, good: (i: number) => `module-${i}` },
  { prefix: 'severity', n: 6, schema: SEVERITY, good: (i: number) => SEVERITY.enum[i % 4]! },
  {
    prefix: 'locations',
    n: 8,
    schema: { type: 'array', minItems: 1, maxItems: 200, items: { type: 'string', minLength: 3, pattern: PATH_LINE } },
    good: (i: number) => Array.from({ length: 20 }, (_, k) => `src/module-${i}/file-${k}.ts:${k * 7 + 1}${k % 3 === 0 ? `-${k * 7 + 9}` : ''}`),
  },
  {
    prefix: 'findings',
    n: 6,
    schema: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['location', 'severity', 'title'],
        properties: { location: { type: 'string', minLength: 3, pattern: PATH_LINE }, severity: SEVERITY, title: { type: 'string', minLength: 5, maxLength: 200 } },
        additionalProperties: false,
      },
    },
    good: (i: number) => Array.from({ length: 10 }, (_, k) => ({ location: `src/module-${i}/file-${k}.ts:${k + 10}`, severity: SEVERITY.enum[k % 4]!, title: `Finding ${k} of group ${i}: unchecked error` })),
  },
] as const;

interface Fixture {
  schema: Record<string, unknown>;
  good: Record<string, unknown>;
  bad: Record<string, unknown>;
  mix: string;
}

/** A gate of 50 required fields of mixed kinds, evidence that passes it, and evidence with five faults. */
function fixture(): Fixture {
  const properties: Record<string, unknown> = {};
  const good: Record<string, unknown> = {};
  for (const kind of KINDS) {
    for (let i = 0; i < kind.n; i++) {
      const name = `${kind.prefix}_${String(i).padStart(2, '0')}`;
      properties[name] = { ...kind.schema, description: `${kind.prefix} ${i}` };
      good[name] = kind.good(i);
    }
  }
  const schema = { type: 'object', required: Object.keys(properties), properties, additionalProperties: false };
  const locations = good['locations_03'] as string[];
  const findings = good['findings_02'] as Record<string, unknown>[];
  const bad = {
    ...good,
    count_05: -1,
    severity_01: 'urgent',
    locations_03: [...locations.slice(0, 19), 'src/module-3/file.ts'],
    findings_02: [...findings.slice(0, 9), { ...findings[9], title: 'bad' }],
  };
  delete (bad as Record<string, unknown>)['check_04'];
  const mix = '14 counts, 8 booleans, 8 patterned strings, 6 severities, 8 lists of 20 path:line, 6 lists of 10 findings';
  return { schema, good, bad, mix };
}

function workflowText(schema: Record<string, unknown>): string {
  const fence = '```';
  return [
    '---',
    `id: ${WORKFLOW_ID}`,
    'title: Fifty-field gate (bench)',
    'description: One 50-field gate, then a small one.',
    'target: any',
    '---',
    '## Phase 0: Everything at once',
    'Fill all fifty fields.',
    '',
    `${fence}evidence`,
    JSON.stringify(schema, null, 2),
    fence,
    '',
    '## Phase 1: Done',
    'Say how many tests ran.',
    '',
    `${fence}evidence`,
    JSON.stringify({ type: 'object', required: ['tests_run'], properties: { tests_run: { type: 'integer', minimum: 1 } }, additionalProperties: false }),
    fence,
    '',
  ].join('\n');
}

const p50p99 = (values: number[]): string => `p50 ${fmtMs(percentile(values, 50))}, p99 ${fmtMs(percentile(values, 99))} (${values.length.toLocaleString('en-US')} runs)`;

async function timed(n: number, warmup: number, op: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await op();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op();
    out.push(performance.now() - t);
  }
  return out;
}

export async function workflowsBench(options: WorkflowBenchOptions): Promise<void> {
  const { schema, good, bad, mix } = fixture();
  const bytes = (v: unknown): string => `${(Buffer.byteLength(JSON.stringify(v)) / 1024).toFixed(1)} kB`;
  console.log(`\nWorkflows: complete_phase on a 50-field evidence object (${mix}; ${bytes(good)})`);

  const gates = new EvidenceGates();
  const failures = gates.check(schema, bad);
  if (gates.check(schema, good).length !== 0 || failures.length !== 5) throw new Error(`the bench fixture is wrong: ${JSON.stringify(gates.check(schema, good))} / ${JSON.stringify(failures)}`);
  const warm = Math.max(100, Math.round(options.checks / 10));
  const accepted = await timed(options.checks, warm, () => gates.check(schema, good));
  const refused = await timed(options.checks, warm, () => gates.check(schema, bad));
  console.log(`  gate alone (EvidenceGates.check)  accepted: ${p50p99(accepted)}`);
  console.log(`  ${''.padEnd(32)}  refused, ${failures.length} failures: ${p50p99(refused)}`);

  const root = mkdtempSync(join(tmpdir(), 'agent-os-bench-workflows-'));
  const dir = join(root, '.agent-os');
  mkdirSync(join(dir, 'workflows'), { recursive: true });
  writeFileSync(join(dir, 'workflows', `${WORKFLOW_ID}.md`), workflowText(schema));
  const database = await JournaledDatabase.open({ dir, schema: STORE_SCHEMA, now: Date.now });
  const registry = new WorkflowRegistry({ shippedFolder: join(root, 'no-shipped-workflows'), workspaceRoot: root, gates });
  try {
    if (!registry.get(WORKFLOW_ID)) throw new Error(`the bench workflow did not load: ${JSON.stringify(registry.problems)}`);
    const sessions = new WorkflowSessions(database, registry, gates);
    const warmCompletes = Math.max(20, Math.round(options.completes / 10));
    // Refused: the phase stays current, so one session takes every attempt (each one journaled).
    const one = await sessions.start({ workflowId: WORKFLOW_ID, target: 'changes' });
    const refusedEnd = await timed(options.completes, warmCompletes, async () => {
      const outcome = await sessions.complete(one.id, 0, bad);
      if (outcome.accepted) throw new Error('bad evidence was accepted');
    });
    // Accepted: a fresh session each time, all started first (untimed), phase 0 completed (timed).
    const ids: string[] = [];
    for (let i = 0; i < options.completes + warmCompletes; i++) ids.push((await sessions.start({ workflowId: WORKFLOW_ID, target: 'changes' })).id);
    const acceptedEnd = await timed(options.completes, warmCompletes, async () => {
      const outcome = await sessions.complete(ids.pop()!, 0, good);
      if (!outcome.accepted) throw new Error('good evidence was refused');
    });
    console.log(`  WorkflowSessions.complete, durable  refused, same session: ${p50p99(refusedEnd)}`);
    console.log(`  ${''.padEnd(34)} accepted, fresh sessions: ${p50p99(acceptedEnd)}`);
    console.log(`  (journal + snapshot on disk after the run: ${(database.bytesOnDisk() / 1024 / 1024).toFixed(1)} MB; the session row holds its workflow, ${bytes(registry.get(WORKFLOW_ID))})`);
  } finally {
    registry.dispose();
    await database.close();
    rmSync(root, { recursive: true, force: true });
  }
}
