// The Standards webview's messages, both ways. Everything the webview sends is untrusted input:
// the zod schemas below are the only validation the host applies to its shape, and a message
// that fails them is ignored (and logged). Objects are strict, so a message that adds a field
// (an `approvedBy`, a `path`) is malformed: the approver and the file are the host's to decide.
// No `vscode` import: unit tests check these in plain Node.
import { z } from 'zod';

const id = z.uuid();
/** Names are only bounded here; the path rules are the core's (standardFilePath), which answers with a reason. */
const name = z.string().max(200);

export const WebviewMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('preview'), id, body: z.string().max(100_000) }),
  /** `tags` only bounded here too; approval says which tag breaks the rule. Absent: the proposal's tags. */
  z.strictObject({ type: z.literal('approve'), id, title: z.string().max(200), domain: name, topic: name, tags: z.array(z.string().max(200)).max(50).optional(), body: z.string().max(100_000) }),
  z.strictObject({ type: z.literal('reject'), id, reason: z.string().max(2000) }),
  /** Open an approved standard's file; the host reads its path from the row, never from the message. */
  z.strictObject({ type: z.literal('open'), id }),
]);

export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;

/** The message, or undefined with a short reason to log (never the message itself: it may be large). */
export function parseWebviewMessage(raw: unknown): { message: WebviewMessage } | { problem: string } {
  const parsed = WebviewMessageSchema.safeParse(raw);
  if (parsed.success) return { message: parsed.data };
  const type = raw !== null && typeof raw === 'object' && 'type' in raw ? JSON.stringify(raw.type)?.slice(0, 40) : typeof raw;
  const issue = parsed.error.issues[0];
  return { problem: `type ${type}: ${issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}` : 'invalid'}` };
}

/** A pending proposal as the webview shows it. */
export interface ProposalView {
  id: string;
  domain: string;
  topic: string;
  title: string;
  body: string;
  tags: string[];
  createdBy: string;
  /** ISO time. */
  createdAt: string;
  jobId: string | null;
  /** The body rendered and sanitised on the host. */
  html: string;
  /** Template sections the body lacks. */
  missing: string[];
  /** The body starts with its own front matter, which approval replaces. */
  hasFrontMatter: boolean;
}

export interface DecisionView {
  id: string;
  title: string;
  status: 'approved' | 'rejected';
  decidedBy: string;
  decidedAt: string;
  reason: string | null;
  path: string | null;
}

export type HostMessage =
  | { type: 'state'; available: boolean; notice: string | null; proposals: ProposalView[]; recent: DecisionView[]; focus: string | null }
  | { type: 'preview'; id: string; html: string; missing: string[]; hasFrontMatter: boolean }
  | { type: 'decided'; id: string; status: 'approved' | 'rejected'; message: string; path: string | null }
  | { type: 'failed'; id: string; code: string; message: string; hint: string; suggestedTopic: string | null };
