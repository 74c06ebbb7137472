/**
 * What a `@personas` chat request asks for, read from its slash command and its words. Pure (no
 * VS Code), so every reading is unit-tested; chatParticipant.ts acts on the result.
 */

/** The slash commands that ask one persona; each is the persona's id except /workflow. */
export const PERSONA_COMMANDS: Readonly<Record<string, string>> = {
  architect: 'architect',
  engineer: 'engineer',
  data: 'data',
  qa: 'qa',
  security: 'security',
  sre: 'sre',
};
export const WORKFLOW_PERSONA = 'workflow-executor';
/** What a persona is asked when the request has a file or selection but no words. */
export const DEFAULT_TASK = 'Review the attached code.';

export type ChatIntent =
  | { kind: 'persona'; persona: string; task: string }
  | { kind: 'panel'; personas: string[] | undefined; task: string }
  | { kind: 'workflow'; workflowId: string | undefined; task: string }
  | { kind: 'standards'; query: string }
  /** Nothing matched: list the commands and personas; `said` is the first word when it looked like a persona id. */
  | { kind: 'help'; said: string | undefined };

export interface ChatRequestText {
  command: string | undefined;
  prompt: string;
}

/**
 * Reads the request: a slash command decides; without one, a first word that is a loaded
 * persona's id asks that persona (`@personas accessibility check this page`); anything else
 * is answered with help. `personaIds` are the loaded personas' ids.
 */
export function parseChatRequest(request: ChatRequestText, personaIds: readonly string[]): ChatIntent {
  const prompt = request.prompt.trim();
  const command = request.command?.toLowerCase();
  const persona = command !== undefined ? PERSONA_COMMANDS[command] : undefined;
  if (persona) return { kind: 'persona', persona, task: prompt || DEFAULT_TASK };
  switch (command) {
    case 'panel': {
      // Leading persona ids pick the panel (`/panel qa sre review…`); otherwise the default panel.
      const words = prompt.split(/\s+/).filter((w) => w !== '');
      let n = 0;
      while (n < words.length && personaIds.includes(words[n]!.toLowerCase())) n++;
      const personas = n >= 2 ? words.slice(0, n).map((w) => w.toLowerCase()) : undefined;
      const task = (personas ? words.slice(n).join(' ') : prompt).trim();
      return { kind: 'panel', personas, task: task || DEFAULT_TASK };
    }
    case 'workflow': {
      const { first, rest } = firstWord(prompt);
      return first === undefined ? { kind: 'workflow', workflowId: undefined, task: '' } : { kind: 'workflow', workflowId: first, task: rest };
    }
    case 'standards':
      return { kind: 'standards', query: prompt };
    case undefined:
      break;
    default:
      return { kind: 'help', said: `/${command}` };
  }
  const { first, rest } = firstWord(prompt);
  if (first === undefined) return { kind: 'help', said: undefined };
  const id = first.replace(/^[@/]/, '').toLowerCase();
  if (personaIds.includes(id)) return { kind: 'persona', persona: id, task: rest || DEFAULT_TASK };
  return { kind: 'help', said: /^[a-z][\w-]*$/i.test(id) ? first : undefined };
}

/** Whether the words ask for the git changes: `#changes`, or the word "changes". */
export function mentionsChanges(prompt: string): boolean {
  return /(^|[^\w#-])#?changes\b/i.test(prompt);
}

/**
 * The prompt without the text of its references (`#file:src/a.ts`), which VS Code keeps in the
 * prompt; the references themselves travel as context. `ranges` are [start, end) offsets.
 */
export function withoutReferences(prompt: string, ranges: readonly (readonly [number, number])[]): string {
  let out = prompt;
  for (const [start, end] of [...ranges].sort((a, b) => b[0] - a[0])) {
    if (start >= 0 && end <= out.length && start < end) out = `${out.slice(0, start)}${out.slice(end)}`;
  }
  return out.replace(/[ \t]{2,}/g, ' ').trim();
}

/**
 * The persona ids a review's "Recommended specialists" section names (bold or plain, in the
 * order written), among the loaded ones, without the persona that wrote it.
 */
export function recommendedSpecialists(section: string | null, personaIds: readonly string[], self: string): string[] {
  if (!section) return [];
  const found: string[] = [];
  for (const m of section.matchAll(/[a-z][a-z0-9-]*/gi)) {
    const id = m[0].toLowerCase();
    const before = section[m.index - 1];
    const after = section[m.index + m[0].length];
    // A word inside a longer id (`code` of `code-reviewer`) is not that id.
    if ((before && /[\w-]/.test(before)) || (after && /[\w-]/.test(after))) continue;
    if (id !== self && personaIds.includes(id) && !found.includes(id)) found.push(id);
  }
  return found;
}

function firstWord(text: string): { first: string | undefined; rest: string } {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  return m ? { first: m[1], rest: m[2]!.trim() } : { first: undefined, rest: '' };
}
