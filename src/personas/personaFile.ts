import { parseDocument, LineCounter } from 'yaml';
import { PersonaError } from '../core/errors';

/** A persona as loaded from markdown with YAML front matter. */
export interface Persona {
  id: string;
  name: string;
  description: string;
  tools: string[];
  model: string | null;
  /** null for a core persona; "specialist" for `specialty: true`, or the specialty text given. */
  specialty: string | null;
  systemPrompt: string;
  source: string;
}

export interface PersonaFileProblem {
  file: string;
  /** 1-based line of the problem in the file. */
  line: number;
  message: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/**
 * Parses one persona file. YAML is parsed by the `yaml` package (kept, and its errors carry
 * line positions, which the diagnostics need); only the `---` fence is split here.
 * Throws PersonaError INVALID_INPUT with `problem` describing file and line.
 */
export function parsePersonaFile(text: string, file: string, idFromFile: string): Persona {
  const fence = FRONT_MATTER.exec(text);
  if (!fence) {
    throw problemError({ file, line: 1, message: 'missing YAML front matter (a first line "---", the fields, then "---")' });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(fence[1]!, { lineCounter, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = lineCounter.linePos(firstError.pos[0]);
    // +1: the front matter starts on the line after the opening fence.
    throw problemError({ file, line: pos.line + 1, message: `front matter is not valid YAML: ${firstError.message.split('\n')[0]}` });
  }
  const data: unknown = doc.toJS();
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw problemError({ file, line: 2, message: 'front matter must be a mapping of fields (name, description, ...)' });
  }
  const fields = data as Record<string, unknown>;
  const lineOf = (key: string): number => {
    const node = doc.contents && 'items' in doc.contents ? (doc.contents.items as { key: { source?: string; range?: number[] } }[]).find((i) => i.key?.source === key) : undefined;
    return node?.key.range ? lineCounter.linePos(node.key.range[0]!).line + 1 : 2;
  };
  const name = fields['name'];
  if (typeof name !== 'string' || name.trim() === '') {
    throw problemError({ file, line: 2, message: 'front matter needs a "name" (text)' });
  }
  const description = fields['description'];
  if (typeof description !== 'string' || description.trim() === '') {
    throw problemError({ file, line: lineOf('name'), message: 'front matter needs a "description" (text)' });
  }
  const body = text.slice(fence[0].length).trim();
  if (body === '') {
    throw problemError({ file, line: text.slice(0, fence[0].length).split('\n').length, message: 'the system prompt (the text after the front matter) is empty' });
  }
  return {
    id: idFromFile,
    name: name.trim(),
    description: description.trim(),
    tools: toList(fields['tools']),
    model: typeof fields['model'] === 'string' && fields['model'] !== 'inherit' ? fields['model'] : null,
    specialty: specialtyOf(fields['specialty']),
    systemPrompt: body,
    source: file,
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

function toList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

function problemError(problem: PersonaFileProblem): PersonaError {
  const err = new PersonaError('INVALID_INPUT', `${problem.file}:${problem.line}: ${problem.message}`, 'Fix the persona file; the other personas still load.');
  (err as PersonaError & { problem: PersonaFileProblem }).problem = problem;
  return err;
}

export function problemOf(err: unknown): PersonaFileProblem | undefined {
  return (err as { problem?: PersonaFileProblem } | undefined)?.problem;
}
