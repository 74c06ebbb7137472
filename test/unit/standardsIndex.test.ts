import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createPersonaServer } from '../../src/mcp/server';
import { runTool } from '../../src/personas/tools';
import { searchStandardsTool } from '../../src/personas/tools/searchStandards';
import type { StandardHit } from '../../src/personas/tools/types';
import { PersonaServices } from '../../src/services';
import { StandardsIndex, snippetOf, type StandardsChange, type StandardsChangeKind } from '../../src/standards/standardsIndex';
import { missingSections, parseStandard, standardTemplate, STANDARD_SECTIONS } from '../../src/standards/template';
import { deferred, withTimeout } from '../harness/waitFor';
import { useTempDir } from './tempDir';
import { startDemoServices } from './demoServices';

const DEADLINE_MS = 5000;

/** A standard in the template's format; `sections` fills the named parts, the rest get one line. */
function standard(meta: { domain: string; topic: string; title?: string; tags?: string[] }, sections: Record<string, string> = {}): string {
  const body = STANDARD_SECTIONS.map((name) => `## ${name}\n\n${sections[name] ?? `Nothing special about ${name.toLowerCase()} here.`}`).join('\n\n');
  return standardTemplate({ domain: meta.domain, topic: meta.topic, title: meta.title ?? meta.topic, tags: meta.tags ?? [], createdBy: 'security', approvedBy: 'Ada', createdAt: '2026-01-01T00:00:00.000Z', approvedAt: '2026-01-02T00:00:00.000Z' }, body);
}

/** Writes the way approval does: a temp file beside the target, then one rename. */
function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.${Date.now()}-${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** Resolves on the index's event for `path` (workspace-relative) of `kind`; fails after a deadline. */
function nextChange(index: StandardsIndex, path: string, kind: StandardsChangeKind): Promise<StandardsChange> {
  const seen = deferred<StandardsChange>();
  const off = index.events.on('standards:changed', (c) => c.path === path && c.kind === kind && seen.resolve(c));
  return withTimeout(seen.promise, DEADLINE_MS, `no "${kind}" event for ${path}`).finally(off);
}

describe('standards: the file format', () => {
  it('round-trips the template: front matter fields, the five sections in order, and their lines', () => {
    const text = standard({ domain: 'security', topic: 'queries', title: 'Parameterised: queries', tags: ['sql', 'injection'] }, { Pattern: 'Bind every value.' });
    const parsed = parseStandard(text, 'security/queries.md');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.frontMatter, { domain: 'security', topic: 'queries', title: 'Parameterised: queries', tags: ['sql', 'injection'], created_by: 'security', approved_by: 'Ada', created_at: '2026-01-01T00:00:00.000Z', approved_at: '2026-01-02T00:00:00.000Z' });
    assert.deepEqual(parsed.sections.map((s) => s.heading), [...STANDARD_SECTIONS]);
    const lines = text.split('\n');
    for (const s of parsed.sections) assert.equal(lines[s.line - 1], `## ${s.heading}`, `${s.heading} starts on line ${s.line}`);
    assert.equal(parsed.sections[1]!.text, 'Bind every value.');
    // Without a body, the skeleton has every section, each saying what it asks for.
    const skeleton = standardTemplate({ domain: 'api', topic: 'errors', title: 'Errors', createdBy: 'architect' });
    assert.deepEqual(missingSections(skeleton), []);
    assert.match(skeleton, /## When to Revisit\n\n<!-- What would make this standard wrong/);
  });

  it('missingSections lists the template parts a proposal lacks, in order, forgiving case and hyphens', () => {
    assert.deepEqual(missingSections('## Context\nx\n## Pattern\ny'), ['Examples', 'Anti-Patterns', 'When to Revisit']);
    assert.deepEqual(missingSections('## context\n## PATTERN\n## Examples\n## Anti patterns\n## When to revisit'), []);
    // A "## Examples" inside a code block is code, and front matter is not body.
    assert.deepEqual(missingSections('---\ntitle: x\n---\n## Context\n```md\n## Examples\n```\n'), ['Pattern', 'Examples', 'Anti-Patterns', 'When to Revisit']);
    assert.deepEqual(missingSections(''), [...STANDARD_SECTIONS]);
  });

  it('a hand-edited file with broken front matter keeps its body, with a problem naming the file and line', () => {
    const parsed = parseStandard('---\ndomain: security\ntags: [a, b\n---\n# Logging\n\nIntro words.\n\n## Pattern\nLog the request id.\n', 'x/broken.md');
    assert.equal(parsed.problems.length, 1);
    assert.equal(parsed.problems[0]!.file, 'x/broken.md');
    assert.equal(parsed.problems[0]!.line, 3);
    assert.match(parsed.problems[0]!.message, /not valid YAML.*indexed by its body/);
    assert.equal(parsed.title, 'Logging');
    assert.deepEqual(parsed.sections.map((s) => [s.heading, s.text, s.line]), [['Logging', 'Intro words.', 7], ['Pattern', 'Log the request id.', 9]]);
    const unclosed = parseStandard('---\ndomain: x\n## Pattern\nUse it.\n', 'y.md');
    assert.match(unclosed.problems[0]!.message, /not closed/);
    assert.equal(unclosed.sections.at(-1)!.text, 'Use it.');
    const commaTags = parseStandard('---\ntags: sql, injection\n---\n## Pattern\nx\n', 'z.md');
    assert.deepEqual(commaTags.frontMatter.tags, ['sql', 'injection']);
    assert.equal(commaTags.problems[0]!.line, 2);
  });
});

describe('standards: the index', function () {
  this.timeout(20_000);
  const tmp = useTempDir();
  let index: StandardsIndex;
  let logged: string[];
  const file = (rel: string): string => join(tmp.path, '.agent-os', 'standards', ...rel.split('/'));
  const put = (rel: string, text: string): void => {
    mkdirSync(dirname(file(rel)), { recursive: true });
    writeFileSync(file(rel), text);
  };
  const open = async (): Promise<StandardsIndex> => {
    logged = [];
    index = new StandardsIndex({ workspaceRoot: tmp.path, log: (l) => logged.push(l) });
    await index.start();
    return index;
  };
  afterEach(() => index?.dispose());

  it('removes the temporary file a killed approval left (older than a minute), keeps one being written now, and never indexes either', async () => {
    put('engineering/errors.md', standardTemplate({ domain: 'engineering', topic: 'errors', title: 'Errors', createdBy: 'engineer' }));
    put('engineering/.errors-2.md.0123456789ab.tmp', 'half a standard');
    put('engineering/.errors-3.md.ba9876543210.tmp', 'a standard being written now');
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(file('engineering/.errors-2.md.0123456789ab.tmp'), old, old);
    // Someone else's hidden file is not ours to remove, however old.
    put('engineering/.notes.md', 'an editor backup');
    utimesSync(file('engineering/.notes.md'), old, old);
    await open();
    assert.equal(existsSync(file('engineering/.errors-2.md.0123456789ab.tmp')), false, 'the abandoned temp file is gone');
    assert.ok(existsSync(file('engineering/.errors-3.md.ba9876543210.tmp')), 'a fresh one may be an approval in flight');
    assert.ok(existsSync(file('engineering/.notes.md')));
    const hits = await index.search({ query: 'standard written', limit: 20 });
    assert.deepEqual(hits.map((h) => h.path).filter((p) => p.includes('.tmp') || p.includes('.notes')), []);
  });

  it('ranks a section with the words in its heading and body above one that mentions them in passing', async () => {
    put('errors/retries.md', standard({ domain: 'errors', topic: 'retries' }, { Pattern: 'Every call to a remote service has a deadline and retries with capped exponential backoff and jitter, at most three times.' }));
    put('api/pagination.md', standard({ domain: 'api', topic: 'pagination' }, { Context: 'Lists are paged with a cursor. Clients keep the cursor; they should not need retry backoff for a page that is slow, only for errors.' }));
    // A hand-added section whose heading names the subject.
    writeFileSync(file('errors/retries.md'), readFileSync(file('errors/retries.md'), 'utf8').replace('## Anti-Patterns', '## Retry backoff\n\nRetry with exponential backoff; a retry without backoff turns a slow dependency into an outage.\n\n## Anti-Patterns'));
    await open();
    const hits = await index.search({ query: 'retry backoff', limit: 5 });
    assert.equal(hits[0]!.heading, 'Retry backoff');
    assert.equal(hits[0]!.path, '.agent-os/standards/errors/retries.md');
    const passing = hits.findIndex((h) => h.path.endsWith('pagination.md'));
    assert.ok(passing > 0, `the passing mention is found but ranked lower: ${hits.map((h) => `${h.path}#${h.heading}=${h.score}`).join(', ')}`);
    assert.ok(hits[0]!.score > hits[passing]!.score);
    assert.match(hits[0]!.snippet, /Retry with exponential backoff/);
    assert.ok(hits.every((h, i) => i === 0 || hits[i - 1]!.score >= h.score), 'best first');
  });

  it('BM25: term frequency saturates, and a shorter section ranks above a longer one with the same matches', async () => {
    const filler = (n: number): string => Array.from({ length: n }, (_, i) => `filler${i}`).join(' ');
    const body = (mentions: number, pad: number): string => `${'idempotency '.repeat(mentions)}${filler(pad)}`;
    put('a/three.md', `## Three\n\n${body(3, 57)}\n`);
    put('a/thirty.md', `## Thirty\n\n${body(30, 30)}\n`);
    put('a/short.md', `## Short\n\n${body(2, 8)}\n`);
    put('a/long.md', `## Long\n\n${body(2, 200)}\n`);
    await open();
    const score = async (heading: string): Promise<number> => (await index.search({ query: 'idempotency', limit: 10 })).find((h) => h.heading === heading)!.score;
    const [three, thirty, short, long] = [await score('Three'), await score('Thirty'), await score('Short'), await score('Long')];
    assert.ok(thirty > three, 'more mentions score higher');
    assert.ok(thirty < 2 * three, `ten times the mentions is far from ten times the score (saturation): ${thirty} vs ${three}`);
    assert.ok(short > long, `length normalisation: ${short} vs ${long}`);
  });

  it('filters by domain and by tags (all of them), ignoring case', async () => {
    put('security/secrets.md', standard({ domain: 'security', topic: 'secrets', tags: ['config', 'secrets'] }, { Pattern: 'Secrets come from the environment, never from config files.' }));
    put('ops/config.md', standard({ domain: 'ops', topic: 'config', tags: ['config'] }, { Pattern: 'Config files are validated at start; secrets never live in them.' }));
    await open();
    const all = await index.search({ query: 'secrets config', limit: 20 });
    assert.deepEqual(new Set(all.map((h) => h.domain)), new Set(['security', 'ops']));
    const security = await index.search({ query: 'secrets config', domain: 'Security', limit: 20 });
    assert.ok(security.length > 0 && security.every((h) => h.domain === 'security'));
    const tagged = await index.search({ query: 'secrets config', tags: ['CONFIG', 'secrets'], limit: 20 });
    assert.ok(tagged.length > 0 && tagged.every((h) => h.path.endsWith('secrets.md')));
    assert.deepEqual(tagged[0]!.tags, ['config', 'secrets']);
    assert.deepEqual(await index.search({ query: 'secrets', tags: ['nope'], limit: 5 }), []);
    assert.deepEqual(await index.search({ query: 'the of', limit: 5 }), [], 'stop words alone match nothing');
  });

  it('stems: a query finds the inflected forms of its words, in either direction', async () => {
    put('security/sql.md', '## Binding\n\nAll database queries bind their values.\n');
    put('errors/calls.md', '## Failures\n\nA call that failed is retried at most twice.\n');
    put('errors/jobs.md', '## Jobs\n\nJob retries are counted per job.\n');
    put('ops/noise.md', '## Unrelated\n\nNothing about the subject here.\n');
    await open();
    assert.deepEqual((await index.search({ query: 'query', limit: 5 })).map((h) => h.path), ['.agent-os/standards/security/sql.md']);
    assert.deepEqual(new Set((await index.search({ query: 'retry', limit: 5 })).map((h) => h.path)), new Set(['.agent-os/standards/errors/calls.md', '.agent-os/standards/errors/jobs.md']));
    assert.equal((await index.search({ query: 'retrying', limit: 5 })).length, 2, 'a query word in another inflection finds both too');
    // Identifiers split into words, each stemmed: retry_after looks for "retry" and "after".
    assert.equal((await index.search({ query: 'retry_after', limit: 5 })).length, 2);
  });

  it('stems words only: numbers and ids are kept as written', async () => {
    put('api/transport.md', '## Transport\n\nServe http3 where the client offers it; p99 latency is the figure.\n');
    await open();
    assert.equal((await index.search({ query: 'HTTP3', limit: 5 })).length, 1);
    assert.equal((await index.search({ query: 'p99', limit: 5 })).length, 1);
    // Porter2's marker for a consonant y is the digit 3: stemming "http3" would make it "httpi".
    assert.deepEqual(await index.search({ query: 'httpi', limit: 5 }), []);
  });

  it('stemming keeps the ranking: a section about the word ranks above a passing inflected mention', async () => {
    const padding = Array.from({ length: 60 }, (_, i) => `topic${i}`).join(' ');
    put('data/query.md', '## Query builders\n\nBuild every query with the builder.\n');
    put('data/misc.md', `## Miscellany\n\n${padding} and one mention of queries ${padding}\n`);
    await open();
    const hits = await index.search({ query: 'query', limit: 5 });
    assert.deepEqual(hits.map((h) => h.heading), ['Query builders', 'Miscellany']);
    assert.ok(hits[0]!.score > 2 * hits[1]!.score, `well above, not a near tie: ${hits.map((h) => h.score).join(' vs ')}`);
  });

  it('stop words are still ignored, in queries and in the index', async () => {
    put('errors/retries.md', '## Retries\n\nThe retries of the client are the ones that count.\n');
    put('ops/words.md', '## Words\n\nThe words of the day are in the list of the week.\n');
    await open();
    assert.deepEqual(await index.search({ query: 'the of are', limit: 5 }), [], 'stop words alone match nothing');
    const plain = await index.search({ query: 'retries', limit: 5 });
    const withStops = await index.search({ query: 'the retries of the', limit: 5 });
    assert.deepEqual(withStops, plain, 'stop words add no hits and no score');
    assert.equal(plain.length, 1);
  });

  it('the snippet shows the inflected word a stemmed query matched', async () => {
    const lead = Array.from({ length: 80 }, (_, i) => `lead${i}`).join(' ');
    const tail = Array.from({ length: 80 }, (_, i) => `tail${i}`).join(' ');
    put('security/sql.md', `## Binding\n\n${lead} Parameterised queries keep values out of the SQL text. ${tail}\n`);
    await open();
    const [hit] = await index.search({ query: 'query', limit: 1 });
    assert.ok(hit);
    assert.match(hit.snippet, /^….*Parameterised queries keep values out of the SQL text/);
    assert.ok(!hit.snippet.includes('lead0 '), `cut around the match, not at the start: ${hit.snippet}`);
  });

  it('indexes a file with broken front matter by its body, and warns naming the file and line', async () => {
    put('ops/logging.md', '---\ndomain: ops\ntitle: "unterminated\n---\n## Pattern\nEvery log line carries the correlation id.\n');
    await open();
    const hits = await index.search({ query: 'correlation', limit: 5 });
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.domain, 'ops', 'the folder gives the domain');
    assert.ok(logged.some((l) => l.startsWith('standard .agent-os/standards/ops/logging.md:3: front matter is not valid YAML')), logged.join('\n'));
    assert.equal(index.problems[0]!.file, '.agent-os/standards/ops/logging.md');
  });

  it('follows add, change and delete through the watcher, including a new domain folder and a deleted one', async () => {
    await open();
    const watch = index.watch();
    try {
      const rel = '.agent-os/standards/testing/flaky.md';
      let change = nextChange(index, rel, 'added');
      writeAtomically(file('testing/flaky.md'), standard({ domain: 'testing', topic: 'flaky' }, { Pattern: 'A flaky test is quarantined within a day.' }));
      assert.equal((await change).sections, 5);
      assert.equal((await index.search({ query: 'quarantined', limit: 5 }))[0]?.path, rel);

      change = nextChange(index, rel, 'changed');
      writeAtomically(file('testing/flaky.md'), standard({ domain: 'testing', topic: 'flaky' }, { Pattern: 'A flaky test is fixed or deleted within a week.' }));
      await change;
      assert.deepEqual(await index.search({ query: 'quarantined', limit: 5 }), []);
      assert.equal((await index.search({ query: 'deleted week', limit: 5 }))[0]?.path, rel);

      // Edited in place by hand (no rename).
      change = nextChange(index, rel, 'changed');
      writeFileSync(file('testing/flaky.md'), '## Pattern\nHand edit: retries hide flakiness.\n');
      await change;
      assert.equal((await index.search({ query: 'flakiness', limit: 5 }))[0]?.heading, 'Pattern');

      change = nextChange(index, rel, 'removed');
      rmSync(file('testing/flaky.md'));
      await change;
      assert.deepEqual(await index.search({ query: 'flakiness', limit: 5 }), []);

      // A whole domain folder, created then deleted: deleting reports only the folder on some systems.
      const other = '.agent-os/standards/perf/latency.md';
      change = nextChange(index, other, 'added');
      writeAtomically(file('perf/latency.md'), '## Pattern\nMeasure p99 latency, not the mean.\n');
      await change;
      change = nextChange(index, other, 'removed');
      rmSync(file('perf'), { recursive: true });
      await change;
      assert.deepEqual(index.size, { files: 0, sections: 0 });
    } finally {
      watch.dispose();
    }
  });

  it('ignores hidden temp files and symbolic links, and paths outside the standards folder', async () => {
    put('ops/.draft.md', '## Pattern\nhiddenword\n');
    mkdirSync(join(tmp.path, 'outside'));
    writeFileSync(join(tmp.path, 'outside', 'secret.md'), '## Pattern\nsecretword\n');
    mkdirSync(file('ops'), { recursive: true });
    symlinkSync(join(tmp.path, 'outside', 'secret.md'), file('ops/linked.md'));
    await open();
    await index.refreshPath(join(tmp.path, 'outside', 'secret.md'));
    await index.add(file('ops/linked.md'));
    assert.deepEqual(index.size, { files: 0, sections: 0 });
    assert.deepEqual(await index.search({ query: 'hiddenword secretword', limit: 5 }), []);
  });

  it('cycle time: a standard written the way approval writes it is found by search once the watcher reports it', async () => {
    await open();
    const watch = index.watch();
    try {
      const rel = '.agent-os/standards/x/y.md';
      const t0 = performance.now();
      const seen = nextChange(index, rel, 'added');
      writeAtomically(file('x/y.md'), standard({ domain: 'x', topic: 'y', title: 'Cycle time' }, { Pattern: 'Approved standards are searchable straight away: zanzibar.' }));
      await seen;
      const hits = await index.search({ query: 'zanzibar', limit: 5 });
      const ms = performance.now() - t0;
      assert.equal(hits[0]?.path, rel);
      console.log(`      approved file written → found by search: ${ms.toFixed(1)} ms`);
    } finally {
      watch.dispose();
    }
  });

  it('cuts a snippet around the first query word, at word boundaries', () => {
    const text = `${'lead '.repeat(100)}the needle is here ${'tail '.repeat(100)}`;
    const s = snippetOf(text, 'needle', 80);
    assert.match(s, /^…(lead )+the needle is here( tail)+…$/);
    assert.ok(s.length <= 82);
    assert.equal(snippetOf('short text', 'x'), 'short text');
  });
});

describe('standards: the search_standards tools return the index\'s hits', function () {
  this.timeout(60_000);
  let services: PersonaServices | undefined;
  afterEach(async () => {
    await services?.dispose(0);
    services = undefined;
  });
  const tmp = useTempDir();

  it('the persona tool and the MCP tool answer with path:line, heading, domain, tags, score and snippet', async () => {
    const dir = join(tmp.path, '.agent-os', 'standards', 'security');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'queries.md'), standard({ domain: 'security', topic: 'queries', title: 'Parameterised queries', tags: ['sql'] }, { Pattern: 'Every users query is parameterised; never build SQL from strings.' }));
    services = await startDemoServices(tmp.path, { workerCount: 1 });
    const s = services;
    const host = { searchStandards: (q: Parameters<typeof s.standards.search>[0]) => s.standards.search(q), proposeStandard: () => Promise.resolve({ id: 'p' }) };
    const tool = await runTool([searchStandardsTool], 'search_standards', { query: 'build SQL strings' }, { root: tmp.path, persona: 'security', jobId: 'j', host, signal: new AbortController().signal });
    assert.equal(tool.isError, false);
    assert.match(tool.content, /^\.agent-os\/standards\/security\/queries\.md:\d+ — Pattern \(Parameterised queries; domain security; tags sql; score [\d.]+\)\nEvery users query is parameterised/);

    const server = createPersonaServer(s);
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'test', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    try {
      const call = async (args: Record<string, unknown>): Promise<StandardHit[]> => {
        const result = (await client.callTool({ name: 'search_standards', arguments: args })) as CallToolResult;
        const first = result.content[0];
        assert.ok(first?.type === 'text' && !result.isError);
        return (JSON.parse(first.text) as { results: StandardHit[] }).results;
      };
      const [hit] = await call({ query: 'parameterised query', domain: 'security', tags: ['sql'], limit: 1 });
      assert.equal(hit?.path, '.agent-os/standards/security/queries.md');
      assert.equal(hit?.heading, 'Pattern');
      assert.deepEqual(hit?.tags, ['sql']);
      assert.ok((hit?.score ?? 0) > 0 && (hit?.line ?? 0) > 1);
      // A standard approved while the server runs is found (the CLI's watch; the editor has its own).
      const watch = s.standards.watch();
      try {
        const added = nextChange(s.standards, '.agent-os/standards/api/errors.md', 'added');
        writeAtomically(join(tmp.path, '.agent-os', 'standards', 'api', 'errors.md'), standard({ domain: 'api', topic: 'errors' }, { Pattern: 'Errors carry a stable code and a hint.' }));
        await added;
        assert.equal((await call({ query: 'stable code hint' }))[0]?.path, '.agent-os/standards/api/errors.md');
      } finally {
        watch.dispose();
      }
    } finally {
      await client.close();
      await server.close();
    }
  });
});
