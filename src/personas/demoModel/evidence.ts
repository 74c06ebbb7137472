/**
 * The demo model's evidence for a workflow phase: it reads the phase's gate (a JSON Schema in
 * the keyword subset the workflow spec allows) and fills it from what the run saw — the files
 * listed, the lines read, the rule matches — so the gate is met with facts, not prose. No
 * validator here: the gate itself judges (personas do not import src/workflows), and a value
 * the generator cannot make comes back as a refusal the executor then reads.
 */
import { RE2JS } from 're2js';
import type { Severity } from './reviews';
import { countOf } from '../../core/plural';

type Schema = Record<string, unknown>;

/** A place worth citing: a rule match (with its severity and title) or just a line that exists. */
export interface EvidenceLocation {
  path: string;
  line: number;
  severity?: Severity;
  title?: string;
}

/** What the run knows when it fills a gate. */
export interface EvidenceFacts {
  /** Workspace files, as list_files named them. */
  files: string[];
  /** Rule matches first, then real lines of the files read, then line 1 of listed files. */
  locations: EvidenceLocation[];
  /** Rule matches only: what a findings list should hold. */
  findings: EvidenceLocation[];
  /** What the workflow runs on ("changes", a file or a folder). */
  target: string;
}

export interface EvidenceOptions {
  /**
   * 0 the first choice for every string; 1 the next candidate that also fits, for a second
   * try at a field the gate refused.
   */
  variant?: number;
}

/** Where in the evidence a value goes: the item's index inside a list, for varied locations. */
interface Place {
  index: number;
  /** Inside a list of findings: the finding this item describes. */
  finding?: EvidenceLocation;
}

const LOCATION_NAME = /location|where|line|path|file|evidence|ref/i;
const FINDING_LIST = /finding|issue|problem|risk|defect|threat|gap|violation/i;
const SEVERITIES: readonly string[] = ['critical', 'high', 'medium', 'low'];
const VERDICT = /verdict|decision|outcome|recommendation|result/i;
/** A verdict that does not let the change through as it is. */
const HOLD = /change|block|fail|reject|revis|fix/i;
/** A pattern that wants `path:line`: a colon followed by digits, as the spec's gates write it. */
const WANTS_LINE = /:(\\d|\[0-9\])/;

/** Evidence for `schema` from `facts`; always an object (the gate's top level is one). */
export function evidenceFor(schema: unknown, facts: EvidenceFacts, options: EvidenceOptions = {}): Record<string, unknown> {
  const made = new Generator(facts, options.variant ?? 0).value(asSchema(schema), 'evidence', { index: 0 });
  return isRecord(made) ? made : {};
}

class Generator {
  constructor(
    private readonly facts: EvidenceFacts,
    private readonly variant: number,
  ) {}

  value(schema: Schema, name: string, at: Place): unknown {
    const choices = schema['enum'];
    if (Array.isArray(choices) && choices.length > 0) return this.choose(choices, name, at);
    switch (typeOf(schema)) {
      case 'object':
        return this.object(schema, at);
      case 'array':
        return this.array(schema, name);
      case 'integer':
      case 'number':
        return this.number(schema, name, at);
      case 'boolean':
        return true;
      case 'null':
        return null;
      default:
        return this.string(schema, name, at);
    }
  }

  /**
   * The finding's severity when the list offers it; a verdict that holds back when a finding
   * blocks; else "low" (a demo claims nothing worse); else the first.
   */
  private choose(choices: unknown[], name: string, at: Place): unknown {
    if (at.finding?.severity && choices.includes(at.finding.severity)) return at.finding.severity;
    if (VERDICT.test(name) && this.blocking() > 0) {
      const holding = choices.find((c) => typeof c === 'string' && HOLD.test(c));
      if (holding !== undefined) return holding;
    }
    return choices.find((c) => c === 'low') ?? choices[0];
  }

  /** Findings a reviewer would not merge with. */
  private blocking(): number {
    return this.facts.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
  }

  private object(schema: Schema, at: Place): Record<string, unknown> {
    const properties = isRecord(schema['properties']) ? schema['properties'] : {};
    const required = Array.isArray(schema['required']) ? schema['required'].filter((r): r is string => typeof r === 'string') : [];
    const extra = isRecord(schema['additionalProperties']) ? schema['additionalProperties'] : { type: 'string', minLength: 3 };
    const out: Record<string, unknown> = {};
    // Optional fields too: they cost nothing and make the record fuller.
    for (const [key, sub] of Object.entries(properties)) out[key] = this.value(asSchema(sub), key, at);
    for (const key of required) if (!(key in out)) out[key] = this.value(extra, key, at);
    for (const [key, sub] of Object.entries(properties)) countFollowsList(out, key, asSchema(sub));
    return out;
  }

  private array(schema: Schema, name: string): unknown[] {
    const items = asSchema(schema['items'] ?? { type: 'string', minLength: 3 });
    const min = integer(schema['minItems']) ?? 0;
    const max = integer(schema['maxItems']) ?? Number.POSITIVE_INFINITY;
    // A list of tests where the workspace shows none stays empty rather than naming other files.
    if (min === 0 && /test/i.test(name) && !this.facts.files.some((f) => TEST_FILE.test(f))) return [];
    const findings = this.facts.findings;
    const ofFindings = findings.length > 0 && isFindingList(items, name);
    const count = Math.min(max, Math.max(min, 1, ofFindings ? findings.length : 0));
    const item = singular(name);
    return Array.from({ length: count }, (_, index) => this.value(items, item, { index, finding: ofFindings ? findings[index % findings.length] : undefined }));
  }

  private number(schema: Schema, name: string, at: Place): number {
    let value = 1;
    if (/line/i.test(name)) value = this.locationAt(at).line;
    else if (/block/i.test(name)) value = this.blocking();
    else if (FINDING_LIST.test(name)) value = this.facts.findings.length;
    else if (/file/i.test(name)) value = this.facts.files.length;
    const min = numeric(schema['minimum']);
    const max = numeric(schema['maximum']);
    if (min !== undefined) value = Math.max(value, min);
    if (max !== undefined) value = Math.min(value, max);
    return typeOf(schema) === 'integer' ? Math.ceil(value) : value;
  }

  private string(schema: Schema, name: string, at: Place): string {
    const pattern = typeof schema['pattern'] === 'string' ? schema['pattern'] : undefined;
    const min = integer(schema['minLength']) ?? 0;
    const max = integer(schema['maxLength']) ?? Number.POSITIVE_INFINITY;
    const test = pattern === undefined ? () => true : matcher(pattern);
    const fits: string[] = [];
    for (const candidate of this.candidates(name, pattern, at)) {
      // A short candidate is padded to minLength, and kept only if the pattern still holds.
      for (const shaped of [candidate, padded(candidate, min)]) {
        if (shaped.length >= min && shaped.length <= max && test(shaped) && !fits.includes(shaped)) fits.push(shaped);
      }
      if (fits.length > this.variant) return fits[this.variant]!;
    }
    if (fits.length > 0) return fits[fits.length - 1]!;
    // Nothing fits: the gate will say why, and the executor reports it.
    return padded(this.candidates(name, pattern, at)[0] ?? 'demo', min).slice(0, Math.max(min, Math.min(max, 200)));
  }

  /** Strings to try, the likeliest first: locations for location-like fields, words for the rest. */
  private candidates(name: string, pattern: string | undefined, at: Place): string[] {
    const here = this.locationAt(at);
    const cite = (l: EvidenceLocation): string => `${l.path}:${l.line}`;
    const locations = [here, ...this.facts.locations].map(cite);
    const paths = [here.path, ...this.facts.files, this.facts.target];
    const title = at.finding?.title ?? `Demo model check of ${here.path}`;
    const prose = `Demo model (scripted, not an AI): ${countOf(this.facts.files.length, 'file')} listed, ${countOf(this.facts.findings.length, 'rule match', 'rule matches')}`;
    const words = [`demo-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`, 'demo', 'low', 'none', 'pass', 'yes', 'ok', 'v1', '1.0.0', 'DEMO-1', '2024-01-01', 'deadbeef', '0123456789abcdef0123456789abcdef01234567', '00000000-0000-4000-8000-000000000000', 'https://example.com/demo', '1', '42'];
    if (pattern !== undefined && WANTS_LINE.test(pattern)) return [...locations, ...paths, ...words];
    if (/title|name|heading/i.test(name)) return [title, ...words, ...paths];
    if (at.finding && /description|detail|why|impact|summary|reason/i.test(name)) return [`${title} (rule match at ${cite(here)})`, prose, ...words];
    if (LOCATION_NAME.test(name)) return [...(/line|location/i.test(name) ? locations : []), ...paths, ...locations, ...words];
    if (/summary|description|note|reason|rationale|detail|comment|why/i.test(name)) return [prose, ...words, ...paths];
    return at.finding ? [title, ...words, ...paths, ...locations, prose] : [...words, ...paths, ...locations, title, prose];
  }

  /** The location an item at `at` cites: its finding's, else the index-th known one, else the target's first line. */
  private locationAt(at: Place): EvidenceLocation {
    if (at.finding) return at.finding;
    const known = this.facts.locations;
    return known.length > 0 ? known[at.index % known.length]! : { path: this.facts.target, line: 1 };
  }
}

/**
 * `findings_count` next to `findings` is the list's length, when the count's bounds allow it:
 * a gate may compare them, and a reader will.
 */
function countFollowsList(out: Record<string, unknown>, key: string, schema: Schema): void {
  const base = /^(.+?)_?count$/i.exec(key)?.[1];
  if (!base || (typeOf(schema) !== 'integer' && typeOf(schema) !== 'number')) return;
  const list = [base, `${base}s`].map((k) => out[k]).find(Array.isArray);
  if (!list) return;
  const min = numeric(schema['minimum']) ?? Number.NEGATIVE_INFINITY;
  const max = numeric(schema['maximum']) ?? Number.POSITIVE_INFINITY;
  if (list.length >= min && list.length <= max) out[key] = list.length;
}

/** A list of finding records, or of locations under a name that says findings. */
function isFindingList(items: Schema, name: string): boolean {
  if (FINDING_LIST.test(name)) return true;
  const properties = isRecord(items['properties']) ? items['properties'] : {};
  return Object.keys(properties).some((k) => /severity/i.test(k)) || Object.values(properties).some((p) => isRecord(p) && Array.isArray(p['enum']) && p['enum'].some((e) => SEVERITIES.includes(String(e))));
}

/** The schema's type; one of a list (not null when there is a choice); guessed from its keywords when it names none. */
function typeOf(schema: Schema): string {
  const type = schema['type'];
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return String(type.find((t) => t !== 'null') ?? type[0] ?? 'string');
  if (isRecord(schema['properties']) || Array.isArray(schema['required'])) return 'object';
  if (schema['items'] !== undefined || schema['minItems'] !== undefined) return 'array';
  if (schema['minimum'] !== undefined || schema['maximum'] !== undefined) return 'integer';
  return 'string';
}

/** RE2, as the gate runs patterns; a pattern RE2 cannot compile matches nothing. */
function matcher(pattern: string): (s: string) => boolean {
  try {
    const re = RE2JS.compile(pattern);
    return (s) => re.matcher(s).find();
  } catch {
    return () => false;
  }
}

function padded(text: string, min: number): string {
  let out = text;
  while (out.length < min) out += out.length === 0 ? 'demo' : ' (demo model)';
  return out;
}

/** `findings` → `finding`: an item's name, so its fields read as they would alone. */
function singular(name: string): string {
  return name.endsWith('s') && name.length > 3 ? name.slice(0, -1) : name;
}

function asSchema(value: unknown): Schema {
  return isRecord(value) ? value : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function numeric(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A test file by the usual conventions: a tests folder, or `.test.` / `.spec.` in the name. */
const TEST_FILE = /(^|\/)(tests?|__tests__)\/|\.(test|spec)\.[a-z]+$/;
