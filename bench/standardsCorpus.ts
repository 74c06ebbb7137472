// Generated standards for the search bench: the same seed gives the same corpus, so figures
// from two runs (and from the engines compared in one run) are over identical text. The text
// is built from a technical vocabulary with a Zipf-like word frequency (a few words very
// common, most rare), per-domain words, code in the Examples and bullets in the Anti-Patterns,
// so posting lists have the shape they have in real prose rather than uniform noise.
import { standardTemplate } from '../src/standards/template';

export interface GeneratedStandard {
  domain: string;
  topic: string;
  tags: string[];
  /** The file's full text, in the template's format. */
  text: string;
}

export interface BenchQuery {
  query: string;
  domain?: string;
  tags?: string[];
}

const DOMAINS: Record<string, string[]> = {
  security: ['injection', 'parameterised', 'secret', 'credential', 'token', 'sanitise', 'escape', 'xss', 'csrf', 'authentication', 'authorisation', 'session', 'password', 'hashing', 'bcrypt', 'tls', 'certificate', 'audit', 'privilege', 'encryption'],
  api: ['endpoint', 'pagination', 'versioning', 'status', 'payload', 'idempotent', 'rest', 'graphql', 'schema', 'contract', 'header', 'deprecation', 'cursor', 'webhook', 'rate', 'throttle', 'openapi', 'resource', 'etag', 'problem'],
  testing: ['fixture', 'mock', 'stub', 'assertion', 'flaky', 'deterministic', 'coverage', 'snapshot', 'integration', 'unit', 'harness', 'deadline', 'seed', 'property', 'fuzz', 'regression', 'isolation', 'teardown', 'mutation', 'oracle'],
  performance: ['latency', 'throughput', 'allocation', 'profiling', 'benchmark', 'percentile', 'cache', 'memoise', 'batching', 'streaming', 'backpressure', 'pool', 'warmup', 'hotpath', 'garbage', 'heap', 'quadratic', 'index', 'lazy', 'prefetch'],
  database: ['migration', 'transaction', 'isolation', 'deadlock', 'foreign', 'constraint', 'normalise', 'replica', 'vacuum', 'journal', 'snapshot', 'rollback', 'schema', 'query', 'join', 'cursor', 'orm', 'sqlite', 'postgres', 'upsert'],
  frontend: ['component', 'render', 'state', 'hydration', 'accessibility', 'aria', 'focus', 'keyboard', 'contrast', 'layout', 'responsive', 'bundle', 'hook', 'props', 'reducer', 'css', 'animation', 'viewport', 'theme', 'locale'],
  observability: ['logging', 'metric', 'trace', 'span', 'correlation', 'structured', 'alert', 'dashboard', 'sampling', 'cardinality', 'histogram', 'counter', 'gauge', 'redact', 'severity', 'incident', 'slo', 'budget', 'exporter', 'otel'],
  errors: ['exception', 'retry', 'backoff', 'timeout', 'cancellation', 'hint', 'code', 'cause', 'fallback', 'circuit', 'breaker', 'panic', 'recoverable', 'fatal', 'propagate', 'wrap', 'boundary', 'message', 'abort', 'jitter'],
  concurrency: ['mutex', 'lock', 'race', 'atomic', 'worker', 'thread', 'queue', 'channel', 'promise', 'await', 'deadline', 'semaphore', 'ordering', 'idempotency', 'lease', 'heartbeat', 'starvation', 'fairness', 'scheduler', 'reentrant'],
  architecture: ['layer', 'boundary', 'dependency', 'module', 'interface', 'adapter', 'port', 'coupling', 'cohesion', 'service', 'event', 'domain', 'aggregate', 'command', 'composition', 'inversion', 'facade', 'plugin', 'monolith', 'contract'],
};

const GENERAL = [
  'the', 'a', 'is', 'to', 'of', 'and', 'in', 'that', 'it', 'for', 'we', 'this', 'be', 'on', 'with', 'as', 'not', 'are', 'when', 'by',
  'code', 'function', 'file', 'value', 'change', 'review', 'team', 'use', 'call', 'return', 'type', 'name', 'test', 'error', 'data', 'user',
  'should', 'must', 'never', 'always', 'every', 'one', 'each', 'only', 'before', 'after', 'because', 'which', 'where', 'how', 'why', 'what',
  'module', 'class', 'method', 'variable', 'parameter', 'argument', 'result', 'input', 'output', 'request', 'response', 'handler', 'client',
  'server', 'config', 'setting', 'default', 'option', 'flag', 'path', 'folder', 'string', 'number', 'list', 'map', 'object', 'field', 'key',
  'library', 'package', 'version', 'release', 'build', 'deploy', 'pipeline', 'branch', 'commit', 'merge', 'pull', 'issue', 'bug', 'fix',
  'clear', 'simple', 'explicit', 'implicit', 'consistent', 'readable', 'safe', 'fast', 'slow', 'small', 'large', 'new', 'old', 'shared',
  'reviewer', 'maintainer', 'author', 'caller', 'owner', 'system', 'process', 'job', 'task', 'step', 'loop', 'branch', 'guard', 'check',
  'document', 'comment', 'example', 'pattern', 'rule', 'standard', 'exception', 'case', 'edge', 'limit', 'budget', 'cost', 'risk', 'trade',
  'production', 'staging', 'local', 'remote', 'network', 'disk', 'memory', 'cpu', 'time', 'date', 'clock', 'timer', 'event', 'signal',
];

const TS_LINES = [
  'const result = await {w}.{v}(input);',
  'if (!{w}) throw new PersonaError(\'INVALID_INPUT\', `bad {v}`, \'Pass a {w}.\');',
  'export function {v}{W}(options: {W}Options): {W} {',
  'for (const item of {w}s) await handle(item);',
  'return {w}.filter((x) => x.{v} !== undefined);',
  'db.run(\'UPDATE {w} SET {v} = ? WHERE id = ?\', [value, id]);',
];

/** A small deterministic PRNG (mulberry32): no dependency, same sequence on every platform. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Writer {
  constructor(readonly random: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }
  /** Zipf-like: index ~ len * u^3 favours the head of the list strongly. */
  zipf<T>(list: readonly T[]): T {
    return list[Math.floor(list.length * this.random() ** 3)]!;
  }
  sentence(topical: readonly string[]): string {
    const n = this.int(8, 18);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(this.random() < 0.22 ? this.pick(topical) : this.zipf(GENERAL));
    const s = words.join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  }
  paragraph(topical: readonly string[], lo: number, hi: number): string {
    return Array.from({ length: this.int(lo, hi) }, () => this.sentence(topical)).join(' ');
  }
}

const cap = (w: string): string => `${w[0]!.toUpperCase()}${w.slice(1)}`;

export function generateStandards(count: number, seed = 42): GeneratedStandard[] {
  const w = new Writer(rng(seed));
  const domains = Object.keys(DOMAINS);
  const out: GeneratedStandard[] = [];
  for (let i = 0; i < count; i++) {
    const domain = domains[i % domains.length]!;
    const own = DOMAINS[domain]!;
    // A few words from a neighbouring domain: real standards cross areas.
    const topical = [...own, ...DOMAINS[w.pick(domains)]!.slice(0, 5)];
    const a = w.pick(own);
    const b = w.pick(own);
    const topic = `${a}-${b}-${i}`;
    const tags = [...new Set([w.pick(own), w.pick(own), w.pick(['typescript', 'node', 'vscode', 'backend', 'frontend', 'cli'])])];
    const examples = Array.from({ length: w.int(2, 5) }, () => w.pick(TS_LINES).replaceAll('{w}', w.pick(own)).replaceAll('{v}', w.pick(GENERAL)).replaceAll('{W}', cap(w.pick(own))));
    const anti = Array.from({ length: w.int(2, 4) }, () => `- ${w.sentence(topical)}`);
    const body = [
      `## Context\n\n${w.paragraph(topical, 3, 6)}`,
      `## Pattern\n\n${w.paragraph(topical, 2, 5)}\n\n${w.paragraph(topical, 1, 3)}`,
      `## Examples\n\n${w.sentence(topical)}\n\n\`\`\`ts\n${examples.join('\n')}\n\`\`\``,
      `## Anti-Patterns\n\n${anti.join('\n')}`,
      `## When to Revisit\n\n${w.paragraph(topical, 1, 3)}`,
    ].join('\n\n');
    const text = standardTemplate({ domain, topic, title: `${cap(a)} and ${b} in ${domain}`, tags, createdBy: w.pick(['security', 'architect', 'engineer', 'tester']), approvedBy: 'A. Reviewer', createdAt: '2026-01-02T03:04:05.000Z', approvedAt: '2026-01-03T03:04:05.000Z' }, body);
    out.push({ domain, topic, tags, text });
  }
  return out;
}

/** Queries an agent would send: two to four words, mostly topical, some with a filter. */
export function generateQueries(count: number, seed = 7): BenchQuery[] {
  const w = new Writer(rng(seed));
  const domains = Object.keys(DOMAINS);
  return Array.from({ length: count }, (_, i) => {
    const domain = w.pick(domains);
    const own = DOMAINS[domain]!;
    const words = Array.from({ length: w.int(2, 4) }, () => (w.random() < 0.75 ? w.pick(own) : w.zipf(GENERAL.slice(20))));
    const q: BenchQuery = { query: [...new Set(words)].join(' ') };
    if (i % 5 === 1) q.domain = domain;
    if (i % 7 === 3) q.tags = [w.pick(own)];
    return q;
  });
}
