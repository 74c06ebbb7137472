import type Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { RE2JS } from 're2js';
import { PersonaError } from '../core/errors';
import type { EvidenceSchema } from './types';

/** A phase's evidence, serialised, may be this large; a gate wants counts and lists, not dumps. */
export const MAX_EVIDENCE_BYTES = 256 * 1024;
/** Evidence is records of findings; nothing real nests deeper than this. */
export const MAX_EVIDENCE_DEPTH = 32;

/** One reason a gate refused evidence: the field as a path (`findings[0].location`) and why. */
export interface GateFailure {
  field: string;
  reason: string;
}

/**
 * `pattern` runs on RE2 (linear time, as the grep tool does): a gate's pattern comes from a
 * workspace file and the evidence from a model, so a backtracking pattern must not be able to
 * pin the host. A pattern RE2 cannot run (lookaround, backreferences) fails the schema's
 * compile, which the registry reports at the file's line.
 */
const re2Engine = Object.assign(
  (pattern: string, flags: string): { test(s: string): boolean; toString(): string } => {
    const re = RE2JS.compile(pattern);
    // ajv caches compiled patterns by their toString(): without one, every pattern would be
    // "[object Object]" and all would share the first one compiled.
    return { test: (s: string) => re.matcher(s).find(), toString: () => `/${pattern}/${flags}` };
  },
  { code: 're2js' },
);

/**
 * Compiles gates with ajv (a kept JSON Schema validator; draft 2020-12, strict so a misspelt
 * keyword is an error rather than a gate that passes everything) once per schema.
 */
export class EvidenceGates {
  private ajv: Ajv2020 | undefined;
  private readonly compiled = new Map<string, ValidateFunction>();

  /** Compiles a schema (cached by its text); throws the reason when the schema itself is broken. */
  compile(schema: EvidenceSchema): ValidateFunction {
    const key = JSON.stringify(schema);
    const known = this.compiled.get(key);
    if (known) return known;
    if (schema['type'] !== 'object') throw new Error('the evidence schema must have "type": "object" (evidence is an object of named fields)');
    const validate = this.validator().compile(schema);
    this.compiled.set(key, validate);
    return validate;
  }

  /**
   * ajv, made on the first compile: loading it and its meta-schemas costs ~100 ms, which every
   * window and CLI run would otherwise pay at start for workflows it may never open.
   */
  private validator(): Ajv2020 {
    if (!this.ajv) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { default: Ajv } = require('ajv/dist/2020') as { default: typeof Ajv2020 };
      this.ajv = new Ajv({ allErrors: true, strict: true, code: { regExp: re2Engine } });
    }
    return this.ajv;
  }

  /**
   * Every way `evidence` fails the gate (empty when it passes). Throws EVIDENCE_TOO_LARGE for
   * evidence over the size or depth bound, before the validator sees it.
   */
  check(schema: EvidenceSchema, evidence: unknown): GateFailure[] {
    assertBounded(evidence);
    if (typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)) {
      return [{ field: 'evidence', reason: `must be an object of the fields the gate names, not ${describe(evidence)}` }];
    }
    const validate = this.compile(schema);
    if (validate(evidence)) return [];
    return failuresOf(validate.errors ?? []);
  }
}

/** Refuses evidence deeper than MAX_EVIDENCE_DEPTH or larger than MAX_EVIDENCE_BYTES, without recursion. */
export function assertBounded(evidence: unknown): void {
  const stack: [unknown, number][] = [[evidence, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_EVIDENCE_DEPTH) {
      throw new PersonaError('EVIDENCE_TOO_LARGE', `The evidence is nested more than ${MAX_EVIDENCE_DEPTH} levels deep.`, 'Send the fields the gate asks for, as flat lists of counts, locations and findings.');
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(evidence) ?? '', 'utf8');
  if (bytes > MAX_EVIDENCE_BYTES) {
    throw new PersonaError('EVIDENCE_TOO_LARGE', `The evidence is ${Math.ceil(bytes / 1024)} KB; a phase takes at most ${MAX_EVIDENCE_BYTES / 1024} KB.`, 'Send counts and path:line locations, not file contents or whole outputs.');
  }
}

/** ajv's errors as fields and reasons a model or a person can act on; one line per field and rule. */
function failuresOf(errors: readonly ErrorObject[]): GateFailure[] {
  const out: GateFailure[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const failure = toFailure(e);
    const key = `${failure.field}\u0000${failure.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(failure);
  }
  return out;
}

function toFailure(e: ErrorObject): GateFailure {
  const at = fieldPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: join(at, String(params['missingProperty'])), reason: `is required ${describeSchema(e)}`.trim() };
    case 'additionalProperties':
      return { field: join(at, String(params['additionalProperty'])), reason: 'is not a field this gate takes (check the spelling against evidence_schema)' };
    case 'type':
      return { field: at || 'evidence', reason: `must be ${article(String(params['type']))}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field: at, reason: `must be ${String(params['comparison'])} ${String(params['limit'])}` };
    case 'minItems':
      return { field: at, reason: Number(params['limit']) === 1 ? 'must list at least one item' : `must list at least ${String(params['limit'])} items` };
    case 'maxItems':
      return { field: at, reason: `must list at most ${String(params['limit'])} items` };
    case 'minLength':
      return { field: at, reason: Number(params['limit']) === 1 ? 'must not be empty' : `must be at least ${String(params['limit'])} characters` };
    case 'maxLength':
      return { field: at, reason: `must be at most ${String(params['limit'])} characters` };
    case 'pattern':
      return { field: at, reason: `must match ${String(params['pattern'])}${hint(String(params['pattern']))}` };
    case 'enum':
      return { field: at, reason: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { field: at || 'evidence', reason: e.message ?? e.keyword };
  }
}

/** `/findings/0/location` → `findings[0].location`. */
function fieldPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function join(at: string, field: string): string {
  return at ? `${at}.${field}` : field;
}

function describeSchema(e: ErrorObject): string {
  const properties = (e.parentSchema as { properties?: Record<string, { description?: unknown }> } | undefined)?.properties;
  const description = properties?.[String((e.params as Record<string, unknown>)['missingProperty'])]?.description;
  return typeof description === 'string' ? `(${description})` : '';
}

function article(type: string): string {
  const words: Record<string, string> = { integer: 'an integer', array: 'a list', object: 'an object', string: 'a string', number: 'a number', boolean: 'true or false', null: 'null' };
  return type.split(',').map((t) => words[t] ?? t).join(' or ');
}

/** The path:line pattern deserves an example; other patterns speak for themselves. */
function hint(pattern: string): string {
  return pattern.includes(':\\d+') ? ' (a path:line location, e.g. src/app.ts:12)' : '';
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
