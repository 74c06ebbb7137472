// A three-phase workflow in our format, written into a test's workspace: quantified gates as
// the spec asks (counts with minimum, path:line lists with minItems, severity enums, finding
// objects), evidence each gate accepts, and markers to show that later phases stay hidden.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GATED_ID = 'gated-check';
export const GATED_TITLE = 'Gated check (test fixture)';

/** `path:line` or `path:line-line`, as the spec's gates ask for locations. */
export const PATH_LINE = '^[^\\s:]+:\\d+(-\\d+)?$';
const SEVERITY = { type: 'string', enum: ['critical', 'high', 'medium', 'low'] };
const LOCATIONS = (min: number): Record<string, unknown> => ({ type: 'array', minItems: min, maxItems: 200, items: { type: 'string', minLength: 3, pattern: PATH_LINE } });

export const GATES: readonly Record<string, unknown>[] = [
  {
    type: 'object',
    required: ['files_reviewed', 'entry_points', 'has_tests'],
    properties: {
      files_reviewed: { type: 'integer', minimum: 1, description: 'How many changed files you read' },
      entry_points: LOCATIONS(1),
      has_tests: { type: 'boolean' },
      summary: { type: 'string', minLength: 3, maxLength: 500 },
    },
    additionalProperties: false,
  },
  {
    type: 'object',
    required: ['findings_count', 'findings', 'highest_severity'],
    properties: {
      findings_count: { type: 'integer', minimum: 0 },
      findings: {
        type: 'array',
        maxItems: 100,
        items: {
          type: 'object',
          required: ['location', 'severity', 'title'],
          properties: { location: { type: 'string', minLength: 3, pattern: PATH_LINE }, severity: SEVERITY, title: { type: 'string', minLength: 5, maxLength: 200 } },
          additionalProperties: false,
        },
      },
      highest_severity: SEVERITY,
    },
    additionalProperties: false,
  },
  {
    type: 'object',
    required: ['tests_run', 'tests_failed', 'verified_locations'],
    properties: {
      tests_run: { type: 'integer', minimum: 1 },
      tests_failed: { type: 'integer', minimum: 0, maximum: 0, description: 'Failing tests; the phase passes only at 0' },
      verified_locations: LOCATIONS(1),
    },
    additionalProperties: false,
  },
];

/** Evidence each phase's gate accepts, in phase order (non-ASCII on purpose: it must come back byte for byte). */
export const GOOD_EVIDENCE: readonly Record<string, unknown>[] = [
  { files_reviewed: 3, entry_points: ['src/app.ts:12', 'src/über/zahl.ts:4-9'], has_tests: true, summary: 'Three files — one new module “über”.' },
  {
    findings_count: 2,
    findings: [
      { location: 'src/app.ts:40', severity: 'high', title: 'Unbounded retry loop on 503' },
      { location: 'src/über/zahl.ts:7', severity: 'low', title: 'Rounding drops the sign of -0' },
    ],
    highest_severity: 'high',
  },
  { tests_run: 14, tests_failed: 0, verified_locations: ['src/app.ts:40', 'src/über/zahl.ts:7'] },
];

/** Text that belongs to one phase only; the phase's view may show it, earlier views must not. */
export const MARKERS = {
  intro: 'INTRO-MARK-7c1',
  phases: ['PHASE0-MARK-a41', 'PHASE1-MARK-b77', 'PHASE2-MARK-e08'],
  titles: ['Scope the change', 'Hunt for defects', 'Verify the fixes'],
  /** Task bodies by phase, then task number - 1: shown only by get_task. */
  tasks: [['TASK01-BODY-5e2', 'TASK02-BODY-9d0'], ['TASK11-BODY-c33'], []] as string[][],
};

const FENCE = '```';
const evidence = (schema: Record<string, unknown>): string => `${FENCE}evidence\n${JSON.stringify(schema, null, 2)}\n${FENCE}`;

/** The workflow file's text: `phases` lets a test break one part of a good file. */
export function gatedWorkflowText(id = GATED_ID, gates: readonly Record<string, unknown>[] = GATES): string {
  return [
    '---',
    `id: ${id}`,
    `title: ${GATED_TITLE}`,
    'description: Three phases with quantified gates, for the MCP workflow tests.',
    'target: any',
    '---',
    `Work one phase at a time; every gate wants counts and path:line locations. ${MARKERS.intro}`,
    '',
    `## Phase 0: ${MARKERS.titles[0]}`,
    `List what changed and where the code starts. ${MARKERS.phases[0]}`,
    '',
    '### Task 1: List the changed files',
    `Run git diff --stat and count the files. ${MARKERS.tasks[0]![0]}`,
    '',
    '### Task 2: Find the entry points',
    `Give each entry point as path:line. ${MARKERS.tasks[0]![1]}`,
    '',
    evidence(gates[0]!),
    '',
    `## Phase 1: ${MARKERS.titles[1]}`,
    `Read each entry point and record each defect as a finding. ${MARKERS.phases[1]}`,
    '',
    '### Task 1: Check the error paths',
    `Follow every catch and retry. ${MARKERS.tasks[1]![0]}`,
    '',
    evidence(gates[1]!),
    '',
    `## Phase 2: ${MARKERS.titles[2]}`,
    `Run the tests that cover each finding. ${MARKERS.phases[2]}`,
    '',
    evidence(gates[2]!),
    '',
  ].join('\n');
}

/** Writes `<workspace>/.agent-os/workflows/<name>.md`; returns its path. */
export function writeWorkflow(workspace: string, name: string, text: string): string {
  const folder = join(workspace, '.agent-os', 'workflows');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${name}.md`);
  writeFileSync(file, text);
  return file;
}

/**
 * Branch hcontent ships the core personas/workflow-executor.md; where it is absent, a stand-in
 * in the workspace lets invoke_workflow_executor create its job (the tests are about the tools).
 */
export function writeExecutorStandIn(workspace: string, repoRoot: string): void {
  if (existsSync(join(repoRoot, 'personas', 'workflow-executor.md'))) return;
  mkdirSync(join(workspace, '.agent-os', 'personas'), { recursive: true });
  writeFileSync(join(workspace, '.agent-os', 'personas', 'workflow-executor.md'), [
    '---',
    'name: Workflow executor (test stand-in)',
    'description: Runs a phase-gated workflow session one phase at a time, submitting quantified evidence to each gate.',
    'tools: list_workflows, start_workflow, get_current_phase, get_task, complete_phase, get_workflow_state, search_standards, read_file, list_files, grep',
    '---',
    'Run the workflow session named in the task: get_current_phase, do its tasks, complete_phase with the evidence its schema asks for.',
    '',
  ].join('\n'));
}

/** Every marker of phases after `phase` (titles, instructions, task bodies). */
export function laterThan(phase: number): string[] {
  const out: string[] = [];
  for (let p = phase + 1; p < MARKERS.phases.length; p++) out.push(MARKERS.titles[p]!, MARKERS.phases[p]!, ...MARKERS.tasks[p]!);
  return out;
}
