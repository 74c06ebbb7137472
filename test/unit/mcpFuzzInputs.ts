// Generators for the MCP fuzz test: tools/call params for every tool of the persona server,
// mostly hostile (wrong shapes, paths that climb out, forged fields), plus random JSON and
// tool names that do not exist. Everything generated is plain JSON, as a wire would carry it.
import fc from 'fast-check';
import { JOB_STATUSES } from '../../src/jobs/types';
import { GATED_ID, GOOD_EVIDENCE } from './gatedWorkflow';
import { ALL_TOOLS } from './mcpTools';

/** A leaf name every escaping path aims at; the test looks for it outside the workspace afterwards. */
export const ESCAPE_NAME = 'fuzz-escaped';
/** The token planted in `.agent-os/mcp-endpoint.json`: no tool result or job may ever contain it. */
export const PRIVATE_TOKEN = 'PRIVATE-TOKEN-a9e2f1';
/** The text of `outside/secret.txt`, beside the workspace: no tool result may ever contain it. */
export const OUTSIDE_SECRET = 'OUTSIDE-SECRET-7d41c0';
/** An argument `{ [JOB_REF]: n }` is replaced, before sending, by the id of a job seen so far (n modulo their number). */
export const JOB_REF = '$jobRef';
/**
 * An argument `{ [SESSION_REF]: n, phase?: p }` is replaced, before sending, by the id of a
 * workflow session seen so far: one whose current phase is p when there is one, so valid
 * evidence for phase p reaches its gate rather than stopping at the phase check.
 */
export const SESSION_REF = '$sessionRef';

/** One generated tools/call: `name`, `arguments`, and sometimes `task` or `_meta` (any JSON, as a client might send). */
export type FuzzParams = Record<string, unknown>;

const CODE = 'File: src/pay.ts (file, lines 1-2)\n1| const apiKey = "sk-live-1234567890";\n2| export const x = 1;';
const PERSONAS = ['architect', 'engineer', 'data', 'qa', 'security', 'sre', 'accessibility', 'performance', 'database'];
// Demo model scripts that end on their own ([[demo:hang]] would hold a worker until cancelled).
const TASKS = [
  'Review this change.',
  'Is this safe?',
  '[[demo:tools]] Read `src/pay.ts`, `../outside/secret.txt`, `linkdir/secret.txt` and `src/link-out`.',
  '[[demo:tools]] Read `swapping/file`, `swapping/dir/secret.txt`, `zero-link`, `.agent-os/mcp-endpoint.json` and `agent-link`.',
  '[[demo:propose]] Propose a standard for this.',
  '[[demo:not-template]] Answer freely.',
  '[[demo:500]] This one fails.',
  '[[demo:tool-use]] Use a tool.',
];

const PATHS = [
  'src/pay.ts', 'README.md',
  // climbing out, absolute, drive, UNC, home
  '../outside/secret.txt', `../outside/${ESCAPE_NAME}`, `../../${ESCAPE_NAME}`, `../../../../../../../../${ESCAPE_NAME}`, 'src/../../outside/secret.txt',
  './../outside', '..', '.', '/', '//', '/etc/passwd', `/tmp/${ESCAPE_NAME}`, 'C:\\Windows\\win.ini', 'c:/x', '\\\\server\\share\\x', '~/.ssh/id_rsa', '~',
  // mixed separators, look-alikes, encodings, NUL, newlines
  '..\\outside\\secret.txt', 'src\\pay.ts', '．．／outside／secret.txt', '\u2024\u2024/outside/secret.txt', '..\u2215outside\u2215secret.txt', 'src/\u2025/x',
  '%2e%2e%2foutside%2fsecret.txt', 'file:///etc/passwd', 'src/pay.ts\0.md', '\0', 'src/\0/../..', `src/pay.ts\n../../${ESCAPE_NAME}`,
  // reserved names, case, odd spellings of a good path
  'CON', 'nul.txt', 'src/aux.ts', 'COM1', 'lpt9.log', 'SRC/PAY.TS', 'src/pay.ts/', 'src//pay.ts', './src/pay.ts', ' src/pay.ts ',
  // what the workspace holds: links out, a pipe, a folder, a binary, a big file, the store itself
  'src/link-out', 'linkdir/secret.txt', 'linkdir', 'pipe', 'src', 'bin.dat', 'big.txt', 'missing.ts',
  '.agent-os/jobs.sqlite', '.agent-os/jobs.journal', '.agent-os/jobs.lock', '.agent-os/standards/security/no-hardcoded-keys.md',
  // the store's private files and links into them, a device, links swapped while the fuzz runs
  '.agent-os/mcp-endpoint.json', '.agent-os/owner.json', '.agent-os', '.agent-os/', './.agent-os/../.agent-os/mcp-endpoint.json', 'agent-link', 'zero-link',
  'swapping/file', 'swapping/dir/secret.txt', 'swapping/dir', 'swapping', '..notes.md',
];

const HOSTILE_TEXT = [
  '', ' ', '\t\n', '\0', 'a\0b', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__',
  'NaN', 'Infinity', '-Infinity', 'null', 'undefined', 'true', '[]', '{}', '-1', '1e309', '0x10',
  "'; DROP TABLE jobs; --", "x' OR '1'='1", '"); DELETE FROM standard_proposals; --', '${process.exit(1)}', '{{constructor.constructor("return process")().exit()}}',
  '<script>alert(1)</script>', '\u202egnp.exe', 'a\u200bb', '\ud800', '\udfff\ud800', '🧨'.repeat(40),
  'аrchitect', 'ARCHITECT', ' security ', 'security\n', 'panel', 'ghost', 'security/../engineer', '../personas/security',
];
// Inside and just outside each numeric range the tools accept (0..50, -10..10, 1..100, 0..1e6), and extremes.
const HOSTILE_NUMBERS = [-1, -0.001, 0.5, 1.5, 50.001, 51, 101, 1_000_001, -11, 11, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, Number.MIN_VALUE, 2 ** 31, 2 ** 63];
const NUMBERISH_TEXT = ['NaN', 'Infinity', '5', '0x10', '1e3', '', '-0'];
/** Fields no tool has, some naming what only a human may set. */
const FORGED_KEYS = ['approved_by', 'approvedBy', 'status', 'decided_by', 'decidedBy', 'decided_at', 'reason', 'path', 'id', 'created_by', 'createdBy', 'parent_id', 'attempt', 'approve', 'approved', '__proto__', 'constructor', 'prototype'];
const FORGED_VALUES = ['mallory', 'approved', true, 'completed', '../outside/x', 1, null, { isAdmin: true }, { approved: true, status: 'approved' }];
const UNKNOWN_NAMES = [
  '', ' ', 'invoke_', 'invoke_ghost', 'INVOKE_SECURITY', 'invoke_security ', ' invoke_security', 'invoke_security\0', 'invoke_panel/../reset_persona_jobs',
  'approve_standard', 'approve_proposal', 'tasks/list', 'tools/call', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'х_current_date', 'current_date'.repeat(500),
];

const huge = fc.constantFrom(1025, 20_001, 400_001, 1_000_000).map((n) => 'A'.repeat(n));

function nest(depth: number, asArray: boolean): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}
const deep = fc.tuple(fc.constantFrom(64, 1000, 4000), fc.boolean()).map(([d, a]) => nest(d, a));

const numberish = fc.oneof(fc.constantFrom(...HOSTILE_NUMBERS), fc.constantFrom(...NUMBERISH_TEXT), fc.double(), fc.integer());
/** Anything but a number (a number may be in a field's range; see waits). */
const notANumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null), fc.boolean(), fc.constantFrom(...NUMBERISH_TEXT), fc.constant([]), fc.constant({}), deep,
  fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'number'), fc.array(fc.constantFrom(...HOSTILE_TEXT), { maxLength: 3 }),
);
const wrongType: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: notANumber }, { weight: 1, arbitrary: numberish });
const hostileText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_TEXT) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: huge },
);
const path = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PATHS) }, { weight: 1, arbitrary: hostileText });

/** A field's valid values and its hostile ones. */
interface Field {
  valid: fc.Arbitrary<unknown>;
  hostile: fc.Arbitrary<unknown>;
}
/** A field whose hostile values are `hostile` (hostile text unless given) or the wrong type. */
function field(valid: fc.Arbitrary<unknown>, hostile: fc.Arbitrary<unknown> = hostileText, wrong: fc.Arbitrary<unknown> = wrongType): Field {
  return { valid, hostile: fc.oneof({ weight: 3, arbitrary: hostile }, { weight: 2, arbitrary: wrong }) };
}
/** Absent one time in three (undefined is dropped by the JSON round trip). */
function opt(arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.option(arb, { nil: undefined, freq: 3 });
}
/** An optional field: leaving it out is valid too. */
function optional(f: Field): Field {
  return { valid: opt(f.valid), hostile: f.hostile };
}
/** Absent seven times in eight. */
function rarely(arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

const forged = fc.array(fc.tuple(fc.constantFrom(...FORGED_KEYS), fc.oneof(fc.constantFrom(...FORGED_VALUES), fc.jsonValue({ maxDepth: 2 }))), { maxLength: 3 });

/**
 * A tool's arguments: every field valid (2 in 7), all valid but one (3 in 7: the deep paths get
 * the hostile value), or each field either way (2 in 7); with up to three forged fields.
 * Object.fromEntries keeps "__proto__" an own key, as JSON.parse does.
 */
function args(shape: Record<string, Field>): fc.Arbitrary<unknown> {
  const keys = Object.keys(shape);
  const fields = keys.map((k) => shape[k]!);
  const allValid = fc.tuple(...fields.map((f) => f.valid));
  const oneBad = keys.length === 0 ? allValid : fc.nat({ max: keys.length - 1 }).chain((bad) => fc.tuple(...fields.map((f, i) => (i === bad ? f.hostile : f.valid))));
  const mixed = fc.tuple(...fields.map((f) => fc.oneof(f.valid, f.hostile)));
  const values = fc.oneof({ weight: 2, arbitrary: allValid }, { weight: 3, arbitrary: oneBad }, { weight: 2, arbitrary: mixed });
  return fc.tuple(values, forged).map(([v, extra]) => Object.fromEntries([...extra, ...keys.map((k, i) => [k, v[i]] as const)]));
}

const jobRef = fc.nat().map((n) => ({ [JOB_REF]: n }));
// Valid waits are short: a generated 40 s wait on a queued job would stall the run. Out of range
// and wrong types only otherwise (a random number could fall inside 0..50).
const wait = field(
  fc.constantFrom(0, 0, 0, 0.02, 0.2),
  fc.constantFrom(-1, -0.001, 50.001, 51, 1e308, -1e308, 1e9, Number.MAX_SAFE_INTEGER + 2),
  notANumber,
);
const badSlug = fc.oneof(hostileText, fc.constantFrom('Security', '-x', 'a'.repeat(65), '../../outside', 'a/b', 'a b', 'a_b'));

const jobFields = {
  task: field(fc.constantFrom(...TASKS)),
  context: optional(field(fc.oneof({ weight: 12, arbitrary: fc.constantFrom(CODE, '') }, { weight: 1, arbitrary: fc.constant('y'.repeat(400_000)) }))),
  files: optional(field(
    fc.array(fc.constantFrom('src/pay.ts', 'README.md', 'big.txt', './src//pay.ts'), { maxLength: 3 }),
    fc.oneof(fc.array(path, { minLength: 1, maxLength: 4 }), fc.array(path, { minLength: 21, maxLength: 22 })),
  )),
  priority: optional(field(fc.integer({ min: -10, max: 10 }), numberish)),
  wait_seconds: optional(wait),
};
const persona = field(fc.constantFrom(...PERSONAS));

function call(name: string, args: fc.Arbitrary<unknown>, weight = 10): fc.WeightedArbitrary<FuzzParams> {
  const task = rarely(fc.oneof(fc.constant({ ttl: 60_000 }), fc.constant({}), fc.constantFrom({ ttl: -1 }, { ttl: 'x' }, null, 'yes', { ttl: 1e308 })));
  // Only well-formed _meta: SDK 1.x drops a request whose _meta or progressToken has the wrong type
  // without answering it (its JSON-RPC layer does not see a request), so the call would only time out.
  const meta = rarely(fc.constantFrom({ progressToken: 'p' }, { progressToken: 7 }, {}, { other: 'x' }));
  return { weight, arbitrary: fc.record({ name: fc.constant(name), arguments: args, task, _meta: meta }) };
}

// The workflow tools: session ids seen and forged, phase and task numbers in and out of range,
// and evidence of every shape (prose, lists, strings, deep, over 256 KB, near misses of a gate).
const sessionRef = (phase?: number): fc.Arbitrary<unknown> => fc.nat().map((n) => ({ [SESSION_REF]: n, phase }));
const MALFORMED_SESSIONS = [
  'not-a-session', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-fffffffffff', '{{session}}', "'; DROP TABLE workflow_sessions; --",
  '../../.agent-os/jobs.sqlite', '%00', 's'.repeat(100), 's'.repeat(101), '12345678-1234-1234-1234-1234567890ab\n', '１２３４５６７８-1234-1234-1234-1234567890ab',
];
const sessionId = (phase?: number): Field => field(sessionRef(phase), fc.oneof(fc.uuid(), fc.constantFrom(...MALFORMED_SESSIONS), hostileText));
const phaseNumber = (valid: number): Field => field(fc.constant(valid), fc.oneof(fc.constantFrom(0, 1, 2, 3, 7, 1000, 1001, -1, 0.5), numberish));
const workflowType = field(fc.constant(GATED_ID), fc.oneof(hostileText, fc.constantFrom('GATED-CHECK', `${GATED_ID}.md`, `../workflows/${GATED_ID}`, 'gated_check', 'pre-merge-review', 'g'.repeat(101))));
const workflowTarget = field(fc.constantFrom('changes', 'src/pay.ts', 'src'), fc.oneof(path, fc.constantFrom('a\nb', 'changes\u0007', 't'.repeat(1001))));
const EVIDENCE_KEYS = [...new Set(GOOD_EVIDENCE.flatMap((e) => Object.keys(e))), 'summary', 'notes', '__proto__', 'constructor'];
const BAD_VALUES: unknown[] = [
  [], ['src/app.ts'], ['a b:1'], ['src/app.ts:1:2'], ['src/app.ts:-1'], [{ location: 'x', severity: 'urgent', title: 'no' }], [{ location: 'src/a.ts:1', severity: 'CRITICAL', title: 'Real title here' }],
  -1, 0, 1.5, '3', 'true', 'reviewed the code', Array.from({ length: 201 }, (_, i) => `src/f.ts:${i}`),
];
/** A gate's good evidence with one field changed, added or emptied. */
const nearMiss = fc
  .record({ base: fc.constantFrom(...GOOD_EVIDENCE), key: fc.constantFrom(...EVIDENCE_KEYS), value: fc.oneof(fc.constantFrom(...BAD_VALUES), hostileText, wrongType) })
  .map(({ base, key, value }) => Object.fromEntries([...Object.entries(base).filter(([k]) => k !== key), [key, value]]));
const oddEvidence = fc.oneof(
  fc.constantFrom<unknown>({ summary: 'reviewed the code' }, {}, [], [GOOD_EVIDENCE[0]], 'files_reviewed: 3', 3, null, true),
  deep,
  deep.map((d) => ({ ...GOOD_EVIDENCE[0], summary: d })),
  fc.constant({ ...GOOD_EVIDENCE[0], summary: 'x'.repeat(300_000) }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
);
const evidence = (phase: number): Field => field(fc.constant(GOOD_EVIDENCE[phase]), fc.oneof({ weight: 3, arbitrary: nearMiss }, { weight: 2, arbitrary: oddEvidence }), fc.constant(undefined));

const noInput = fc.oneof(args({}), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }));
const randomArgs: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }),
  fc.jsonValue(),
  fc.anything(),
  deep,
);

/** tools/call params: every tool with its fields, hostile or valid; random JSON; unknown names and broken params. */
export const fuzzParams: fc.Arbitrary<FuzzParams> = fc.oneof(
  ...['invoke_architect', 'invoke_engineer', 'invoke_data', 'invoke_qa', 'invoke_security', 'invoke_sre'].map((n) => call(n, args(jobFields), 5)),
  call('invoke_persona', args({ persona, ...jobFields })),
  call('invoke_panel', args({
    personas: field(
      fc.shuffledSubarray(PERSONAS, { minLength: 2, maxLength: 3 }),
      fc.oneof(
        fc.array(fc.oneof(fc.constantFrom(...PERSONAS), hostileText), { maxLength: 10 }),
        fc.constantFrom(['security', 'security'], ['panel', 'security'], [' security', 'security '], PERSONAS.concat(PERSONAS)),
      ),
    ),
    ...jobFields,
  }), 8),
  call('check_persona_job', args({ job_id: field(jobRef, fc.oneof(fc.uuid(), hostileText)), wait_seconds: optional(wait), include_partial: optional(field(fc.boolean())) }), 12),
  call('cancel_persona_job', args({ job_id: field(jobRef, fc.oneof(fc.uuid(), hostileText)) }), 12),
  call('retry_persona_job', args({ job_id: field(jobRef, fc.oneof(fc.uuid(), hostileText)) }), 12),
  call('list_persona_jobs', args({
    status: optional(field(fc.constantFrom(...JOB_STATUSES))),
    persona: optional(persona),
    limit: optional(field(fc.integer({ min: 1, max: 100 }), numberish)),
    offset: optional(field(fc.integer({ min: 0, max: 1_000_000 }), numberish)),
  })),
  call('list_findings', args({
    file: optional(field(fc.constantFrom('src/pay.ts', './src/pay.ts', 'README.md'), path)),
    persona: optional(persona),
    severity: optional(field(fc.constantFrom('critical', 'high', 'medium', 'low'), fc.oneof(hostileText, fc.constantFrom('HIGH', 'urgent', 3, null)))),
    job_id: optional(field(jobRef, fc.oneof(fc.uuid(), hostileText))),
    include_suppressed: optional(field(fc.boolean())),
    include_preexisting: optional(field(fc.boolean())),
    limit: optional(field(fc.integer({ min: 1, max: 1000 }), numberish)),
  })),
  call('search_standards', args({
    query: field(fc.constantFrom('keys', 'hard-coded credentials', 'sql injection')),
    domain: optional(field(fc.constantFrom('security', 'testing'), fc.oneof(hostileText, fc.constantFrom('../security', '..', 'standards', 'SECURITY')))),
    tags: optional(field(fc.array(fc.constantFrom('secrets', 'security'), { maxLength: 3 }), fc.oneof(fc.array(hostileText, { minLength: 1, maxLength: 3 }), fc.array(fc.constant('x'), { minLength: 11, maxLength: 12 })))),
    limit: optional(field(fc.integer({ min: 1, max: 20 }), numberish)),
  })),
  call('propose_standard', args({
    domain: field(fc.constantFrom('security', 'api-errors'), badSlug),
    topic: field(fc.constantFrom('no-hardcoded-keys', 'x'), badSlug),
    title: field(fc.constantFrom('No keys in code'), fc.oneof(hostileText, fc.constantFrom('ab', 't'.repeat(121)))),
    body: field(fc.constantFrom('## Context\nKeys leak through git history.'), fc.oneof(hostileText, fc.constantFrom('too short', 'b'.repeat(20_001)))),
    tags: optional(field(fc.array(fc.constantFrom('secrets', 'keys'), { maxLength: 3 }), fc.oneof(fc.array(badSlug, { minLength: 1, maxLength: 3 }), fc.array(fc.constant('a'), { minLength: 11, maxLength: 11 })))),
    proposed_by: optional(field(fc.constantFrom('agent', 'security'), badSlug)),
  })),
  call('reset_persona_jobs', args({ confirm: field(fc.constant(true), fc.constantFrom(false, 'true', 1, 'yes', null, [true], {})) }), 3),
  call('list_workflows', noInput, 5),
  call('start_workflow', args({ workflow_type: workflowType, target: workflowTarget, options: optional(field(fc.dictionary(fc.constantFrom('depth', 'focus'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), fc.oneof(deep, fc.constant({ big: 'o'.repeat(20_000) }), fc.constant([]), hostileText))) }), 12),
  call('get_current_phase', args({ session_id: sessionId() }), 8),
  call('get_workflow_state', args({ session_id: sessionId() }), 8),
  call('get_task', args({ session_id: sessionId(0), phase: phaseNumber(0), task_number: field(fc.constantFrom(1, 2), fc.oneof(fc.constantFrom(0, 3, 1001, 1.5), numberish)) }), 8),
  // The phase and its evidence agree when both are valid, so a session at that phase moves on.
  { weight: 20, arbitrary: fc.constantFrom(0, 1, 2).chain((p) => call('complete_phase', args({ session_id: sessionId(p), phase: phaseNumber(p), evidence: evidence(p) })).arbitrary) },
  call('invoke_workflow_executor', args({ workflow_type: workflowType, target: workflowTarget, ...jobFields, task: optional(jobFields.task) }), 5),
  call('current_date', noInput),
  call('list_personas', noInput),
  call('persona_database_stats', noInput),
  call('persona_metrics', args({
    since: optional(field(fc.constantFrom('7d', '30d', 'all'), fc.oneof(hostileText, fc.constantFrom('2d', 'ALL', 7, null, ['7d'])))),
    persona: optional(persona),
  })),
  // Random JSON at a tool's door, a name that is not a tool, params that are not a tools/call.
  { weight: 25, arbitrary: fc.record({ name: fc.constantFrom(...ALL_TOOLS), arguments: randomArgs }) },
  { weight: 10, arbitrary: fc.record({ name: fc.oneof(fc.constantFrom(...UNKNOWN_NAMES), fc.string().filter((s) => !ALL_TOOLS.includes(s))), arguments: opt(randomArgs) }) },
  { weight: 3, arbitrary: fc.record({ name: fc.oneof(fc.integer(), fc.constant(null), fc.constant(['invoke_security']), fc.constant({ name: 'current_date' })), arguments: opt(randomArgs) }) },
);
