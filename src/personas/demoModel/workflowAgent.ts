/**
 * The demo model as the workflow executor: when a request offers `complete_phase`, it drives a
 * phase-gated session the way the executor persona is told to — find or start the session,
 * read the phase and the workspace, submit evidence built from the gate's schema, fix what a
 * refusal names, go on until the session completes, then report from get_workflow_state. On
 * the first phase it first submits a bare summary, as a lazy agent would, so every demo run
 * shows a gate refusing prose. Stateless like the review agent: every step is decided from the
 * conversation so far, one turn per request.
 */
import { randomBytes } from 'node:crypto';
import { CODE_FILE, pastExchanges, type AgentBlock, type Conversation, type ToolExchange } from './agent';
import { evidenceFor, isRecord, type EvidenceFacts, type EvidenceLocation } from './evidence';
import { DEMO_NOTE, parseContext, scanFindings, type Finding } from './reviews';
import { countOf } from '../../core/plural';

/** What a lazy agent submits; every gate of the spec must refuse it. */
export const WEAK_EVIDENCE = { summary: 'reviewed the code' } as const;

/** The line startWorkflowJob opens the executor's task with. */
const SESSION_LINE = /Run workflow session ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) \((.*)\) on (.+?)\.?\s*$/im;
/** The review rules the demo applies to what it read, for a workflow's findings. */
const SCAN_AS = ['security', 'engineer'] as const;
const MAX_READS = 3;

interface PhaseView {
  phase: number;
  title: string;
  position: string;
  evidence_schema: Record<string, unknown>;
}

interface Failure {
  field: string;
  reason: string;
}

/** The run as the conversation shows it: the session, the phase in front of it, and its attempts. */
interface RunState {
  task: string;
  exchanges: ToolExchange[];
  /** Files a diff in the context changes: what a review of "changes" is about. */
  changed: string[];
  sessionId?: string;
  target: string;
  title?: string;
  status?: string;
  current: PhaseView | null;
  /** get_workflow_state's answer, when asked after the last complete_phase. */
  state?: Record<string, unknown>;
  /** The last host error that ends the run, in its own words. */
  stopped?: string;
}

/** True when the request offers the workflow tools: the demo drives the session instead of reviewing. */
export function wantsWorkflow(conversation: Conversation): boolean {
  return conversation.tools.includes('complete_phase');
}

export function nextWorkflowTurn(conversation: Conversation, userText: string): AgentBlock[] {
  const offered = new Set(conversation.tools);
  const use = (name: string, input: Record<string, unknown>): AgentBlock[] => (offered.has(name) ? [{ type: 'tool_use', id: `toolu_demo_${randomBytes(6).toString('hex')}`, name, input }] : []);
  const say = (text: string, calls: AgentBlock[]): AgentBlock[] | undefined => (calls.length > 0 ? [{ type: 'text', text }, ...calls] : undefined);
  const run = readRun(conversation, userText);
  const facts = factsOf(run);
  if (conversation.mustAnswer) return answer(run, run.status === 'completed' ? undefined : 'the tool budget ran out before the session completed; this reports what was done');

  // No session named: find a workflow and start one.
  if (!run.sessionId) {
    if (run.stopped) return answer(run, run.stopped);
    if (!offered.has('start_workflow')) return answer(run, 'the task names no workflow session and start_workflow is not offered');
    const listed = run.exchanges.find((e) => e.name === 'list_workflows');
    if (!listed && offered.has('list_workflows')) return say('The task names no session, so I will see which workflows there are.\n', use('list_workflows', {}))!;
    const ids = listedIds(listed);
    const id = ids.find((w) => new RegExp(`(^|[^a-z0-9_-])${escaped(w)}([^a-z0-9_-]|$)`, 'i').test(run.task)) ?? ids[0] ?? /\b([a-z0-9][a-z0-9_-]*) workflow\b/i.exec(run.task)?.[1];
    if (!id) return answer(run, 'no workflow is defined here (list_workflows returned none)');
    return say(`Starting the ${id} workflow on ${run.target}.\n`, use('start_workflow', { workflow_type: id, target: run.target }))!;
  }
  const session = run.sessionId;
  if (run.stopped) return closing(run, use, run.stopped);

  // Look first: the phase and the workspace.
  if (!run.exchanges.some((e) => e.name === 'get_current_phase')) {
    const calls = [...use('get_current_phase', { session_id: session }), ...(run.exchanges.some((e) => e.name === 'list_files') ? [] : use('list_files', { path: '.', recursive: true }))];
    const turn = say('I will read the current phase and its gate, and see what the workspace holds.\n', calls);
    if (turn) return turn;
  }
  if (!run.exchanges.some((e) => e.name === 'read_file')) {
    const toRead = filesToRead(run);
    const turn = say(`Reading ${countOf(toRead.length, 'file')} the evidence will cite.\n`, toRead.flatMap((path) => use('read_file', { path })));
    if (turn) return turn;
  }

  if (run.status === 'completed' || run.current === null) {
    if (!run.state && offered.has('get_workflow_state')) return say('Every phase is accepted; reading the session\'s state for the report.\n', use('get_workflow_state', { session_id: session }))!;
    return answer(run);
  }
  const phase = run.current;
  const attempts = run.exchanges.filter((e) => e.name === 'complete_phase' && e.input['phase'] === phase.phase);
  const first = /^1 of /.test(phase.position);
  const submit = (text: string, evidence: Record<string, unknown>): AgentBlock[] => say(text, use('complete_phase', { session_id: session, phase: phase.phase, evidence })) ?? answer(run, 'complete_phase is not offered');
  if (first && attempts.length === 0) {
    return submit(`Phase ${phase.phase} (${phase.title}): submitting a one-line summary first.\n`, { ...WEAK_EVIDENCE });
  }
  const generated = first ? attempts.slice(1) : attempts;
  const last = generated[generated.length - 1];
  if (!last) {
    const refused = attempts[0] ? failuresOf(attempts[0]) : [];
    const why = refused.length > 0 ? ` The gate refused the summary (${refused.map((f) => f.field).join(', ')}), so` : '';
    return submit(`Phase ${phase.phase} (${phase.title}):${why} submitting the counts and locations its evidence_schema asks for.\n`, evidenceFor(phase.evidence_schema, facts));
  }
  const failures = failuresOf(last);
  if (generated.length === 1 && failures.length > 0) {
    return submit(`Phase ${phase.phase} was refused on ${countOf(failures.length, 'field')}; fixing exactly those.\n`, repaired(last.input['evidence'], failures, phase.evidence_schema, facts));
  }
  // Refused again (or refused for a reason evidence cannot fix): stop rather than loop.
  const reasons = failures.length > 0 ? failures.map((f) => `${f.field} ${f.reason}`).join('; ') : firstLine(last.result);
  return closing(run, use, `phase ${phase.phase} ("${phase.title}") was refused ${attempts.filter((a) => a.isError).length} times; the last refusal: ${reasons}`);
}

/** Before a report that stops early: the session's state, once, so the report shows every phase. */
function closing(run: RunState, use: (name: string, input: Record<string, unknown>) => AgentBlock[], why: string): AgentBlock[] {
  // Asked once: a state that cannot be read is not asked for again.
  if (!run.state && run.sessionId && !run.exchanges.some((e) => e.name === 'get_workflow_state' && e.isError)) {
    const calls = use('get_workflow_state', { session_id: run.sessionId });
    if (calls.length > 0) return [{ type: 'text', text: 'I cannot get further; reading the session\'s state for the report.\n' }, ...calls];
  }
  return answer(run, why);
}

function readRun(conversation: Conversation, userText: string): RunState {
  const task = userText.split('\n---\n')[0] ?? '';
  const named = SESSION_LINE.exec(task);
  const run: RunState = { task, exchanges: pastExchanges(conversation), changed: changedFiles(userText), sessionId: named?.[1], title: named?.[2], target: named?.[3]?.trim() || targetIn(task), current: null };
  for (const e of run.exchanges) {
    const data = json(e.result);
    if (e.isError) {
      const refusal = e.name === 'complete_phase' && data?.['accepted'] === false;
      const error = isRecord(data?.['error']) ? data['error'] : undefined;
      // A refused gate is the run's business; any other error from the workflow tools ends it.
      if (!refusal && e.name !== 'list_files' && e.name !== 'read_file' && e.name !== 'grep' && e.name !== 'search_standards') {
        run.stopped = `${e.name} failed: ${typeof error?.['message'] === 'string' ? error['message'] : firstLine(e.result)}`;
      }
      continue;
    }
    if (!data) continue;
    if (e.name === 'start_workflow') {
      run.sessionId = text(data['session_id']) ?? run.sessionId;
      run.title = text(data['title']) ?? run.title;
      run.target = text(data['target']) ?? run.target;
    }
    if (e.name === 'start_workflow' || e.name === 'get_current_phase') {
      run.current = phaseView(data['current_phase']);
      run.status = text(data['status']);
    }
    if (e.name === 'complete_phase' && data['accepted'] === true) {
      run.current = phaseView(data['next_phase']);
      run.status = text(data['status']);
      run.state = undefined;
    }
    if (e.name === 'get_workflow_state') {
      run.state = data;
      run.status = text(data['status']) ?? run.status;
      run.title = text(data['title']) ?? run.title;
    }
  }
  return run;
}

/** The files the git changes in the context touch: "File: <path> (git diff …" as formatDiff heads them, or a raw `+++ b/<path>`. */
function changedFiles(userText: string): string[] {
  const context = userText.split('\n---\n').slice(1).join('\n---\n');
  const paths = [...context.matchAll(/^(?:File: (\S+) \(git diff|\+\+\+ b\/(\S+))/gm)].map((m) => (m[1] ?? m[2])!);
  return [...new Set(paths)];
}

/** What the evidence may cite: listed files, lines read, and what the review rules found in them. */
function factsOf(run: RunState): EvidenceFacts {
  const listing = run.exchanges.find((e) => e.name === 'list_files' && !e.isError)?.result ?? '';
  const listed = listing.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('[') && !l.endsWith('/') && l !== '(no files)' && l !== '(empty folder)');
  // The workspace's own files, not the tool's settings folders.
  const own = listed.filter((f) => !f.split('/').some((s) => s.startsWith('.')));
  // A diff in the context decides what changed: its files lead, so "changed files" cites them.
  const files = [...run.changed, ...own.filter((f) => !run.changed.includes(f))];
  const read = run.exchanges.filter((e) => e.name === 'read_file' && !e.isError).map((e) => e.result).join('\n');
  const findings = scanFindings(SCAN_AS, read).map((f) => ({ path: f.file, line: f.line, severity: f.severity, title: f.title }));
  const lines = parseContext(read).lines.filter((l) => l.code.trim() !== '' && l.file !== 'the context');
  const locations: EvidenceLocation[] = [...findings, ...lines.map((l) => ({ path: l.file, line: l.n })).slice(0, 40), ...files.map((path) => ({ path, line: 1 }))];
  return { files: files.length > 0 ? files : listed, locations, findings, target: run.target };
}

/** Code files under the target (when it is a path), else any: what the evidence will cite. */
function filesToRead(run: RunState): string[] {
  const { files } = factsOf(run);
  const code = files.filter((f) => CODE_FILE.test(f));
  const changed = run.changed.filter((f) => CODE_FILE.test(f));
  if (changed.length > 0) return changed.slice(0, MAX_READS);
  const target = run.target.replace(/^\.\/|\/$/g, '');
  const inTarget = code.filter((f) => f === target || f.startsWith(`${target}/`));
  return (inTarget.length > 0 ? inTarget : code).slice(0, MAX_READS);
}

/** The refused evidence with each named field put right: dropped if the gate does not take it, regenerated otherwise. */
function repaired(previous: unknown, failures: Failure[], schema: Record<string, unknown>, facts: EvidenceFacts): Record<string, unknown> {
  const out: Record<string, unknown> = isRecord(previous) ? { ...previous } : {};
  const fresh = evidenceFor(schema, facts, { variant: 1 });
  for (const failure of failures) {
    const field = failure.field.split(/[.[]/)[0] ?? '';
    if (!field || field === 'evidence') return fresh;
    if (field in fresh) out[field] = fresh[field];
    else delete out[field];
  }
  return out;
}

function failuresOf(exchange: ToolExchange): Failure[] {
  if (!exchange.isError) return [];
  const list = json(exchange.result)?.['failures'];
  return Array.isArray(list) ? list.filter(isRecord).map((f) => ({ field: text(f['field']) ?? '', reason: text(f['reason']) ?? '' })) : [];
}

/** The report, in the executor's template; `stoppedBecause` when the run ended before the session did. */
function answer(run: RunState, stoppedBecause?: string): AgentBlock[] {
  const state = run.state;
  const phases = Array.isArray(state?.['phases']) ? state['phases'].filter(isRecord) : [];
  const accepted = phases.filter((p) => p['status'] === 'accepted').length;
  const refusals = run.exchanges.filter((e) => e.name === 'complete_phase' && e.isError).length;
  const name = run.title ? `"${run.title}"` : 'the';
  const done = !stoppedBecause && (state?.['status'] === 'completed' || run.status === 'completed');
  const read = run.exchanges.filter((e) => e.name === 'read_file' && !e.isError).map((e) => e.result).join('\n');
  const findings = scanFindings(SCAN_AS, read);
  const out: string[] = ['# Workflow report', '', `${DEMO_NOTE} It fills each gate from the files it listed and read and the demo review rules; set an Anthropic API key for a real run.`, '', '## Summary', ''];
  const session = run.sessionId ? ` (session ${run.sessionId})` : '';
  if (done) {
    // The first gate's answer to a bare summary is the demo's point: say what it did.
    const lazy = Number(phases[0]?.['refusals'] ?? 0) > 0
      ? 'the first gate refused a one-line summary, as a gate should refuse prose, and accepted the counts and path:line locations that followed'
      : 'note that the first gate accepted a one-line summary: it asks for no quantified evidence, so it proves nothing';
    out.push(`Ran the ${name} workflow on \`${run.target}\`${session}: completed, ${accepted} of ${phases.length} phases accepted. The gates refused ${countOf(refusals, 'submission')}; ${lazy}.`);
  } else {
    out.push(`The ${name} workflow on \`${run.target}\`${session} stopped: ${stoppedBecause ?? 'the session is not complete'}.${phases.length > 0 ? ` ${accepted} of ${phases.length} phases were accepted.` : ''}`);
  }
  out.push('', '## Findings', '');
  if (findings.length === 0) out.push('None', '');
  findings.forEach((f: Finding, i) => {
    out.push(`### ${i + 1}. [${f.severity.toUpperCase()}] ${f.title}`, '');
    out.push(`- **Evidence:** \`${f.file}:${f.line}\` — \`${f.code.replace(/`/g, "'")}\``);
    out.push(`- **Why it matters:** ${f.why}`);
    out.push(`- **Recommendation:** ${f.fix}`, '');
  });
  out.push('## Phases', '');
  if (phases.length === 0) out.push(run.current ? `- Phase ${run.current.phase}: ${run.current.title} — current (the session's state was not read)` : 'None');
  for (const p of phases) {
    const attempts = Number(p['attempts'] ?? 0);
    const refused = Number(p['refusals'] ?? 0);
    const tries = attempts > 0 ? ` after ${countOf(attempts, 'attempt')} (${refused} refused)` : '';
    const evidence = isRecord(p['evidence']) ? `: ${brief(p['evidence'])}` : '';
    out.push(`- Phase ${String(p['phase'])}: ${String(p['title'])} — ${String(p['status'])}${tries}${evidence}`);
  }
  out.push('', '## Recommended specialists', '', 'None', '', '## Proposed standards', '', 'None');
  return [{ type: 'text', text: out.join('\n') }];
}

/** Accepted evidence in one line: scalars as they are, lists by count and first item. */
function brief(evidence: Record<string, unknown>): string {
  const parts = Object.entries(evidence).map(([k, v]) => {
    if (Array.isArray(v)) {
      const head: unknown = v[0];
      const shown = typeof head === 'string' ? head : isRecord(head) ? text(head['location']) ?? text(head['title']) : undefined;
      return `${k} ${countOf(v.length, 'item')}${shown ? ` (${shown}${v.length > 1 ? ', …' : ''})` : ''}`;
    }
    if (isRecord(v)) return `${k} {…}`;
    return `${k} ${typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v)}`;
  });
  const line = parts.join(', ');
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function phaseView(value: unknown): PhaseView | null {
  if (!isRecord(value) || typeof value['phase'] !== 'number') return null;
  return {
    phase: value['phase'],
    title: text(value['title']) ?? `Phase ${value['phase']}`,
    position: text(value['position']) ?? '',
    evidence_schema: isRecord(value['evidence_schema']) ? value['evidence_schema'] : { type: 'object' },
  };
}

function listedIds(exchange: ToolExchange | undefined): string[] {
  const list = exchange && !exchange.isError ? json(exchange.result)?.['workflows'] : undefined;
  return Array.isArray(list) ? list.filter(isRecord).map((w) => text(w['id'])).filter((id): id is string => id !== undefined) : [];
}

/** "… on src/app.ts" or "… on `src`": what the task says the workflow runs on; "changes" otherwise. */
function targetIn(task: string): string {
  const named = /\bon\s+`([^`\n]+)`|\bon\s+(?:the\s+)?([^\s`,;]+?)[.,;]?(?:\s|$)/i.exec(task.replace(/\[\[demo:[^\]]*\]\]/g, ''));
  const target = (named?.[1] ?? named?.[2] ?? '').trim();
  return target && target.toLowerCase() !== 'the' ? target : 'changes';
}

function json(result: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(result);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.slice(0, 200) ?? '';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

