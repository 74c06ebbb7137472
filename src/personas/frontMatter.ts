import { parseDocument, LineCounter, isMap, isScalar, type Document } from 'yaml';
import { PersonaError } from '../core/errors';

/** Why a persona file was skipped: the file, the 1-based line, and what to fix. */
export interface PersonaFileProblem {
  file: string;
  /** 1-based line of the problem in the file. */
  line: number;
  message: string;
}

/** A markdown file split into its YAML front matter (parsed) and its body. */
export interface FrontMatterFile {
  fields: Record<string, unknown>;
  /** 1-based line in the file of a front-matter key; the opening fence's next line when absent. */
  lineOf(key: string): number;
  body: string;
  /** 1-based line of the closing fence: where an empty body is reported. */
  closingLine: number;
}

const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;

/**
 * Splits `---` front matter from the body and parses it with the `yaml` package (its errors
 * carry positions, which the Problems panel needs). Throws a PersonaError carrying a
 * PersonaFileProblem (see `problemOf`) when the fence is missing or the YAML is not a mapping.
 */
export function readFrontMatter(text: string, file: string): FrontMatterFile {
  // A byte-order mark is invisible in editors; it must not hide the opening fence.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const fence = FRONT_MATTER.exec(source);
  if (!fence) {
    throw problemError({ file, line: 1, message: 'missing YAML front matter (a first line "---", the fields, then "---")' });
  }
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(fence[1] ?? '', { lineCounter, prettyErrors: false });
  // +1 everywhere below: the front matter starts on the line after the opening fence.
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = lineCounter.linePos(firstError.pos[0]);
    throw problemError({ file, line: pos.line + 1, message: `front matter is not valid YAML: ${firstError.message.split('\n')[0]}` });
  }
  const data: unknown = doc.toJS();
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw problemError({ file, line: 2, message: 'front matter must be a mapping of fields (name, description, ...)' });
  }
  const lineOf = (key: string): number => {
    if (!isMap(doc.contents)) return 2;
    const item = doc.contents.items.find((i) => isScalar(i.key) && i.key.value === key);
    const offset = item && isScalar(item.key) ? item.key.range?.[0] : undefined;
    return offset === undefined ? 2 : lineCounter.linePos(offset).line + 1;
  };
  const head = fence[0];
  return {
    fields: data as Record<string, unknown>,
    lineOf,
    body: source.slice(head.length).trim(),
    closingLine: head.replace(/\r?\n$/, '').split('\n').length,
  };
}

/** A PersonaError that carries the problem for the registry and the Problems panel. */
export function problemError(problem: PersonaFileProblem): PersonaError {
  const err = new PersonaError('INVALID_INPUT', `${problem.file}:${problem.line}: ${problem.message}`, 'Fix the persona file; the other personas still load.');
  (err as PersonaError & { problem: PersonaFileProblem }).problem = problem;
  return err;
}

export function problemOf(err: unknown): PersonaFileProblem | undefined {
  return (err as { problem?: PersonaFileProblem } | undefined)?.problem;
}
