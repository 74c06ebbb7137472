import { LineCounter, parseDocument, stringify } from 'yaml';

/**
 * The standard file format (docs/standards.md): `.agent-os/standards/<domain>/<topic>.md`, YAML
 * front matter, then one `##` section per part of the template. The index searches sections, so
 * this module is the one place that knows where a section starts and ends.
 */
export const STANDARD_SECTIONS = ['Context', 'Pattern', 'Examples', 'Anti-Patterns', 'When to Revisit'] as const;
export type StandardSectionName = (typeof STANDARD_SECTIONS)[number];

/** What a template section asks for; the skeleton shows it as a comment. */
const SECTION_PROMPTS: Record<StandardSectionName, string> = {
  Context: 'Why this standard exists: the problem, where it bit us, what it protects.',
  Pattern: 'The rule, stated so a reviewer can check it.',
  Examples: 'Code that follows the pattern, with the file it comes from when there is one.',
  'Anti-Patterns': 'What breaks the rule, and why it is tempting.',
  'When to Revisit': 'What would make this standard wrong or unnecessary.',
};

/**
 * The body a person starts from with `Personas: New Standard…`: each section with what it asks
 * for as plain text (a person replaces it; a comment would be easy to leave behind unseen).
 */
export const STANDARD_TEMPLATE_BODY = `${STANDARD_SECTIONS.map((name) => `## ${name}\n${SECTION_PROMPTS[name]}\n`).join('\n')}`;

export interface StandardFrontMatter {
  domain?: string;
  topic?: string;
  title?: string;
  tags: string[];
  /** The persona that proposed it (or "person"). */
  created_by?: string;
  /** The person who approved it, in the editor. */
  approved_by?: string;
  created_at?: string;
  approved_at?: string;
}

export interface StandardSection {
  heading: string;
  /** The section's markdown without its heading line. */
  text: string;
  /** 1-based line of the heading in the file (of the first body line for a preamble). */
  line: number;
}

/** Something wrong with a standard file that did not stop it being indexed. */
export interface StandardProblem {
  file: string;
  /** 1-based line in the file. */
  line: number;
  message: string;
}

export interface ParsedStandard {
  frontMatter: StandardFrontMatter;
  /** Front matter `title`, else the first `# ` heading, else the file name without `.md`. */
  title: string;
  sections: StandardSection[];
  problems: StandardProblem[];
}

export interface StandardMeta {
  domain: string;
  topic: string;
  title: string;
  tags?: string[];
  createdBy: string;
  approvedBy?: string;
  /** ISO 8601 strings (`new Date().toISOString()`). */
  createdAt?: string;
  approvedAt?: string;
}

// The fences may be followed by spaces; the closing one may end the file.
const FRONT_MATTER = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/;
const STRING_FIELDS = ['domain', 'topic', 'title', 'created_by', 'approved_by', 'created_at', 'approved_at'] as const;

/**
 * A standard file's text: front matter from `meta`, a `# title` line, then `body` (the approved
 * proposal's markdown) or, without one, the five sections each with a comment saying what it
 * asks for. A body that starts with its own `# ` heading keeps it instead of ours.
 */
export function standardTemplate(meta: StandardMeta, body?: string): string {
  const fields: Record<string, unknown> = { domain: meta.domain, topic: meta.topic, title: meta.title, tags: meta.tags ?? [], created_by: meta.createdBy };
  if (meta.approvedBy !== undefined) fields['approved_by'] = meta.approvedBy;
  if (meta.createdAt !== undefined) fields['created_at'] = meta.createdAt;
  if (meta.approvedAt !== undefined) fields['approved_at'] = meta.approvedAt;
  const yaml = stringify(fields, { lineWidth: 0 }).trimEnd();
  const content = body?.trim()
    ? body.trim()
    : STANDARD_SECTIONS.map((name) => `## ${name}\n\n<!-- ${SECTION_PROMPTS[name]} -->`).join('\n\n');
  const heading = /^# /.test(content) ? '' : `# ${meta.title}\n\n`;
  return `---\n${yaml}\n---\n\n${heading}${content}\n`;
}

/**
 * Splits a standard into front matter and `##` sections. Never throws: a hand-edited file whose
 * front matter is broken is still indexed by its body, and each problem names the file and line.
 * `##` lines inside fenced code blocks are code, not headings.
 */
export function parseStandard(text: string, file: string): ParsedStandard {
  // A byte-order mark is invisible in editors; it must not hide the opening fence.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const problems: StandardProblem[] = [];
  const frontMatter: StandardFrontMatter = { tags: [] };
  let body = source;
  let bodyLine = 1;
  const fence = FRONT_MATTER.exec(source);
  if (fence) {
    readFields(fence[1] ?? '', file, frontMatter, problems);
    body = source.slice(fence[0].length);
    bodyLine = fence[0].split('\n').length;
  } else if (/^---[ \t]*\r?\n/.test(source)) {
    problems.push({ file, line: 1, message: 'front matter is not closed (no second "---" line); the whole file is indexed as text' });
  }
  const { title, sections } = splitSections(body, bodyLine);
  const fallback = file.replace(/\\/g, '/').split('/').pop()?.replace(/\.md$/i, '') ?? file;
  return { frontMatter, title: frontMatter.title ?? title ?? fallback, sections, problems };
}

/**
 * The template sections a proposal's markdown lacks, in template order. Headings match without
 * regard to case, spaces or hyphens ("Anti-patterns", "When to revisit" count).
 */
export function missingSections(markdown: string): string[] {
  const source = markdown.startsWith('\uFEFF') ? markdown.slice(1) : markdown;
  const body = source.replace(FRONT_MATTER, '');
  const present = new Set(splitSections(body, 1).sections.map((s) => normalise(s.heading)));
  return STANDARD_SECTIONS.filter((name) => !present.has(normalise(name)));
}

function normalise(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function readFields(yaml: string, file: string, out: StandardFrontMatter, problems: StandardProblem[]): void {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter, prettyErrors: false });
  // +1: the front matter starts on the line after the opening fence.
  const firstError = doc.errors[0];
  if (firstError) {
    const line = lineCounter.linePos(firstError.pos[0]).line + 1;
    problems.push({ file, line, message: `front matter is not valid YAML (${firstError.message.split('\n')[0]}); indexed by its body only` });
    return;
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return;
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ file, line: 2, message: 'front matter is not a mapping of fields (domain, topic, title, tags, ...); indexed by its body only' });
    return;
  }
  const fields = data as Record<string, unknown>;
  for (const key of STRING_FIELDS) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) {
      out[key] = value instanceof Date ? value.toISOString() : String(value);
    } else {
      problems.push({ file, line: lineOfKey(yaml, key), message: `front matter field "${key}" should be text; ignored` });
    }
  }
  const tags = fields['tags'];
  if (Array.isArray(tags)) {
    out.tags = tags.filter((t): t is string | number => typeof t === 'string' || typeof t === 'number').map((t) => String(t).trim().toLowerCase()).filter(Boolean);
  } else if (typeof tags === 'string') {
    // "tags: a, b" is a common slip; keep the tags and say how to write them.
    out.tags = tags.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
    problems.push({ file, line: lineOfKey(yaml, 'tags'), message: 'front matter "tags" should be a list ([a, b]); read as comma-separated' });
  } else if (tags !== undefined && tags !== null) {
    problems.push({ file, line: lineOfKey(yaml, 'tags'), message: 'front matter "tags" should be a list of words; ignored' });
  }
}

function lineOfKey(yaml: string, key: string): number {
  const index = yaml.split(/\r?\n/).findIndex((l) => l.startsWith(`${key}:`));
  return index < 0 ? 2 : index + 2;
}

/**
 * The `##` sections of a markdown body, and its first `# ` heading. Text before the first `##`
 * (other than that heading) is a section of its own, under the title, so nothing is lost.
 */
function splitSections(body: string, firstLine: number): { title: string | undefined; sections: StandardSection[] } {
  const lines = body.split(/\r?\n/);
  const sections: StandardSection[] = [];
  let title: string | undefined;
  let current: { heading: string | undefined; lines: string[]; line: number } = { heading: undefined, lines: [], line: firstLine };
  let fenceMarker: string | undefined;
  const close = (): void => {
    const text = current.lines.join('\n').trim();
    if (current.heading !== undefined) sections.push({ heading: current.heading, text, line: current.line });
    else if (text) sections.push({ heading: title ?? '', text, line: current.line + leadingBlankLines(current.lines) });
  };
  lines.forEach((line, i) => {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fenceMarker === undefined) fenceMarker = marker;
      else if (marker[0] === fenceMarker[0] && marker.length >= fenceMarker.length && line.trim() === marker) fenceMarker = undefined;
    } else if (fenceMarker === undefined) {
      const h2 = /^ {0,3}##[ \t]+(.*?)[ \t#]*$/.exec(line);
      if (h2) {
        close();
        current = { heading: h2[1]!.trim(), lines: [], line: firstLine + i };
        return;
      }
      const h1 = /^ {0,3}#[ \t]+(.*?)[ \t#]*$/.exec(line);
      if (h1 && title === undefined && current.heading === undefined) {
        close();
        title = h1[1]!.trim();
        current = { heading: undefined, lines: [], line: firstLine + i + 1 };
        return;
      }
    }
    current.lines.push(line);
  });
  close();
  return { title, sections };
}

function leadingBlankLines(lines: string[]): number {
  const first = lines.findIndex((l) => l.trim() !== '');
  return first < 0 ? 0 : first;
}
