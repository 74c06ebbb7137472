/**
 * The demo model's scripted reviews. It reads the numbered context lines that the persona
 * runner sends (`File: path` header, then `N| code` lines), applies a few pattern rules per
 * persona, and writes a review in the personas' output template, so the offline demo cites
 * real `file:line` evidence from the user's own code.
 */
type Severity = 'critical' | 'high' | 'medium' | 'low';

interface Rule {
  pattern: RegExp;
  severity: Severity;
  title: string;
  why: string;
  fix: string;
}

interface Finding extends Omit<Rule, 'pattern'> {
  file: string;
  line: number;
  code: string;
}

const SECURITY: Rule[] = [
  { pattern: /(password|secret|api[_-]?key|token)\w*\s*[:=]\s*['"`][^'"`]{4,}/i, severity: 'critical', title: 'Hard-coded credential', why: 'Anyone with read access to the repository (or its history) gets the secret.', fix: 'Load it from the environment or a secret store, and rotate the value that was committed.' },
  { pattern: /(select|insert|update|delete)\b[^;]*(\$\{|['"`]\s*\+)/i, severity: 'high', title: 'SQL built by string concatenation', why: 'Input that reaches this string can change the query (SQL injection).', fix: 'Use a parameterised query with placeholders.' },
  { pattern: /\beval\s*\(|new Function\s*\(/, severity: 'high', title: 'Dynamic code execution', why: 'Evaluated strings run with the full rights of the process.', fix: 'Replace with a lookup table or a parser for the expected input.' },
  { pattern: /\.innerHTML\s*=/, severity: 'medium', title: 'HTML injected without sanitising', why: 'Markup from data can run script in the page (XSS).', fix: 'Set textContent, or sanitise with a kept sanitiser before inserting HTML.' },
  { pattern: /http:\/\/(?!localhost|127\.0\.0\.1)/, severity: 'medium', title: 'Plain-HTTP endpoint', why: 'Traffic can be read or changed in transit.', fix: 'Use https and reject downgrade.' },
];
const ENGINEER: Rule[] = [
  { pattern: /catch\s*(\([^)]*\))?\s*\{\s*\}/, severity: 'high', title: 'Error swallowed', why: 'A failure here disappears; the caller continues with bad state and nobody can debug it.', fix: 'Handle the error, or rethrow it with context; at least log it with the inputs.' },
  { pattern: /:\s*any\b|as any\b/, severity: 'medium', title: '`any` defeats the type checker', why: 'Mistakes in this value are no longer caught at compile time.', fix: 'Give it a real type, or `unknown` with a narrowing check.' },
  { pattern: /\b(TODO|FIXME|HACK)\b/, severity: 'low', title: 'Unfinished work left in the code', why: 'The note records a known gap with no owner or ticket.', fix: 'Link it to an issue or finish it before merging.' },
  { pattern: /console\.log\(/, severity: 'low', title: 'Debug logging left in', why: 'Unstructured output is noise in production logs.', fix: 'Remove it or use the project logger with a level.' },
];
const ARCHITECT: Rule[] = [
  { pattern: /^\s*(export\s+)?(async\s+)?function\s+\w+\([^)]*\)\s*(:\s*[^{]+)?\{/, severity: 'medium', title: 'Business logic and I/O in one module', why: 'Rules that mix computation and side effects are hard to test and to reuse.', fix: 'Keep the computation pure and pass the I/O in as a dependency (ports and adapters).' },
  { pattern: /new\s+[A-Z]\w*(Client|Service|Repository|Database|Pool)\s*\(/, severity: 'medium', title: 'Dependency constructed in place', why: 'The module is welded to one implementation; swapping or testing it needs a rewrite.', fix: 'Inject the dependency through a constructor or factory parameter.' },
  { pattern: /\b(static\s+instance|getInstance\(|global\.)/, severity: 'medium', title: 'Hidden global state', why: 'Global singletons couple unrelated callers and make order of start-up matter.', fix: 'Pass the instance explicitly from the composition root.' },
];
const QA: Rule[] = [
  { pattern: /Math\.random\(|Date\.now\(|new Date\(\)/, severity: 'medium', title: 'Non-deterministic input in logic', why: 'Tests of this code are flaky or cannot pin the expected output.', fix: 'Inject a clock and a random source so tests can fix them.' },
  { pattern: /^\s*export\s+(async\s+)?function\s+(\w+)/, severity: 'low', title: 'Exported function needs boundary tests', why: 'Public behaviour without tests for empty, maximal and invalid inputs breaks silently.', fix: 'Add table-driven tests for the edges: empty, one, many, invalid.' },
];
const SRE: Rule[] = [
  { pattern: /\bfetch\(|axios\.|http\.request\(/, severity: 'high', title: 'Outbound call without a timeout', why: 'A slow dependency holds this request open and exhausts the pool.', fix: 'Set a timeout (AbortSignal.timeout) and a bounded retry with backoff.' },
  { pattern: /setInterval\(|while\s*\(\s*true\s*\)/, severity: 'medium', title: 'Unbounded loop or timer', why: 'It keeps running after shutdown and hides stuck work.', fix: 'Make it stoppable and observable (a metric for each iteration).' },
  { pattern: /console\.(log|error)\(/, severity: 'low', title: 'Unstructured logs', why: 'Logs without fields cannot be searched or alerted on.', fix: 'Use structured logging with a request id.' },
];
const DATA: Rule[] = [
  { pattern: /(price|amount|total|balance)\w*\s*[:=][^;\n]*(\*|\/|\+|toFixed)/i, severity: 'high', title: 'Money held in floating point', why: 'Binary floats round 0.1 + 0.2 to 0.30000000000000004; totals drift.', fix: 'Store minor units as integers (cents) or use a decimal type.' },
  { pattern: /(select|insert|update|delete)\b/i, severity: 'medium', title: 'Query without a visible index or limit', why: 'It scans the table as data grows.', fix: 'Check the plan; add an index for the filter and a LIMIT for lists.' },
];

const RULES: Record<string, Rule[]> = { security: SECURITY, engineer: ENGINEER, architect: ARCHITECT, qa: QA, sre: SRE, data: DATA };
const TITLES: Record<string, string> = { architect: 'Architect', engineer: 'Engineer', security: 'Security', qa: 'QA', sre: 'SRE', data: 'Data' };
const SPECIALIST: Record<string, string> = {
  architect: '**performance** if these modules sit on a hot path; **database** for the persistence boundary.',
  engineer: '**code-reviewer** for a line-by-line pass before merge.',
  security: '**api-docs** to document the authentication contract once fixed.',
  qa: '**concurrency** if these functions run in parallel.',
  sre: '**observability** to define the metrics and alerts for this path.',
  data: '**database** for indexes and migrations.',
};

export interface ReviewRequest {
  persona: string;
  userText: string;
}

/** The numbered lines of the context, each with the file it came from (the latest `File:` header). */
export function parseContext(userText: string): { file: string; lines: { n: number; code: string; file: string }[] } {
  const file = /^File: (\S+)/m.exec(userText)?.[1] ?? 'the context';
  const lines: { n: number; code: string; file: string }[] = [];
  let current = file;
  for (const m of userText.matchAll(/^File: (\S+).*$|^\s*(\d+)\| ?(.*)$/gm)) {
    if (m[1]) current = m[1];
    else lines.push({ n: Number(m[2]), code: m[3] ?? '', file: current });
  }
  return { file, lines };
}

export function writeReview({ persona, userText }: ReviewRequest): string {
  const { file, lines } = parseContext(userText);
  const rules = RULES[persona] ?? ENGINEER;
  const findings: Finding[] = [];
  for (const rule of rules) {
    const hit = lines.find((l) => rule.pattern.test(l.code));
    if (hit) findings.push({ ...rule, file: hit.file, line: hit.n, code: hit.code.trim().slice(0, 100) });
  }
  const title = TITLES[persona] ?? persona;
  const task = userText.split('\n---\n')[0]?.replace(/\[\[demo:[^\]]*\]\]/g, '').trim() ?? '';
  const out: string[] = [];
  out.push(`# ${title} review`);
  out.push('');
  out.push('> Answered by the built-in **demo model** (offline, scripted rules, not an AI). Set an Anthropic API key with *Personas: Set Anthropic API Key* for a real review.');
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push(
    lines.length === 0
      ? `No code was attached, so this ${title.toLowerCase()} review answers the question in general terms: "${task.slice(0, 160)}".`
      : `Reviewed ${lines.length} lines of \`${file}\` for: "${task.slice(0, 160)}". ${findings.length} finding${findings.length === 1 ? '' : 's'}, most severe first.`,
  );
  out.push('');
  out.push('## Findings');
  out.push('');
  const order: Severity[] = ['critical', 'high', 'medium', 'low'];
  findings.sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  if (findings.length === 0) {
    out.push(`No ${title.toLowerCase()} issues matched in the given context. Attach a file or selection for a line-level review.`);
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
  out.push('None proposed.');
  return out.join('\n');
}
