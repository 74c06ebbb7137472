import { randomUUID } from 'node:crypto';
import type { SqlValue } from 'sql.js';
import { PersonaError } from '../core/errors';
import { TypedEmitter } from '../core/typedEmitter';
import type { JournaledDatabase } from '../jobs/journaledDatabase';
import { assertBounded, type EvidenceGates, type GateFailure } from './evidenceGate';
import type { Workflow, WorkflowPhase, WorkflowTask } from './types';
import type { WorkflowRegistry } from './workflowRegistry';

export type SessionStatus = 'active' | 'completed' | 'abandoned';

/** What a session keeps of one phase. */
export interface PhaseRecord {
  attempts: number;
  refusals: number;
  /** The failures of the last refused attempt. */
  lastRefusal: GateFailure[] | null;
  /** The evidence the gate accepted; null until then. */
  evidence: Record<string, unknown> | null;
  acceptedAt: number | null;
}

export interface WorkflowSession {
  id: string;
  workflowId: string;
  title: string;
  source: string;
  /** The workflow as it was when the session started. */
  definition: Workflow;
  target: string;
  options: Record<string, unknown>;
  status: SessionStatus;
  /** Index into `definition.phases` of the current phase; null once the session ended. */
  currentIndex: number | null;
  phases: PhaseRecord[];
  jobId: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export type CompleteOutcome =
  | { accepted: true; session: WorkflowSession; phase: WorkflowPhase; next: WorkflowPhase | null }
  | { accepted: false; session: WorkflowSession; phase: WorkflowPhase; failures: GateFailure[] };

export interface WorkflowSessionEvents extends Record<string, unknown> {
  /** A session started, a phase was accepted or refused, or the session ended. */
  'session:changed': WorkflowSession;
  /** What a change was, for the metrics: a start, a phase accepted or refused (by number), the session's end. */
  'session:step': { kind: 'started' | 'accepted' | 'refused' | 'completed' | 'abandoned'; session: WorkflowSession; phase: number | null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_TARGET_CHARS = 1000;
const MAX_OPTIONS_BYTES = 16 * 1024;

/**
 * Durable phase-gated sessions. A session holds a copy of its workflow, so its gates do not
 * change under it, and one row, so each change is one journaled statement. Completing a phase
 * checks the phase and the evidence and writes in the same turn of the event loop, guarded by
 * the current phase in the statement: of two callers completing one phase, exactly one wins.
 */
export class WorkflowSessions {
  readonly events = new TypedEmitter<WorkflowSessionEvents>();

  constructor(
    private readonly db: JournaledDatabase,
    private readonly registry: WorkflowRegistry,
    private readonly gates: EvidenceGates,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a session of a loaded workflow; resolves once it is durable. */
  async start(request: { workflowId: string; target: string; options?: Record<string, unknown>; jobId?: string | null }): Promise<WorkflowSession> {
    const workflow = this.registry.require(request.workflowId);
    const target = typeof request.target === 'string' ? request.target.trim() : '';
    if (!target || target.length > MAX_TARGET_CHARS || hasControlCharacter(target)) {
      throw new PersonaError('INVALID_INPUT', `The target must be a file, a folder or "changes", on one line of at most ${MAX_TARGET_CHARS} characters.`, `Name what the workflow runs on; "${workflow.id}" expects ${workflow.target === 'any' ? 'a file, a folder or "changes"' : `a ${workflow.target}`}.`);
    }
    const options = request.options ?? {};
    if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new PersonaError('INVALID_INPUT', 'The options must be an object.', 'Pass options as {"name": value}, or leave them out.');
    assertBounded(options);
    const optionsText = JSON.stringify(options);
    if (Buffer.byteLength(optionsText) > MAX_OPTIONS_BYTES) throw new PersonaError('INVALID_INPUT', `The options are over ${MAX_OPTIONS_BYTES / 1024} KB.`, 'Options are a few settings, not content.');
    const at = this.now();
    const phases: PhaseRecord[] = workflow.phases.map(() => ({ attempts: 0, refusals: 0, lastRefusal: null, evidence: null, acceptedAt: null }));
    const id = randomUUID();
    await this.db.write(
      `INSERT INTO workflow_sessions (id, workflow_id, title, source, definition, target, options, status, current_index, phases, job_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'active', 0, ?, ?, ?, ?)`,
      [id, workflow.id, workflow.title, workflow.source, JSON.stringify(workflow), target, optionsText, JSON.stringify(phases.map(toStored)), request.jobId ?? null, at, at],
    );
    const session = this.changed(id);
    this.events.emit('session:step', { kind: 'started', session, phase: null });
    return session;
  }

  /**
   * The session, or WORKFLOW_SESSION_NOT_FOUND naming the id as given. With `jobId` (a persona
   * job calling), a session another job drives is refused too: a job drives only its own, or
   * one no job drives yet; MCP clients may drive any of the workspace's.
   */
  require(id: string, jobId?: string): WorkflowSession {
    const session = typeof id === 'string' && UUID.test(id) ? this.get(id) : undefined;
    if (session) {
      if (jobId && session.jobId && session.jobId !== jobId) {
        throw new PersonaError('WORKFLOW_SESSION_NOT_FOUND', `Workflow session ${session.id} belongs to another job.`, 'Drive the session this job was given, or start one with start_workflow.');
      }
      return session;
    }
    const shown = String(id).slice(0, 80);
    throw new PersonaError('WORKFLOW_SESSION_NOT_FOUND', UUID.test(shown) ? `No workflow session has the id "${shown}".` : `"${shown}" is not a workflow session id (a UUID that start_workflow returns).`, 'Use the session_id that start_workflow or invoke_workflow_executor returned, or start a session with start_workflow.');
  }

  get(id: string): WorkflowSession | undefined {
    const row = this.db.query('SELECT * FROM workflow_sessions WHERE id = ?', [id])[0];
    return row ? toSession(row) : undefined;
  }

  /** The session a workflow job drives, if any. */
  forJob(jobId: string): WorkflowSession | undefined {
    const row = this.db.query('SELECT * FROM workflow_sessions WHERE job_id = ? ORDER BY created_at DESC LIMIT 1', [jobId])[0];
    return row ? toSession(row) : undefined;
  }

  /** The most recently changed sessions, newest first. */
  recent(limit = 50): WorkflowSession[] {
    return this.db.query('SELECT * FROM workflow_sessions ORDER BY updated_at DESC LIMIT ?', [limit]).map(toSession);
  }

  /** The current phase of an active session; null for an ended one. */
  currentPhase(id: string): { session: WorkflowSession; phase: WorkflowPhase | null } {
    const session = this.require(id);
    return { session, phase: session.currentIndex === null ? null : session.definition.phases[session.currentIndex]! };
  }

  /** One task of the current phase (later phases are not revealed). */
  task(id: string, phaseNumber: number, taskNumber: number, jobId?: string): { session: WorkflowSession; phase: WorkflowPhase; task: WorkflowTask } {
    const { session, phase } = this.activePhase(id, phaseNumber, jobId);
    const task = phase.tasks.find((t) => t.number === taskNumber);
    if (!task) {
      throw new PersonaError('WORKFLOW_TASK_NOT_FOUND', `Phase ${phase.number} ("${phase.title}") has no task ${String(taskNumber).slice(0, 20)}.`, phase.tasks.length ? `Its tasks are numbered 1 to ${phase.tasks.length}.` : 'This phase has no separate tasks; its instructions say what to do.');
    }
    return { session, phase, task };
  }

  /**
   * Checks the evidence against the current phase's gate. Accepted: the phase keeps the
   * evidence and the next one becomes current (or the session completes). Refused: the phase
   * stays current and the attempt and its failures are recorded. Anything else (another phase,
   * an ended session, evidence over the limits) throws and changes nothing.
   */
  async complete(id: string, phaseNumber: number, evidence: unknown, jobId?: string): Promise<CompleteOutcome> {
    const { session, phase } = this.activePhase(id, phaseNumber, jobId);
    const index = session.currentIndex!;
    const failures = this.gates.check(phase.evidenceSchema, evidence);
    const record = session.phases[index]!;
    const at = this.now();
    // From the check above to the write below nothing awaits: the statement runs in memory
    // now, and its guard on the current phase makes a second completion of the phase a no-op,
    // which the caller is told (should an await ever come between the check and the write).
    let write: Promise<void>;
    if (failures.length > 0) {
      write = this.db.write(
        `UPDATE workflow_sessions SET phases = json_set(phases, '$[${index}].attempts', ?, '$[${index}].refusals', ?, '$[${index}].last_refusal', json(?)), updated_at = ?
         WHERE id = ? AND status = 'active' AND current_index = ?`,
        [record.attempts + 1, record.refusals + 1, JSON.stringify(failures), at, id, index],
      );
    } else {
      const last = index === session.definition.phases.length - 1;
      write = this.db.write(
        `UPDATE workflow_sessions SET phases = json_set(phases, '$[${index}].attempts', ?, '$[${index}].evidence', json(?), '$[${index}].accepted_at', ?, '$[${index}].last_refusal', NULL),
           current_index = ?, status = ?, updated_at = ?, finished_at = ?
         WHERE id = ? AND status = 'active' AND current_index = ?`,
        [record.attempts + 1, JSON.stringify(evidence), at, last ? null : index + 1, last ? 'completed' : 'active', at, last ? at : null, id, index],
      );
    }
    // The statement has run; changes() is its row count, read before anything else can write.
    // None means the guard stopped it: another caller changed the phase first (say which way).
    const applied = Number(this.db.query('SELECT changes() AS n')[0]?.['n'] ?? 0) > 0;
    await write;
    if (!applied) {
      this.activePhase(id, phaseNumber);
      throw new PersonaError('WORKFLOW_PHASE_MISMATCH', `Phase ${phase.number} of session ${session.id} changed while this evidence was checked.`, 'Call get_current_phase and work on the phase it shows.');
    }
    const after = this.changed(id);
    this.events.emit('session:step', { kind: failures.length > 0 ? 'refused' : 'accepted', session: after, phase: phase.number });
    if (after.status === 'completed') this.events.emit('session:step', { kind: 'completed', session: after, phase: null });
    if (failures.length > 0) return { accepted: false, session: after, phase, failures };
    return { accepted: true, session: after, phase, next: after.currentIndex === null ? null : after.definition.phases[after.currentIndex]! };
  }

  /** Ends an active session without completing it (the user stopped it). */
  async abandon(id: string): Promise<WorkflowSession> {
    const session = this.require(id);
    if (session.status !== 'active') return session;
    const at = this.now();
    await this.db.write(`UPDATE workflow_sessions SET status = 'abandoned', current_index = NULL, updated_at = ?, finished_at = ? WHERE id = ? AND status = 'active'`, [at, at, id]);
    const after = this.changed(id);
    this.events.emit('session:step', { kind: 'abandoned', session: after, phase: null });
    return after;
  }

  /** Records the job that drives a session (the workflow executor's). */
  async linkJob(id: string, jobId: string): Promise<WorkflowSession> {
    this.require(id);
    await this.db.write('UPDATE workflow_sessions SET job_id = ?, updated_at = ? WHERE id = ?', [jobId, this.now(), id]);
    return this.changed(id);
  }

  /** The current phase, if it is the one named and the session is active; otherwise why not. */
  private activePhase(id: string, phaseNumber: number, jobId?: string): { session: WorkflowSession; phase: WorkflowPhase } {
    const session = this.require(id, jobId);
    if (session.status !== 'active' || session.currentIndex === null) {
      throw new PersonaError('WORKFLOW_NOT_ACTIVE', `The workflow session ${session.id} is ${session.status}; its phases cannot change.`, session.status === 'completed' ? 'Read what it accepted with get_workflow_state, or start a new session.' : 'Start a new session with start_workflow.');
    }
    const phase = session.definition.phases[session.currentIndex]!;
    if (phaseNumber !== phase.number) {
      const shown = String(phaseNumber).slice(0, 20);
      const done = session.definition.phases.find((p) => p.number === phaseNumber);
      const why = done === undefined ? `this workflow has no phase ${shown}` : session.phases[session.definition.phases.indexOf(done)]!.acceptedAt !== null ? `phase ${shown} was already accepted` : `phase ${shown} is not reached yet`;
      throw new PersonaError('WORKFLOW_PHASE_MISMATCH', `The current phase of session ${session.id} is ${phase.number} ("${phase.title}"); ${why}.`, `Work on phase ${phase.number}: get_current_phase shows it.`);
    }
    return { session, phase };
  }

  private changed(id: string): WorkflowSession {
    const session = this.get(id)!;
    this.events.emit('session:changed', session);
    return session;
  }
}

/** A target is one line of text: a path or "changes". */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

interface StoredPhase {
  attempts: number;
  refusals: number;
  last_refusal: GateFailure[] | null;
  evidence: Record<string, unknown> | null;
  accepted_at: number | null;
}

function toStored(p: PhaseRecord): StoredPhase {
  return { attempts: p.attempts, refusals: p.refusals, last_refusal: p.lastRefusal, evidence: p.evidence, accepted_at: p.acceptedAt };
}

function toSession(row: Record<string, SqlValue>): WorkflowSession {
  const phases = (JSON.parse(String(row['phases'])) as StoredPhase[]).map((p) => ({ attempts: p.attempts, refusals: p.refusals, lastRefusal: p.last_refusal ?? null, evidence: p.evidence ?? null, acceptedAt: p.accepted_at ?? null }));
  return {
    id: String(row['id']),
    workflowId: String(row['workflow_id']),
    title: String(row['title']),
    source: String(row['source']),
    definition: JSON.parse(String(row['definition'])) as Workflow,
    target: String(row['target']),
    options: JSON.parse(String(row['options'] ?? '{}')) as Record<string, unknown>,
    status: String(row['status']) as SessionStatus,
    currentIndex: row['current_index'] === null ? null : Number(row['current_index']),
    phases,
    jobId: row['job_id'] === null ? null : String(row['job_id']),
    createdAt: Number(row['created_at']),
    updatedAt: Number(row['updated_at']),
    finishedAt: row['finished_at'] === null ? null : Number(row['finished_at']),
  };
}
