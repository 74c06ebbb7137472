/**
 * The demo model's scripted reviews. It reads the numbered context lines that the persona
 * runner sends (`File: path` header, then `N| code` lines), applies a few pattern rules per
 * persona, and writes a review in the personas' output template, so the offline demo cites
 * real `file:line` evidence from the user's own code.
 */

import { countOf } from '../../core/plural';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

interface Rule {
  pattern: RegExp;
  severity: Severity;
  title: string;
  why: string;
  fix: string;
  /** Conditions on the hit's neighbourhood; all must hold. */
  when?: Condition[];
  /** Report the nth line that qualifies (default 1), e.g. the second of two writes. */
  nth?: number;
  /** The hit line written the way the fix asks, for a proposed standard's good example; undefined when no mechanical rewrite fits. */
  rewrite?: (code: string) => string | undefined;
}

/**
 * `before`: the hit line or one of the 4 above it matches (a loop header, say);
 * `after`: the hit line or one of the 4 below it; `above`: the nearest non-blank line above
 * (a doc comment's end, say); `file`: any line of the context.
 * `absent` turns the condition round.
 */
interface Condition {
  re: RegExp;
  span: 'before' | 'after' | 'above' | 'file';
  absent?: boolean;
}

export interface Finding extends Omit<Rule, 'pattern' | 'when' | 'nth' | 'rewrite'> {
  file: string;
  line: number;
  code: string;
  /** The whole line (trimmed; `code` is its first 100 characters, for the review's evidence). */
  source: string;
  /** What the rule matched on the line, e.g. `apiKey = "…"`. */
  construct: string;
  /** The line rewritten as the fix asks, when a rewrite fits. */
  better?: string;
}

/** `apiKey` → `API_KEY`: the environment variable a credential moves to. */
const envName = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^\w]/g, '_').toUpperCase();

/** A template-literal query with `?` placeholders and its values passed alongside. */
function parameterise(code: string): string | undefined {
  const values = [...code.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]!.trim());
  // The template must close after its last placeholder (a line cut short has no end to put the values after).
  if (values.length === 0 || code.lastIndexOf('`') < code.lastIndexOf('}')) return undefined;
  const out = code.replace(/'?\$\{[^}]+\}'?/g, '?');
  const at = out.lastIndexOf('`');
  return `${out.slice(0, at + 1)}, [${values.join(', ')}]${out.slice(at + 1)}`;
}

/** `fetch(url)` or `fetch(url, {` with a timeout signal. */
function withTimeout(code: string): string | undefined {
  if (/fetch\([^()]*\)/.test(code)) return code.replace(/fetch\(([^()]*)\)/, 'fetch($1, { signal: AbortSignal.timeout(5_000) })');
  if (/fetch\(.*,\s*\{\s*$/.test(code)) return `${code} signal: AbortSignal.timeout(5_000),`;
  return undefined;
}

const replaced = (re: RegExp, by: string) => (code: string): string | undefined => (re.test(code) ? code.replace(re, by) : undefined);

const SECURITY: Rule[] = [
  { pattern: /(password|secret|api[_-]?key|token)\w*\s*[:=]\s*['"`][^'"`]{4,}/i, severity: 'critical', rewrite: (c) => c.replace(/(\w*)(\s*[:=]\s*)(['"`])[^'"`]{4,}\3/, (_m, name: string, eq: string) => `${name}${eq}process.env.${envName(name || 'SECRET')}`), title: 'Hard-coded credential', why: 'Anyone with read access to the repository (or its history) gets the secret.', fix: 'Load it from the environment or a secret store, and rotate the value that was committed.' },
  { pattern: /(select|insert|update|delete)\b[^;]*(\$\{|['"`]\s*\+)/i, severity: 'high', rewrite: parameterise, title: 'SQL built by string concatenation', why: 'Input that reaches this string can change the query (SQL injection).', fix: 'Use a parameterised query with placeholders.' },
  { pattern: /\beval\s*\(|new Function\s*\(/, severity: 'high', title: 'Dynamic code execution', why: 'Evaluated strings run with the full rights of the process.', fix: 'Replace with a lookup table or a parser for the expected input.' },
  { pattern: /\.innerHTML\s*=/, severity: 'medium', rewrite: replaced(/\.innerHTML\s*=/, '.textContent ='), title: 'HTML injected without sanitising', why: 'Markup from data can run script in the page (XSS).', fix: 'Set textContent, or sanitise with a kept sanitiser before inserting HTML.' },
  { pattern: /http:\/\/(?!localhost|127\.0\.0\.1)/, severity: 'medium', rewrite: replaced(/http:\/\//, 'https://'), title: 'Plain-HTTP endpoint', why: 'Traffic can be read or changed in transit.', fix: 'Use https and reject downgrade.' },
];
const ENGINEER: Rule[] = [
  { pattern: /catch\s*(\([^)]*\))?\s*\{\s*\}/, severity: 'high', rewrite: (c) => c.replace(/catch\s*(\(([^)]*)\))?\s*\{\s*\}/, (_m, _p, v?: string) => `catch (${v?.trim() || 'err'}) { logger.error({ event: 'operation_failed', error: ${v?.trim() || 'err'} }); throw ${v?.trim() || 'err'}; }`), title: 'Error swallowed', why: 'A failure here disappears; the caller continues with bad state and nobody can debug it.', fix: 'Handle the error, or rethrow it with context; at least log it with the inputs.' },
  { pattern: /:\s*any\b|as any\b/, severity: 'medium', rewrite: (c) => c.replace(/:\s*any\b/g, ': unknown').replace(/as any\b/g, 'as unknown'), title: '`any` defeats the type checker', why: 'Mistakes in this value are no longer caught at compile time.', fix: 'Give it a real type, or `unknown` with a narrowing check.' },
  { pattern: /\b(TODO|FIXME|HACK)\b/, severity: 'low', title: 'Unfinished work left in the code', why: 'The note records a known gap with no owner or ticket.', fix: 'Link it to an issue or finish it before merging.' },
  { pattern: /console\.log\(/, severity: 'low', rewrite: replaced(/console\.log\(/, 'logger.debug('), title: 'Debug logging left in', why: 'Unstructured output is noise in production logs.', fix: 'Remove it or use the project logger with a level.' },
];
const ARCHITECT: Rule[] = [
  { pattern: /^\s*(export\s+)?(async\s+)?function\s+\w+\([^)]*\)\s*(:\s*[^{]+)?\{/, severity: 'medium', title: 'Business logic and I/O in one module', why: 'Rules that mix computation and side effects are hard to test and to reuse.', fix: 'Keep the computation pure and pass the I/O in as a dependency (ports and adapters).' },
  { pattern: /new\s+[A-Z]\w*(Client|Service|Repository|Database|Pool)\s*\(/, severity: 'medium', title: 'Dependency constructed in place', why: 'The module is welded to one implementation; swapping or testing it needs a rewrite.', fix: 'Inject the dependency through a constructor or factory parameter.' },
  { pattern: /\b(static\s+instance|getInstance\(|global\.)/, severity: 'medium', title: 'Hidden global state', why: 'Global singletons couple unrelated callers and make order of start-up matter.', fix: 'Pass the instance explicitly from the composition root.' },
];
const QA: Rule[] = [
  { pattern: /Math\.random\(|Date\.now\(|new Date\(\)/, severity: 'medium', rewrite: (c) => c.replace(/Date\.now\(\)/g, 'clock.now()').replace(/new Date\(\)/g, 'new Date(clock.now())').replace(/Math\.random\(\)/g, 'random()'), title: 'Non-deterministic input in logic', why: 'Tests of this code are flaky or cannot pin the expected output.', fix: 'Inject a clock and a random source so tests can fix them.' },
  { pattern: /^\s*export\s+(async\s+)?function\s+(\w+)/, severity: 'low', title: 'Exported function needs boundary tests', why: 'Public behaviour without tests for empty, maximal and invalid inputs breaks silently.', fix: 'Add table-driven tests for the edges: empty, one, many, invalid.' },
];
const SRE: Rule[] = [
  { pattern: /\bfetch\(|axios\.|http\.request\(/, severity: 'high', rewrite: withTimeout, title: 'Outbound call without a timeout', why: 'A slow dependency holds this request open and exhausts the pool.', fix: 'Set a timeout (AbortSignal.timeout) and a bounded retry with backoff.' },
  { pattern: /setInterval\(|while\s*\(\s*true\s*\)/, severity: 'medium', title: 'Unbounded loop or timer', why: 'It keeps running after shutdown and hides stuck work.', fix: 'Make it stoppable and observable (a metric for each iteration).' },
  { pattern: /console\.(log|error)\(/, severity: 'low', rewrite: (c) => c.replace(/console\.log\(/, 'logger.info(').replace(/console\.error\(/, 'logger.error('), title: 'Unstructured logs', why: 'Logs without fields cannot be searched or alerted on.', fix: 'Use structured logging with a request id.' },
];
const DATA: Rule[] = [
  { pattern: /(price|amount|total|balance)\w*\s*[:=][^;\n]*(\*|\/|\+|toFixed)/i, severity: 'high', title: 'Money held in floating point', why: 'Binary floats round 0.1 + 0.2 to 0.30000000000000004; totals drift.', fix: 'Store minor units as integers (cents) or use a decimal type.' },
  { pattern: /(select|insert|update|delete)\b/i, severity: 'medium', title: 'Query without a visible index or limit', why: 'It scans the table as data grows.', fix: 'Check the plan; add an index for the filter and a LIMIT for lists.' },
];

const LOOP = /\b(for|while)\s*\(|\.(forEach|map|reduce)\(/;
// `ids.map(async …)` runs in parallel; only a statement loop makes awaits sequential.
const STATEMENT_LOOP = /\b(for|while)\s*\(/;
const PERFORMANCE: Rule[] = [
  { pattern: /\bawait\b/, when: [{ re: STATEMENT_LOOP, span: 'before' }], severity: 'high', title: 'Sequential await inside a loop', why: 'Each iteration waits for the previous one: n independent calls take n round trips instead of one.', fix: 'Collect the promises and await them together with bounded parallelism (e.g. chunks of 8 with Promise.all), or use a batch API.' },
  { pattern: /JSON\.(parse|stringify)\(/, when: [{ re: LOOP, span: 'before' }], severity: 'medium', title: 'JSON parsed or serialised inside a loop', why: 'Parsing on every iteration repeats the same work and allocates a new object graph each time.', fix: 'Parse once before the loop, or keep the parsed value in a Map keyed by its source.' },
  { pattern: /\.(includes|indexOf|find|findIndex)\(/, when: [{ re: LOOP, span: 'before' }], severity: 'medium', title: 'Linear search inside a loop', why: 'A search per iteration makes the loop quadratic: 10,000 items cost 10^8 comparisons.', fix: 'Build a Set or Map once before the loop and look items up in constant time.' },
  { pattern: /\b(readFileSync|writeFileSync|existsSync|statSync|execSync)\(/, severity: 'medium', rewrite: replaced(/\b(readFile|writeFile|stat)Sync\(/, 'await $1('), title: 'Synchronous I/O blocks the event loop', why: 'Nothing else runs while the call waits on the disk or the child process.', fix: 'Use the promise API (fs/promises, execFile with a promise) off the hot path.' },
];
const CONCURRENCY: Rule[] = [
  { pattern: /\.forEach\(\s*async\b/, severity: 'high', rewrite: replaced(/([\w.]+)\.forEach\(\s*async\s*\(?\s*(\w+)[^=]*=>\s*\{/, 'for (const $2 of $1) {'), title: 'Async callback in forEach is never awaited', why: 'forEach ignores the returned promises: the caller continues before the work ends, and rejections go unhandled.', fix: 'Use for...of with await, or Promise.all over map with a bound on parallelism.' },
  { pattern: /^(let|var)\s+\w+/, when: [{ re: /\basync\b|\bawait\b/, span: 'file' }], severity: 'high', title: 'Module-level mutable state shared by async callers', why: 'Every caller reads and writes the same variable; between two awaits another call can change it (a lost update).', fix: 'Keep the state per call or per instance, or serialise access with a queue or lock.' },
  { pattern: /^\s*(?!await\b|return\b|void\b)[\w.]*\.(save|write|update|insert|delete|send|commit|flush|unlink|rename)(File|Many|One|All)?\(/, when: [{ re: /\basync\b/, span: 'file' }], severity: 'high', rewrite: (c) => `await ${c}`, title: 'Promise not awaited', why: 'The function moves on before the write finishes; its errors become unhandled rejections and its result may not be there yet.', fix: 'Await it, or write `void` with a comment when fire-and-forget is intended.' },
  { pattern: /if\s*\(\s*!?\s*\(?\s*(await\s+)?[\w.]*\b(exists|existsSync|has)\(/, severity: 'medium', title: 'Check-then-act race', why: 'Between the check and the action another task can create or remove the same thing.', fix: 'Make it one atomic step: create with an exclusive flag, an upsert, or a lock around both.' },
  { pattern: /Promise\.all\(\s*[\w.]+\.map\(/, severity: 'medium', title: 'Unbounded parallelism', why: 'One promise per item: a large list opens that many connections or files at once.', fix: 'Limit concurrency (a small pool or chunks) to what the dependency can take.' },
];
const WRITE_SQL = /\b(insert\s+into|update\s+\w+\s+set|delete\s+from)\b/i;
const DATABASE: Rule[] = [
  { pattern: /\.(query|execute|findOne|findById|findUnique|findMany)\(|\bdb\.(get|all|run)\(/, when: [{ re: LOOP, span: 'before' }], severity: 'high', title: 'Query inside a loop (N+1)', why: 'One round trip per item: a page of 100 rows becomes 101 queries.', fix: 'Fetch all rows in one query (WHERE id IN (...) or a join) before the loop.' },
  { pattern: WRITE_SQL, nth: 2, when: [{ re: /\b(transaction|begin|commit)\b/i, span: 'file', absent: true }], severity: 'high', title: 'Related writes without a transaction', why: 'If the process fails between the writes, the data is left half-changed.', fix: 'Run the writes in one transaction and roll back on error.' },
  { pattern: /\bselect\s+\*/i, severity: 'medium', title: 'SELECT * in application code', why: 'It reads columns nobody uses, defeats covering indexes and breaks when columns are added.', fix: 'Name the columns the code needs.' },
  { pattern: /\bselect\b(?![^'"`]*\b(limit\b|count\(|where\s+(\w+\.)?id\s*=))[^'"`;]*\bfrom\b/i, severity: 'low', title: 'List query without LIMIT', why: 'It returns every row; the response and memory grow with the table.', fix: 'Add LIMIT with keyset pagination (WHERE id > ? ORDER BY id).' },
];
const CODE_REVIEWER: Rule[] = [
  { pattern: /\(([^(),]+,){4,}[^(),]+\)\s*(:\s*[^={;]+)?(\{|=>)/, severity: 'medium', title: 'Too many positional parameters', why: 'Callers must remember the order of five or more arguments; swapping two of the same type compiles.', fix: 'Take one options object with named fields.' },
  { pattern: /\?\s[^:?]+\s:\s[^;]*\?\s[^:?]+\s:/, severity: 'low', title: 'Nested ternary', why: 'The reader has to unpick the branches to see which value wins.', fix: 'Use if/else or a small lookup table.' },
  { pattern: /^\s*\/\/\s*(const|let|var|if|for|return|await|function)\b.*[;{)]\s*$/, severity: 'low', title: 'Commented-out code', why: 'It rots, misleads searches, and version control already keeps the old code.', fix: 'Delete it.' },
  { pattern: /^(?!\s*(export\s+)?const\s+[A-Z0-9_]+\s*=).*([<>]=?|===?|\(|,)\s*\d{3,}\b/, severity: 'low', title: 'Magic number', why: 'The value has no name, so its unit and reason are lost and copies drift apart.', fix: 'Give it a named constant that states the unit (MAX_ITEMS, TIMEOUT_MS).' },
];
const ACCESSIBILITY: Rule[] = [
  { pattern: /<img\b(?![^>]*\balt=)/i, severity: 'high', rewrite: replaced(/<img\b/i, '<img alt="(what the image shows)"'), title: 'Image without alt text (WCAG 1.1.1)', why: 'Screen readers announce the file name or nothing; the image\'s meaning is lost.', fix: 'Add alt describing its purpose, or alt="" when it is decoration.' },
  { pattern: /<(div|span)\b(?=[^>]*(\bonclick\b|@click\b|v-on:click\b))(?![^>]*\brole=)/i, severity: 'high', title: 'Click handler on a non-interactive element (WCAG 2.1.1)', why: 'A div cannot be reached or activated by keyboard and is not announced as a control.', fix: 'Use a <button>; otherwise add role="button", tabindex="0" and Enter/Space handlers.' },
  { pattern: /<input\b(?![^>]*\baria-label)(?![^>]*type=["']?hidden)/i, when: [{ re: /<label\b/i, span: 'file', absent: true }], severity: 'medium', title: 'Form field without a label (WCAG 1.3.1)', why: 'Assistive technology announces an unnamed edit field; users cannot tell what to type.', fix: 'Add a <label for> tied to the input id, or aria-label when no visible label fits.' },
  { pattern: /outline\s*:\s*(none|0)\b/i, severity: 'medium', rewrite: replaced(/outline\s*:\s*(none|0)\b/i, 'outline: 2px solid currentColor'), title: 'Focus indicator removed (WCAG 2.4.7)', why: 'Keyboard users cannot see which control has focus.', fix: 'Keep the outline or replace it with a visible :focus-visible style.' },
  { pattern: /tabindex=["']?[1-9]/i, severity: 'low', rewrite: (c) => c.replace(/tabindex=(["']?)[1-9]\d*/i, (_m, q: string) => `tabindex=${q}0`), title: 'Positive tabindex (WCAG 2.4.3)', why: 'It overrides the document order, so focus jumps around the page.', fix: 'Use tabindex="0" and order the markup instead.' },
];
const API_DOCS: Rule[] = [
  { pattern: /^\s*export\s+(default\s+)?(async\s+)?(function|class)\s+\w+/, when: [{ re: /\*\/\s*$|^\s*@\w+/, span: 'above', absent: true }], severity: 'medium', title: 'Exported function without a doc comment', why: 'Callers see only the signature: not the units, the errors it throws, or its side effects.', fix: 'Add a /** */ comment: what it does, each parameter, the result, and the errors with their codes.' },
  { pattern: /\b(app|router)\.(get|post|put|patch|delete)\(\s*['"`]/, when: [{ re: /@openapi|@swagger|schema/i, span: 'file', absent: true }], severity: 'medium', title: 'HTTP endpoint without a documented contract', why: 'Clients guess the request shape, status codes and error body, and break when they change.', fix: 'Describe it in the OpenAPI document (or a schema next to the handler) with its errors.' },
  { pattern: /throw new \w*Error\(/, when: [{ re: /@throws/, span: 'file', absent: true }], severity: 'low', title: 'Thrown errors are not documented', why: 'Callers cannot know which failures to handle.', fix: 'Add @throws to the doc comment, naming the error and when it happens.' },
];
const OBSERVABILITY: Rule[] = [
  { pattern: /\.catch\(\s*\(\s*\w*\s*\)\s*=>\s*(\{\s*\}|undefined|null)\s*\)/, severity: 'high', rewrite: replaced(/\.catch\(\s*\(\s*\w*\s*\)\s*=>\s*(\{\s*\}|undefined|null)\s*\)/, ".catch((err) => logger.error({ event: 'operation_failed', error: err }))"), title: 'Promise rejection silenced', why: 'The failure leaves no trace; an incident here cannot be explained afterwards.', fix: 'Log it with the operation and inputs, and count it in an error metric.' },
  { pattern: /catch\s*(\([^)]*\))?\s*\{/, when: [{ re: /\b(log|logger|console|metrics?|counter|increment|span|report|capture)\b|\bthrow\b/i, span: 'after', absent: true }], severity: 'high', title: 'Error caught without a log or metric', why: 'The caller gets a default and nobody learns that the operation failed.', fix: 'Log the error with a stable event name and context, and increment an error counter; rethrow if the caller must know.' },
  { pattern: /\b(log|logger|console)\.\w+\([^)]*\b(password|token|secret|authorization|email)\b/i, severity: 'high', title: 'Sensitive value written to logs', why: 'Logs are kept long and read widely; a credential or personal data there is a leak.', fix: 'Log an identifier or a redacted value instead.' },
  { pattern: /\b(log|logger)\.(info|warn|error|debug)\(\s*`[^`]*\$\{/, severity: 'medium', title: 'Log message built by interpolation', why: 'Values inside prose cannot be filtered, grouped or alerted on.', fix: 'Log a fixed event name with the values as structured fields.' },
  { pattern: /setInterval\(\s*async\b/, severity: 'medium', title: 'Background task errors go nowhere', why: 'A rejection in the timer callback is unhandled; the task can fail on every tick unseen.', fix: 'Catch inside the callback, log and count failures, and expose the last success time.' },
];

const RULES: Record<string, Rule[]> = {
  security: SECURITY, engineer: ENGINEER, architect: ARCHITECT, qa: QA, sre: SRE, data: DATA,
  performance: PERFORMANCE, concurrency: CONCURRENCY, database: DATABASE, 'code-reviewer': CODE_REVIEWER,
  accessibility: ACCESSIBILITY, 'api-docs': API_DOCS, observability: OBSERVABILITY,
};
const TITLES: Record<string, string> = {
  architect: 'Architect', engineer: 'Engineer', security: 'Security', qa: 'QA', sre: 'SRE', data: 'Data',
  performance: 'Performance', concurrency: 'Concurrency', database: 'Database', 'code-reviewer': 'Code Reviewer',
  accessibility: 'Accessibility', 'api-docs': 'API Docs', observability: 'Observability',
};
const SPECIALIST: Record<string, string> = {
  architect: '**performance** if these modules sit on a hot path; **database** for the persistence boundary.',
  engineer: '**code-reviewer** for a line-by-line pass before merge.',
  security: '**api-docs** to document the authentication contract once fixed.',
  qa: '**concurrency** if these functions run in parallel.',
  sre: '**observability** to define the metrics and alerts for this path.',
  data: '**database** for indexes and migrations.',
  performance: '**database** if the loop issues queries; **observability** for a latency metric that confirms the gain.',
  concurrency: '**database** if row locks or a version column can replace the in-process guard.',
  database: '**performance** to measure these queries against production-sized data; **concurrency** for updates that race between transactions.',
  'code-reviewer': '**api-docs** for the exported names this change touches.',
  accessibility: '**code-reviewer** to apply the fixes consistently across components.',
  'api-docs': '**code-reviewer** to align names with the documented contract.',
  observability: '**performance** once latency metrics show where the time goes.',
};

export interface ReviewRequest {
  persona: string;
  userText: string;
  /** Standards this review proposed through `propose_standard`, as "title (domain/topic)". */
  proposed?: string[];
}

/** A `File:` header of the context: the path and what part of it went along. */
export interface ContextPart {
  file: string;
  /** `selection, lines 6-16`, `changes against HEAD`; empty for a whole file. */
  scope: string;
}

/** The numbered lines of the context, each with the file it came from (the latest `File:` header), and the headers in order. */
export function parseContext(userText: string): { file: string; parts: ContextPart[]; lines: { n: number; code: string; file: string }[] } {
  const file = /^File: (\S+)/m.exec(userText)?.[1] ?? 'the context';
  const lines: { n: number; code: string; file: string }[] = [];
  const parts: ContextPart[] = [];
  let current = file;
  for (const m of userText.matchAll(/^File: (\S+)(.*)$|^\s*(\d+)\| ?(.*)$/gm)) {
    if (m[1]) {
      current = m[1];
      if (!parts.some((p) => p.file === current)) parts.push({ file: current, scope: scopeOf(m[2] ?? '') });
    } else lines.push({ n: Number(m[3]), code: m[4] ?? '', file: current });
  }
  return { file, parts, lines };
}

/** What a header says was sent: the formats of src/personas/context.ts and the read_file tool. */
function scopeOf(rest: string): string {
  if (/git diff/.test(rest)) return 'changes against HEAD';
  const selection = /\(selection, (lines \d+-\d+)\)/.exec(rest);
  return selection ? `selection, ${selection[1]}` : '';
}

/** `a`, `a` and `b`, `a`, `b` and `c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}

function holds(condition: Condition, lines: { code: string }[], at: number): boolean {
  const window =
    condition.span === 'file' ? lines
      : condition.span === 'before' ? lines.slice(Math.max(0, at - 4), at + 1)
        : condition.span === 'after' ? lines.slice(at, at + 5)
          : lines.slice(0, at).filter((l) => l.code.trim() !== '').slice(-1);
  return window.some((l) => condition.re.test(l.code)) !== (condition.absent ?? false);
}

/** The first line each rule matches (its nth, when it says so), as a finding. */
function findingsIn(rules: Rule[], lines: { n: number; code: string; file: string }[]): Finding[] {
  const findings: Finding[] = [];
  for (const { pattern, when, nth, rewrite, ...rule } of rules) {
    const hit = lines.filter((l, i) => pattern.test(l.code) && (when ?? []).every((c) => holds(c, lines, i)))[(nth ?? 1) - 1];
    if (!hit) continue;
    const source = hit.code.trim().slice(0, MAX_SOURCE);
    const construct = (pattern.exec(source)?.[0] ?? source).trim().slice(0, 80);
    const better = rewrite?.(source);
    findings.push({ ...rule, file: hit.file, line: hit.n, code: source.slice(0, 100), source, construct, ...(better !== undefined && better !== source ? { better } : {}) });
  }
  return findings;
}

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low'];
/** A line longer than this is quoted cut; a standard's examples are meant to be read. */
const MAX_SOURCE = 400;

/** One persona's findings in numbered context lines, most severe first (the order the review lists them). */
export function reviewFindings(persona: string, userText: string): Finding[] {
  return findingsIn(RULES[persona] ?? ENGINEER, parseContext(userText).lines).sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity));
}

/**
 * What the rules of several personas find in numbered context lines, most severe first, one
 * finding per place and title: the workflow executor's demo cites these as its evidence.
 */
export function scanFindings(personas: readonly string[], userText: string): Finding[] {
  const { lines } = parseContext(userText);
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const persona of personas) {
    for (const f of findingsIn(RULES[persona] ?? ENGINEER, lines)) {
      const key = `${f.file}:${f.line}:${f.title}`;
      if (!seen.has(key)) out.push(f);
      seen.add(key);
    }
  }
  return out.sort((a, b) => ORDER.indexOf(a.severity) - ORDER.indexOf(b.severity));
}

/** The line every demo answer opens with, so nobody mistakes it for a model's review. */
export const DEMO_NOTE = '> Answered by the built-in **demo model** (offline, scripted rules, not an AI).';

export function writeReview({ persona, userText, proposed = [] }: ReviewRequest): string {
  const { parts, lines } = parseContext(userText);
  const findings = reviewFindings(persona, userText);
  const title = TITLES[persona] ?? persona;
  const [taskPart = '', ...rest] = userText.split('\n---\n');
  const task = taskPart.replace(/\[\[demo:[^\]]*\]\]/g, '').trim();
  const attached = rest.join('\n---\n').trim();
  const out: string[] = [];
  out.push(`# ${title} review`);
  out.push('');
  out.push(`${DEMO_NOTE} For a real review set an Anthropic API key: in VS Code *Personas: Set Anthropic API Key*, in a terminal \`export ANTHROPIC_API_KEY=…\`.`);
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push(summary(title, task, attached, parts, lines.length, findings));
  out.push('');
  out.push('## Findings');
  out.push('');
  if (findings.length === 0) {
    out.push(
      lines.length > 0
        ? `No ${title.toLowerCase()} issues matched in the ${lines.length} lines of ${listed(parts.map(shown))}.`
        : attached
          ? `No ${title.toLowerCase()} issues matched; the context given has no numbered code lines, so nothing could be cited by line.`
          : `No ${title.toLowerCase()} issues matched: no code was given. Attach a file or selection (or name files) for a line-level review.`,
    );
    out.push('');
  }
  findings.forEach((f, i) => {
    out.push(`### ${i + 1}. [${f.severity.toUpperCase()}] ${f.title}`);
    out.push('');
    out.push(`- **Evidence:** \`${f.file}:${f.line}\` — \`${f.code.replace(/`/g, "'")}\``);
    out.push(`- **Why it matters:** ${f.why}`);
    out.push(`- **Recommendation:** ${f.fix}`);
    out.push('');
  });
  out.push('## Recommended specialists');
  out.push('');
  out.push(SPECIALIST[persona] ?? 'None for this context.');
  out.push('');
  out.push('## Proposed standards');
  out.push('');
  if (proposed.length === 0) out.push('None proposed.');
  for (const p of proposed) out.push(`- ${p}: pending a human's approval in the Standards view.`);
  return out.join('\n');
}

/** A file as the summary names it: `path`, with the part that was sent when it was not the whole file. */
function shown(part: ContextPart): string {
  return part.scope ? `\`${part.file}\` (${part.scope})` : `\`${part.file}\``;
}

/** What was reviewed, for what, and where the findings are: the files named are the ones the context and the findings hold. */
function summary(title: string, task: string, attached: string, parts: readonly ContextPart[], lineCount: number, findings: readonly Finding[]): string {
  const question = `"${task.slice(0, 160)}"`;
  if (lineCount === 0) {
    return attached
      ? `Read the context given (${attached.length.toLocaleString('en-US')} characters, no numbered code lines) for: ${question}.`
      : `No code was attached, so this ${title.toLowerCase()} review answers the question in general terms: ${question}.`;
  }
  const head = `Reviewed ${lineCount} lines of ${listed(parts.map(shown))} for: ${question}.`;
  if (findings.length === 0) return `${head} No findings.`;
  const cited = [...new Set(findings.map((f) => f.file))];
  const where = parts.length > 1 || cited.length > 1 ? ` in ${listed(cited.map((f) => `\`${f}\``))}` : '';
  return `${head} ${countOf(findings.length, 'finding')}${where}, most severe first.`;
}
