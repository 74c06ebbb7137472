import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaRegistry } from '../../src/personas/personaRegistry';
import type { Persona } from '../../src/personas/personaFile';
import { writeReview } from '../../src/personas/demoModel/reviews';
import { REPO_ROOT } from './tempDir';
import { CLAUDE_3_MARGIN_PERCENT, PERSONA_TOKEN_LIMIT, formatTokenTable, measurePersonaTokens, type PersonaTokenRow } from './personaTokens';

const CORE = ['architect', 'data', 'engineer', 'qa', 'security', 'sre', 'workflow-executor'];
const SPECIALISTS = ['accessibility', 'api-docs', 'code-reviewer', 'concurrency', 'database', 'observability', 'performance'];
const TOOLS = ['search_standards', 'read_file', 'list_files', 'grep', 'propose_standard'];
/** The one persona that drives a phase-gated workflow instead of writing a review. */
const EXECUTOR = 'workflow-executor';
const EXECUTOR_TOOLS = ['list_workflows', 'start_workflow', 'get_current_phase', 'get_task', 'complete_phase', 'get_workflow_state', 'search_standards', 'read_file', 'list_files', 'grep'];

/** The text under a `## heading` of the prompt, up to the next `## ` heading outside a fence. */
function section(persona: Persona, heading: string): string {
  const lines = persona.systemPrompt.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  assert.ok(start >= 0, `${persona.id} has a "## ${heading}" section`);
  const out: string[] = [];
  let fenced = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('```')) fenced = !fenced;
    if (!fenced && line.startsWith('## ')) break;
    out.push(line);
  }
  return out.join('\n');
}

/** The fenced output template, as lines. */
function template(persona: Persona): string[] {
  const fence = /```\n([\s\S]*?)\n```/.exec(section(persona, 'Output template'));
  assert.ok(fence, `${persona.id}'s output template is fenced`);
  return fence[1]!.split('\n');
}

describe('shipped persona prompts', () => {
  const registry = new PersonaRegistry([join(REPO_ROOT, 'personas')]);
  const personas = registry.list();
  const reviewers = personas.filter((p) => p.id !== EXECUTOR);
  // Building the tokenizer parses its whole vocabulary (most of a second): measure once.
  let rows: PersonaTokenRow[] | undefined;
  const measured = (): PersonaTokenRow[] => (rows ??= measurePersonaTokens());

  it('loads exactly the 14 shipped personas with no problems, each named after its file', () => {
    assert.deepEqual(registry.problems, []);
    assert.deepEqual(personas.map((p) => p.id), [...CORE, ...SPECIALISTS].sort());
    for (const p of personas) {
      assert.equal(p.name, p.id, `${p.source}: "name" equals the file id`);
      if (p.id === EXECUTOR) assert.deepEqual(p.tools, EXECUTOR_TOOLS, `${p.id} offers the workflow tools and the read tools, and no propose_standard`);
      else assert.deepEqual(p.tools, TOOLS, `${p.id} offers the review tools`);
      assert.equal(p.model, null, `${p.id} inherits the configured model`);
      assert.ok(p.description.length >= 80 && /\buse\b/i.test(p.description), `${p.id}'s description says when to use it`);
    }
  });

  it('marks the seven specialists, and only them, with specialty', () => {
    assert.deepEqual(personas.filter((p) => p.specialty !== null).map((p) => p.id), SPECIALISTS);
  });

  it(`keeps each persona file within ${PERSONA_TOKEN_LIMIT.toLocaleString('en')} tokens, with a ${CLAUDE_3_MARGIN_PERCENT} % margin for Claude 3 – 4.6`, function (this: Mocha.Context) {
    const rows = measured();
    assert.equal(rows.length, 14);
    const largest = rows.reduce((a, b) => (b.tokens > a.tokens ? b : a));
    // The count shows in the test's title, so each run reports it.
    if (this.test) this.test.title += ` (largest: ${largest.id}, ${largest.tokens} tokens)`;
    for (const row of rows) {
      assert.ok(row.tokens > 300, `${row.id}: ${row.tokens} tokens is too few to be the whole file`);
      assert.ok(row.estimate <= PERSONA_TOKEN_LIMIT, `${row.id}: ${row.tokens} tokens + ${CLAUDE_3_MARGIN_PERCENT} % = ${row.estimate} is over ${PERSONA_TOKEN_LIMIT}\n${formatTokenTable(rows)}`);
    }
  });

  it('shows the current token table in docs/personas.md', () => {
    const docs = readFileSync(join(REPO_ROOT, 'docs', 'personas.md'), 'utf8');
    const table = formatTokenTable(measured());
    assert.ok(docs.includes(table), `docs/personas.md is out of date; regenerate with \`node out/test/unit/personaTokens.js\`:\n${table}`);
  });

  it('gives every reviewer the same output template, only the title differs', () => {
    const reference = template(registry.require('architect')).slice(1);
    for (const p of reviewers) {
      const lines = template(p);
      assert.match(lines[0]!, /^# [A-Z][\w ]+ review$/, `${p.id}'s template starts with its title`);
      assert.deepEqual(lines.slice(1), reference, `${p.id}'s template matches the architect's line for line`);
    }
    for (const heading of ['## Summary', '## Findings', '### 1. [CRITICAL|HIGH|MEDIUM|LOW] <title>', '- **Evidence:** `path/to/file.ts:LINE`', '- **Why it matters:**', '- **Recommendation:**', '## Recommended specialists', '## Proposed standards']) {
      assert.ok(reference.some((l) => l.startsWith(heading)), `the template has "${heading}"`);
    }
  });

  it('gives the workflow executor a report template with the reviewers\' findings and a line per phase', () => {
    const lines = template(registry.require(EXECUTOR));
    const headings = lines.filter((l) => /^#{1,2} /.test(l));
    assert.deepEqual(headings, ['# Workflow report', '## Summary', '## Findings', '## Phases', '## Recommended specialists', '## Proposed standards']);
    // Findings are written exactly as the reviewers write them, so one parser reads both.
    const reference = template(registry.require('architect'));
    const findings = (t: string[]): string[] => {
      const start = t.indexOf('## Findings');
      return t.slice(start, t.findIndex((l, i) => i > start && l.startsWith('## ')));
    };
    assert.deepEqual(findings(lines), findings(reference));
    assert.match(lines[lines.indexOf('## Phases') + 1]!, /^- Phase 0: <title> — /, 'one line per phase, numbered from 0');
    assert.equal(lines[lines.indexOf('## Proposed standards') + 1], 'None', 'it has no tool to propose a standard');
  });

  // The executor's run is driven through the workflow tools, not the scripted reviews.
  it('titles the demo model\'s review of each reviewer as the persona\'s template does', () => {
    for (const p of reviewers) {
      const firstLine = writeReview({ persona: p.id, userText: 'Review this' }).split('\n')[0];
      assert.equal(firstLine, template(p)[0], `the demo model's ${p.id} review`);
    }
  });

  it('starts each review method with search_standards and checks evidence with the workspace tools', () => {
    for (const p of reviewers) {
      const method = section(p, 'Method');
      assert.match(method, /^1\. Call `search_standards`/m, `${p.id}'s method starts with the approved standards`);
      for (const tool of ['read_file', 'list_files', 'grep']) assert.ok(method.includes(`\`${tool}\``), `${p.id}'s method uses ${tool}`);
      assert.match(method, /`path:LINE`/, `${p.id} asks for file:line evidence`);
    }
  });

  it('has the workflow executor find its session, name every tool it has, and report only accepted evidence', () => {
    const method = section(registry.require(EXECUTOR), 'Method');
    assert.match(method, /^1\. Find the session\. .*`list_workflows`.*`start_workflow`/m, 'step 1 takes the session from the task, or starts one');
    for (const tool of EXECUTOR_TOOLS) assert.ok(method.includes(`\`${tool}\``), `the method uses ${tool}`);
    const order = ['get_current_phase', 'complete_phase', 'get_workflow_state'].map((t) => method.indexOf(`\`${t}\``));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'phase, then gate, then state');
    assert.match(method, /`path:LINE`/, 'it asks for file:line evidence');
    assert.match(method, /never skip a phase/i);
    assert.match(method, /Never pad a list, invent a location or inflate a count/, 'a refusal is fixed with facts, not filler');
  });

  it('says how to propose a standard with propose_standard, and that a human approves it', () => {
    for (const p of reviewers) {
      const text = section(p, 'Proposing a standard');
      assert.ok(text.includes('`propose_standard`'), `${p.id} names the tool`);
      assert.match(text, /`domain` \(`[a-z-]+`\), a kebab-case `topic`/, `${p.id} gives the domain and topic`);
      assert.ok(text.includes('Context, Pattern, Examples, Anti-Patterns, When to Revisit'), `${p.id} lists the template sections`);
      assert.match(text, /recurs/, `${p.id} proposes only rules that recur`);
      assert.match(text, /A human approves or rejects it; you never approve/, `${p.id} leaves approval to a human`);
    }
    const executor = section(registry.require(EXECUTOR), 'Proposing a standard');
    assert.ok(!executor.includes('`propose_standard`'), 'the executor is not told to call a tool it does not have');
    assert.match(executor, /no tool to propose one.*other personas.*a human approves or rejects each/s);
  });

  it('has core personas recommend existing specialists by id, and names no unknown persona', () => {
    for (const p of personas) {
      const named = [...section(p, 'When to recommend a specialist').matchAll(/\*\*([a-z-]+)\*\*/g)].map((m) => m[1]!);
      for (const id of named) assert.ok(registry.get(id), `${p.id} recommends "${id}", which is a shipped persona`);
      const specialists = named.filter((id) => SPECIALISTS.includes(id) && id !== p.id);
      if (CORE.includes(p.id)) assert.ok(specialists.length >= 1, `${p.id} names at least one specialist, named ${named.join(', ') || 'none'}`);
      else assert.ok(!named.includes(p.id), `${p.id} does not recommend itself`);
    }
  });
});
