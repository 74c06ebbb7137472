import type { Persona } from '../personas/personaFile';
import type { ErrorCodeEntry } from './errorCatalog';

/**
 * The generated parts of the guides, rendered from what the code holds (the error tables, the
 * MCP server's tools/list, the loaded personas, package.json's settings). Pure functions of
 * their input: `npm run docs` writes them, and the unit tests compare them with the files.
 */

/** A JSON Schema as tools/list carries it; only what the tables show is read. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  additionalProperties?: unknown;
}

/** One tool as tools/list answers it. */
export interface ToolDoc {
  name: string;
  description?: string;
  inputSchema: JsonSchema;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean };
  execution?: { taskSupport?: string };
}

/** One setting of package.json's contributes.configuration. */
export interface SettingDoc {
  type?: string | string[];
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  enum?: unknown[];
  enumDescriptions?: string[];
  minimum?: number;
  maximum?: number;
}

/** Text fit for one markdown table cell. */
function cell(text: string): string {
  return text.replace(/\r?\n+/g, ' ').replace(/\|/g, '\\|').trim();
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function literal(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

function range(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  const u = unit ? ` ${unit}` : '';
  if (min !== undefined && max !== undefined) {
    if (min === max) return `exactly ${num(min)}${u}`;
    // A dash after a minus sign reads as a second minus: "-10 to 10".
    return min < 0 ? `${num(min)} to ${num(max)}${u}` : `${num(min)}–${num(max)}${u}`;
  }
  if (min !== undefined) return `≥ ${num(min)}${u}`;
  if (max !== undefined) return `≤ ${num(max)}${u}`;
  return undefined;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return literal(schema.const);
  const type = Array.isArray(schema.type) ? schema.type.join(' \\| ') : schema.type;
  if (type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (type === 'object') return 'object';
  return type ?? 'any';
}

/** The bounds of a value (not its own description), e.g. "1–500 characters; pattern `…`". */
function constraintsOf(schema: JsonSchema): string[] {
  const parts: string[] = [];
  if (schema.enum) parts.push(`one of ${schema.enum.map(literal).join(', ')}`);
  const chars = range(schema.minLength, schema.maxLength, 'characters');
  if (chars) parts.push(chars);
  const value = range(schema.minimum, schema.maximum, '');
  if (value) parts.push(value);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${num(schema.exclusiveMinimum)}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`< ${num(schema.exclusiveMaximum)}`);
  const items = range(schema.minItems, schema.maxItems, 'items');
  if (items) parts.push(items);
  if (schema.pattern) parts.push(`pattern \`${schema.pattern}\``);
  if (schema.items) {
    const each = constraintsOf(schema.items);
    if (each.length > 0) parts.push(`each ${each.join(', ')}`);
  }
  if (schema.default !== undefined) parts.push(`default ${literal(schema.default)}`);
  return parts;
}

function toolKind(tool: ToolDoc): string {
  const kinds: string[] = [];
  if (tool.execution?.taskSupport === 'optional') kinds.push('starts a durable job (MCP task optional)');
  if (tool.annotations?.readOnlyHint) kinds.push('read-only');
  if (tool.annotations?.destructiveHint) kinds.push('destructive');
  return kinds.join(', ') || 'changes state';
}

/** Every MCP tool: an index, then each tool's description and a table of its input fields. */
export function renderTools(tools: readonly ToolDoc[]): string {
  const lines = [
    `The server lists ${tools.length} tools. Written by \`npm run docs\` from the server's \`tools/list\` (the zod schemas as JSON Schema); a unit test fails when this differs.`,
    '',
    '| tool | required fields | kind |',
    '|---|---|---|',
    ...tools.map((t) => `| [\`${t.name}\`](#${t.name}) | ${(t.inputSchema.required ?? []).map((r) => `\`${r}\``).join(', ') || 'none'} | ${toolKind(t)} |`),
  ];
  for (const tool of tools) {
    lines.push('', `### ${tool.name}`, '', cell(tool.description ?? ''), '');
    const properties = Object.entries(tool.inputSchema.properties ?? {});
    if (properties.length === 0) {
      lines.push('No input fields: call it with `{}`.');
      continue;
    }
    const required = new Set(tool.inputSchema.required ?? []);
    lines.push('| field | type | required | description | constraints |', '|---|---|---|---|---|');
    for (const [name, schema] of properties) {
      lines.push(`| \`${name}\` | ${typeOf(schema)} | ${required.has(name) ? 'yes' : 'no'} | ${cell(schema.description ?? '')} | ${cell(constraintsOf(schema).join('; '))} |`);
    }
  }
  return lines.join('\n');
}

/** The troubleshooting table: every code with what it means and what to do. */
export function renderErrorCodes(entries: readonly ErrorCodeEntry[]): string {
  return [
    `${entries.length} codes. Written by \`npm run docs\` from the error tables in \`src/**/…Errors.ts\` (each code's meaning and hint); a unit test fails when a code is missing here. An error always carries its own, more specific message and hint as well.`,
    '',
    '| code | area | what it means | what to do |',
    '|---|---|---|---|',
    ...entries.map((e) => `| \`${e.code}\` | ${e.domain} | ${cell(e.meaning)} | ${cell(e.hint)} |`),
  ].join('\n');
}

/** The shipped personas: id, core or specialist, and the front matter's description (what it does, when to use it). */
export function renderPersonas(personas: readonly Persona[]): string {
  const ordered = [...personas].sort((a, b) => Number(a.specialty !== null) - Number(b.specialty !== null) || a.id.localeCompare(b.id));
  return [
    `Written by \`npm run docs\` from the front matter of \`personas/*.md\`; a unit test fails when it differs.`,
    '',
    '| persona | kind | what it does and when to use it | tools |',
    '|---|---|---|---|',
    ...ordered.map((p) => `| [\`${p.id}\`](#${p.id}) | ${p.specialty === null ? 'core' : 'specialist'} | ${cell(p.description)} | ${p.tools.map((t) => `\`${t}\``).join(', ')} |`),
  ].join('\n');
}

/** `#agentOsPersonas.x#` (a settings link in VS Code's markdown descriptions) as code. */
function settingText(text: string): string {
  return text.replace(/`?#(agentOsPersonas\.[\w.]+)#`?/g, '`$1`');
}

/** Every setting: key, type and bounds, default, and what it does (with each choice of an enum). */
export function renderSettings(properties: Readonly<Record<string, SettingDoc>>): string {
  const lines = [
    'Written by `npm run docs` from `contributes.configuration` in `package.json`; a unit test fails when it differs.',
    '',
    '| setting | type | default | what it does |',
    '|---|---|---|---|',
  ];
  for (const [key, s] of Object.entries(properties)) {
    const type = Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'any');
    const bounds = range(s.minimum, s.maximum, '');
    let text = settingText(s.markdownDescription ?? s.description ?? '');
    if (s.enum) {
      const choices = s.enum.map((v, i) => `${literal(v)}${s.enumDescriptions?.[i] ? `: ${settingText(s.enumDescriptions[i])}` : ''}`);
      text += ` Choices: ${choices.join('; ')}`;
    }
    lines.push(`| \`${key}\` | ${type}${bounds ? ` (${bounds})` : ''} | ${s.default === undefined ? '' : literal(s.default)} | ${cell(text)} |`);
  }
  return lines.join('\n');
}
