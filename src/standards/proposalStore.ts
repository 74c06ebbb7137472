import { randomUUID } from 'node:crypto';
import type { SqlValue } from 'sql.js';
import { PersonaError } from '../core/errors';
import { TypedEmitter } from '../core/typedEmitter';
import type { JournaledDatabase } from '../jobs/journaledDatabase';

export type ProposalStatus = 'pending' | 'approved' | 'rejected';

export interface Proposal {
  id: string;
  domain: string;
  topic: string;
  title: string;
  body: string;
  tags: string[];
  /** The persona (or "person") that proposed it; never who approves. */
  createdBy: string;
  jobId: string | null;
  status: ProposalStatus;
  createdAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  reason: string | null;
  path: string | null;
}

export interface NewProposal {
  domain: string;
  topic: string;
  title: string;
  body: string;
  tags?: string[];
  createdBy: string;
  jobId?: string | null;
}

export interface ProposalEvents extends Record<string, unknown> {
  'proposal:created': Proposal;
  'proposal:approved': Proposal;
  'proposal:rejected': Proposal;
}

/** What approval records on the row: the text as approved (after the person's edits) and where it went. */
export interface ApprovalRecord {
  domain: string;
  topic: string;
  title: string;
  tags: string[];
  body: string;
  decidedBy: string;
  /** The standard's file, relative to the workspace root. */
  path: string;
}

/** A domain or topic: lower-case words joined by hyphens, safe as a folder and a file name on every OS. */
export const STANDARD_SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Tags a standard keeps: enough to filter by, few enough to read. */
export const MAX_TAGS = 10;
const SLUG = STANDARD_SLUG;

/**
 * Standard proposals, kept in the job store's journaled database (same durability, same single
 * owner). Tools create them. `approve` and `reject` record a person's decision and are called
 * only by `src/standards/approval.ts`, which only the editor's UI imports (an ESLint rule and
 * a unit test keep src/mcp and src/personas away from both).
 */
export class ProposalStore {
  readonly events = new TypedEmitter<ProposalEvents>();

  constructor(
    private readonly db: JournaledDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: NewProposal): Promise<Proposal> {
    for (const [field, value] of [['domain', input.domain], ['topic', input.topic]] as const) {
      if (typeof value !== 'string' || !SLUG.test(value)) {
        throw new PersonaError('INVALID_INPUT', `The proposal's ${field} "${String(value).slice(0, 80)}" is not a valid name.`, 'Use lower-case letters, digits and hyphens, starting with a letter or digit (at most 64), e.g. "api-errors".');
      }
    }
    if (!input.title?.trim() || !input.body?.trim()) {
      throw new PersonaError('INVALID_INPUT', 'A proposal needs a title and a body.', 'Write the standard in the template: Context, Pattern, Examples, Anti-Patterns, When to Revisit.');
    }
    const tags = (input.tags ?? []).filter((t) => SLUG.test(t)).slice(0, MAX_TAGS);
    const proposal: Proposal = {
      id: randomUUID(),
      domain: input.domain,
      topic: input.topic,
      title: input.title.trim().slice(0, 200),
      body: input.body,
      tags,
      createdBy: input.createdBy,
      jobId: input.jobId ?? null,
      status: 'pending',
      createdAt: this.now(),
      decidedAt: null,
      decidedBy: null,
      reason: null,
      path: null,
    };
    await this.db.write(
      `INSERT INTO standard_proposals (id, domain, topic, title, body, tags, created_by, job_id, status, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM jobs WHERE id = ?), 'pending', ?)`,
      [proposal.id, proposal.domain, proposal.topic, proposal.title, proposal.body, JSON.stringify(tags), proposal.createdBy, proposal.jobId, proposal.createdAt],
    );
    this.events.emit('proposal:created', proposal);
    return proposal;
  }

  /**
   * Marks a pending proposal approved, keeping the approved text and the file's path.
   * Invariant: a row leaves `pending` once; the check and the in-memory update happen in the
   * same turn of the event loop, so two decisions on one row cannot both pass.
   */
  async approve(id: string, record: ApprovalRecord): Promise<Proposal> {
    this.requirePending(id);
    const decidedAt = this.now();
    await this.db.write(
      `UPDATE standard_proposals SET status = 'approved', domain = ?, topic = ?, title = ?, tags = ?, body = ?, decided_at = ?, decided_by = ?, reason = NULL, path = ?
       WHERE id = ? AND status = 'pending'`,
      [record.domain, record.topic, record.title, JSON.stringify(record.tags), record.body, decidedAt, record.decidedBy, record.path, id],
    );
    const proposal = this.get(id)!;
    this.events.emit('proposal:approved', proposal);
    return proposal;
  }

  /** Marks a pending proposal rejected with the person's reason; nothing is written to the standards. */
  async reject(id: string, decision: { reason: string; decidedBy: string }): Promise<Proposal> {
    this.requirePending(id);
    const reason = decision.reason.trim();
    if (!reason) throw new PersonaError('INVALID_INPUT', 'A rejection needs a reason.', 'Say why, so the persona or agent that proposed it can learn from it.');
    await this.db.write(
      `UPDATE standard_proposals SET status = 'rejected', decided_at = ?, decided_by = ?, reason = ? WHERE id = ? AND status = 'pending'`,
      [this.now(), decision.decidedBy, reason.slice(0, 2000), id],
    );
    const proposal = this.get(id)!;
    this.events.emit('proposal:rejected', proposal);
    return proposal;
  }

  /** The pending proposal, or PROPOSAL_NOT_FOUND / PROPOSAL_DECIDED naming it. */
  requirePending(id: string): Proposal {
    const proposal = this.get(id);
    if (!proposal) throw new PersonaError('PROPOSAL_NOT_FOUND', `No standard proposal has the id "${String(id).slice(0, 80)}".`, 'It may have been removed; refresh the Standards view.');
    if (proposal.status !== 'pending') {
      throw new PersonaError('PROPOSAL_DECIDED', `The proposal "${proposal.title}" was already ${proposal.status}${proposal.decidedBy ? ` by ${proposal.decidedBy}` : ''}.`, 'A decision is final; propose the standard again to reconsider it.');
    }
    return proposal;
  }

  /** The most recently decided proposals, newest first. */
  recentDecisions(limit: number): Proposal[] {
    return this.db.query(`SELECT * FROM standard_proposals WHERE status != 'pending' ORDER BY decided_at DESC LIMIT ?`, [limit]).map(toProposal);
  }

  get(id: string): Proposal | undefined {
    const row = this.db.query('SELECT * FROM standard_proposals WHERE id = ?', [id])[0];
    return row ? toProposal(row) : undefined;
  }

  list(status?: ProposalStatus): Proposal[] {
    const rows = status
      ? this.db.query('SELECT * FROM standard_proposals WHERE status = ? ORDER BY created_at', [status])
      : this.db.query('SELECT * FROM standard_proposals ORDER BY created_at');
    return rows.map(toProposal);
  }
}

function toProposal(row: Record<string, SqlValue>): Proposal {
  const text = (v: SqlValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
  return {
    id: String(row['id']),
    domain: String(row['domain']),
    topic: String(row['topic']),
    title: String(row['title']),
    body: String(row['body']),
    tags: JSON.parse(String(row['tags'] ?? '[]')) as string[],
    createdBy: String(row['created_by']),
    jobId: text(row['job_id']),
    status: String(row['status']) as ProposalStatus,
    createdAt: Number(row['created_at']),
    decidedAt: row['decided_at'] === null ? null : Number(row['decided_at']),
    decidedBy: text(row['decided_by']),
    reason: text(row['reason']),
    path: text(row['path']),
  };
}
