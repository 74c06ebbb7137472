import { problemError, readFrontMatter, type FrontMatterFile } from './frontMatter';
import { modelFromAgentOs } from './modelNames';
import { droppedToolsNote, PERSONA_TOOLS, toolNameList, toolsFromAgentOs, type MappedTools, type PersonaTool } from './toolNames';

export { problemOf, type PersonaFileProblem } from './frontMatter';

/** Where a persona was written: our `personas/<id>.md`, a Claude Code subagent, a Copilot custom agent. */
export type PersonaFormat = 'agent-os' | 'claude' | 'copilot';

/** A persona as loaded from markdown with YAML front matter, in any of the three formats. */
export interface Persona {
  id: string;
  name: string;
  description: string;
  /** Our read-only tools; a file's other tools are dropped and named in `notes`. */
  tools: PersonaTool[];
  /** An Anthropic model id, or null for the configured model. */
  model: string | null;
  /** null for a core persona; "specialist" for `specialty: true`, or the specialty text given. */
  specialty: string | null;
  systemPrompt: string;
  /** The file it was loaded from. */
  source: string;
  format: PersonaFormat;
  /** What the loader could not carry over (tools we do not have, a model it did not recognise). */
  notes: string[];
}

/** A persona id: what `invoke_persona`, the CLI and file names use. */
export const SAFE_PERSONA_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The id for `raw` (lower-cased), or a problem naming the file and line when it is not a safe name. */
export function personaId(raw: string, file: string, line: number, what: string): string {
  const id = raw.trim().toLowerCase();
  if (!SAFE_PERSONA_ID.test(id)) {
    const suggestion = id.replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
    const hint = suggestion && SAFE_PERSONA_ID.test(suggestion) ? `, e.g. "${suggestion}"` : '';
    throw problemError({ file, line, message: `${what} "${raw}" is not a usable persona id: use 1-64 lowercase letters, digits and hyphens, starting with a letter or digit${hint}` });
  }
  return id;
}

/** A required text field, or a problem at its line (or the name's line when it is missing). */
export function requiredText(fm: FrontMatterFile, key: string, file: string, lineIfMissing: number): string {
  const value = fm.fields[key];
  if (typeof value !== 'string' || value.trim() === '') {
    const present = key in fm.fields;
    throw problemError({ file, line: present ? fm.lineOf(key) : lineIfMissing, message: `front matter needs a "${key}" (text)` });
  }
  return value.trim();
}

/** The body as the system prompt; an empty one is a problem at the closing fence. */
export function requiredPrompt(fm: FrontMatterFile, file: string): string {
  if (fm.body === '') {
    throw problemError({ file, line: fm.closingLine, message: 'the system prompt (the text after the front matter) is empty' });
  }
  return fm.body;
}

/**
 * Tools: absent means every read-only tool; names with no equivalent are dropped with a note.
 * `mapNames` is the format's table (src/personas/toolNames.ts).
 */
export function mappedTools(fm: FrontMatterFile, mapNames: (names: string[]) => MappedTools): { tools: PersonaTool[]; note?: string } {
  if (!('tools' in fm.fields) || fm.fields['tools'] === null) return { tools: [...PERSONA_TOOLS] };
  const { tools, dropped } = mapNames(toolNameList(fm.fields['tools']));
  const note = droppedToolsNote(dropped);
  return note ? { tools, note } : { tools };
}

export function notesOf(...notes: (string | undefined)[]): string[] {
  return notes.filter((n): n is string => typeof n === 'string');
}

/**
 * Parses one file of our own format, `personas/<id>.md` or `.agent-os/personas/<id>.md`: the
 * file name is the id; front matter `name`, `description`, optional `tools` (our names, a list
 * or comma-separated), `model` (an id, a Claude alias, or `inherit`) and `specialty`.
 * Throws PersonaError INVALID_INPUT carrying a problem with file and line (see `problemOf`).
 */
export function parsePersonaFile(text: string, file: string, idFromFile: string): Persona {
  const fm = readFrontMatter(text, file);
  const id = personaId(idFromFile, file, 1, 'the file name');
  const name = requiredText(fm, 'name', file, 2);
  const description = requiredText(fm, 'description', file, fm.lineOf('name'));
  const systemPrompt = requiredPrompt(fm, file);
  const tools = mappedTools(fm, toolsFromAgentOs);
  const model = modelFromAgentOs(fm.fields['model']);
  const specialty = fm.fields['specialty'];
  return {
    id,
    name,
    description,
    tools: tools.tools,
    model: model.model,
    specialty: specialtyOf(specialty),
    systemPrompt,
    source: file,
    format: 'agent-os',
    notes: notesOf(tools.note, model.note),
  };
}

/**
 * `specialty: true` marks a specialist (the shipped ones use it); a text value names the
 * specialty itself. Either way the persona is a specialist; absent or false means core.
 */
function specialtyOf(value: unknown): string | null {
  if (value === true) return 'specialist';
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
