/**
 * The demo model's agent behaviour: when a request offers tools, it works like a reviewing
 * model would — look at the standards and the files, read what the task names, then write the
 * review from what it read, citing `file:line`. Each step is decided from the conversation
 * so far (the server is stateless), one turn per call.
 */
import { randomBytes } from 'node:crypto';
import { proposeFromFindings } from './proposals';
import { reviewFindings, writeReview } from './reviews';
import { countOf } from '../../core/plural';

export type AgentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface ConversationPart {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | { type: string; text?: string }[];
  is_error?: boolean;
}

export interface Conversation {
  messages: { role: string; content: string | ConversationPart[] }[];
  tools: string[];
  /** tool_choice "none": the client wants the answer now. */
  mustAnswer: boolean;
}

export interface ToolExchange {
  name: string;
  input: Record<string, unknown>;
  result: string;
  isError: boolean;
}

/** A source file by its extension: what the demo reads first. */
export const CODE_FILE = /\.(ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|cs|rb|php|sql|html|vue|svelte|kt|swift)$/;

/** True when the demo should act as an agent: tools are on offer and there is something to explore. */
export function wantsAgent(conversation: Conversation, userText: string, forced: boolean): boolean {
  if (!conversation.tools.includes('read_file') && !conversation.tools.includes('list_files')) return false;
  // Without a forced script the demo explores only when it was given no code to look at.
  return forced || !/^\s*\d+\| /m.test(userText);
}

export function nextAgentTurn(conversation: Conversation, persona: string, userText: string, proposeStandard: boolean): AgentBlock[] {
  const exchanges = pastExchanges(conversation);
  const turn = conversation.messages.filter((m) => m.role === 'assistant').length;
  const offered = new Set(conversation.tools);
  const task = userText.split('\n---\n')[0] ?? '';
  const use = (name: string, input: Record<string, unknown>): AgentBlock[] => (offered.has(name) ? [{ type: 'tool_use', id: `toolu_demo_${randomBytes(6).toString('hex')}`, name, input }] : []);

  if (!conversation.mustAnswer && turn === 0) {
    const calls = [...use('search_standards', { query: keywords(task) }), ...use('list_files', { path: '.', recursive: true })];
    if (calls.length > 0) return [{ type: 'text', text: 'I will check the approved standards and see what the workspace holds first.\n' }, ...calls];
  }
  if (!conversation.mustAnswer && turn === 1) {
    const named = [...task.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!).slice(0, 6);
    const listing = exchanges.find((e) => e.name === 'list_files' && !e.isError)?.result ?? '';
    const paths = named.length > 0 ? named : listing.split('\n').filter((p) => CODE_FILE.test(p)).slice(0, 3);
    const calls = [...paths.flatMap((path) => use('read_file', { path })), ...use('grep', { pattern: 'SELECT .*\\$\\{|password|secret|eval\\(|TODO|FIXME', regex: true })];
    if (calls.length > 0) return [{ type: 'text', text: `Reading ${countOf(paths.length, 'file')}.\n` }, ...calls];
  }
  if (!conversation.mustAnswer && turn === 2 && proposeStandard && offered.has('propose_standard')) {
    // A standard is proposed from what the review found in the files it read, never from nothing.
    const proposal = proposeFromFindings(persona, reviewFindings(persona, readFiles(exchanges).join('\n')));
    if (proposal) return [{ type: 'text', text: `What I found at ${proposal.title} is worth a rule, so I will propose a standard for a human to approve.\n` }, ...use('propose_standard', { ...proposal })];
  }
  // The answer: the review of every file it could read, plus what the tools refused.
  const read = readFiles(exchanges);
  const proposed = exchanges
    .filter((e) => e.name === 'propose_standard' && !e.isError)
    .map((e) => `${text(e.input['title'], 'untitled')} (${text(e.input['domain'], '?')}/${text(e.input['topic'], '?')})`);
  const review = writeReview({ persona, userText: `${task}\n---\n${read.join('\n')}`, proposed });
  const refused = exchanges.filter((e) => e.isError);
  const lines = [review, '', '## Tool calls', '', `${countOf(exchanges.length, 'tool call')}; ${refused.length} refused.`];
  for (const e of refused) lines.push(`- \`${e.name}\` ${JSON.stringify(e.input)} was refused: ${e.result.split('\n')[0]}`);
  return [{ type: 'text', text: lines.join('\n') }];
}

/** What read_file returned, file by file (each starts with its `File:` header). */
function readFiles(exchanges: readonly ToolExchange[]): string[] {
  return exchanges.filter((e) => e.name === 'read_file' && !e.isError).map((e) => e.result);
}

/** Every tool call so far with its result, in order: the only memory a stateless demo has. */
export function pastExchanges(conversation: Conversation): ToolExchange[] {
  const uses = new Map<string, { name: string; input: Record<string, unknown> }>();
  const out: ToolExchange[] = [];
  for (const message of conversation.messages) {
    if (typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type === 'tool_use' && part.id && part.name) uses.set(part.id, { name: part.name, input: (part.input ?? {}) as Record<string, unknown> });
      if (part.type === 'tool_result' && part.tool_use_id) {
        const use = uses.get(part.tool_use_id);
        const result = typeof part.content === 'string' ? part.content : (part.content ?? []).map((c) => c.text ?? '').join('\n');
        if (use) out.push({ ...use, result, isError: part.is_error === true });
      }
    }
  }
  return out;
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function keywords(task: string): string {
  return (task.replace(/\[\[demo:[^\]]*\]\]/g, '').match(/[a-zA-Z]{4,}/g) ?? ['review']).slice(0, 6).join(' ');
}
