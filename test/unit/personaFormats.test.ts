// The three persona formats: field mapping (tools, model, name/id) and broken files reported
// with file and line.
import assert from 'node:assert/strict';
import { PersonaError } from '../../src/core/errors';
import { parseClaudeAgentFile, parseCopilotAgentFile } from '../../src/personas/agentFiles';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelFromClaude, modelFromCopilot, modelToClaude, modelToCopilot, CLAUDE_MODEL_ALIASES, DEFAULT_ANTHROPIC_MODEL } from '../../src/personas/modelNames';
import { REPO_ROOT } from './tempDir';
import { parsePersonaFile, problemOf, type PersonaFileProblem } from '../../src/personas/personaFile';
import { PERSONA_TOOLS } from '../../src/personas/toolNames';

function problem(run: () => unknown): PersonaFileProblem {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof PersonaError && err.code === 'INVALID_INPUT', `a PersonaError INVALID_INPUT, got ${String(err)}`);
    const p = problemOf(err);
    assert.ok(p, 'the error carries file and line');
    return p;
  }
  assert.fail('the file was accepted');
}

describe('persona formats', () => {
  describe('Claude Code subagents (.claude/agents/*.md)', () => {
    const file = '/ws/.claude/agents/reviewer.md';

    it('maps name, description, comma-separated tools, an alias model and the prompt', () => {
      const p = parseClaudeAgentFile('---\nname: Code-Reviewer\ndescription: Reviews code\ntools: Read, Grep, Glob, Bash, Edit\nmodel: sonnet\n---\nYou review code.\n', file);
      assert.equal(p.id, 'code-reviewer', 'the name, lower-cased, is the id');
      assert.equal(p.name, 'Code-Reviewer');
      assert.equal(p.description, 'Reviews code');
      assert.deepEqual(p.tools, ['read_file', 'grep', 'list_files']);
      assert.equal(p.model, CLAUDE_MODEL_ALIASES['sonnet']);
      assert.equal(p.systemPrompt, 'You review code.');
      assert.equal(p.format, 'claude');
      assert.equal(p.source, file);
      assert.deepEqual(p.notes, ['tools without a read-only equivalent here were dropped: Bash, Edit']);
    });

    it('gives every read-only tool when tools is absent, and maps LS, a YAML list and our MCP tools', () => {
      assert.deepEqual(parseClaudeAgentFile('---\nname: a\ndescription: d\n---\nx', file).tools, [...PERSONA_TOOLS]);
      const listed = parseClaudeAgentFile('---\nname: a\ndescription: d\ntools:\n  - LS\n  - mcp__agent-os-personas__search_standards\n  - mcp__other__grep\n---\nx', file);
      assert.deepEqual(listed.tools, ['list_files', 'search_standards']);
      assert.deepEqual(listed.notes, ['tools without a read-only equivalent here were dropped: mcp__other__grep']);
    });

    it('maps inherit to null, keeps a full id, and notes a model it does not know', () => {
      assert.deepEqual(modelFromClaude('inherit'), { model: null });
      assert.deepEqual(modelFromClaude(undefined), { model: null });
      assert.deepEqual(modelFromClaude('opus'), { model: CLAUDE_MODEL_ALIASES['opus'] });
      assert.deepEqual(modelFromClaude('claude-opus-4-1'), { model: 'claude-opus-4-1' });
      const odd = parseClaudeAgentFile('---\nname: a\ndescription: d\nmodel: opusplan\n---\nx', file);
      assert.equal(odd.model, null);
      assert.match(odd.notes.join(), /opusplan/);
    });

    it('reports a missing name, an unsafe name and broken YAML at their lines', () => {
      assert.deepEqual(problem(() => parseClaudeAgentFile('---\ndescription: d\n---\nx', file)), { file, line: 2, message: 'front matter needs a "name" (text)' });
      const unsafe = problem(() => parseClaudeAgentFile('---\ndescription: d\nname: Code Reviewer\n---\nx', file));
      assert.equal(unsafe.line, 3);
      assert.match(unsafe.message, /"Code Reviewer" is not a usable persona id.*"code-reviewer"/);
      const broken = problem(() => parseClaudeAgentFile('---\nname: a\ndescription: d\ntools: [Read\n---\nx', file));
      assert.equal(broken.file, file);
      assert.ok(broken.line >= 4 && broken.line <= 5, `line ${broken.line} points at the tools line`);
      assert.match(broken.message, /YAML/);
      assert.equal(problem(() => parseClaudeAgentFile('---\nname: a\ndescription: d\n---\n', file)).line, 4);
    });
  });

  describe('Copilot custom agents (.github/agents/*.agent.md)', () => {
    const file = '/ws/.github/agents/planner.agent.md';

    it('takes the name from the file when absent, maps a tool list and a display-name model', () => {
      const p = parseCopilotAgentFile("---\ndescription: Plans work\ntools: ['search', 'fetch', 'githubRepo']\nmodel: Claude Sonnet 4\n---\nPlan it.\n", file);
      assert.equal(p.id, 'planner');
      assert.equal(p.name, 'planner');
      assert.deepEqual(p.tools, ['grep', 'list_files', 'read_file'], 'search is the whole read-only set');
      assert.equal(p.model, 'claude-sonnet-4-0');
      assert.equal(p.format, 'copilot');
      assert.deepEqual(p.notes, ['tools without a read-only equivalent here were dropped: fetch, githubRepo']);
    });

    it('maps qualified tool names, codebase, usages and our MCP server', () => {
      const tools = (list: string): string[] => parseCopilotAgentFile(`---\ndescription: d\ntools: ${list}\n---\nx`, file).tools;
      assert.deepEqual(tools("['read/readFile', 'search/textSearch', 'search/listDirectory']"), ['read_file', 'grep', 'list_files']);
      assert.deepEqual(tools("['codebase']"), ['grep', 'list_files', 'read_file']);
      assert.deepEqual(tools("['usages', 'agent-os-personas/propose_standard']"), ['grep', 'propose_standard']);
      assert.deepEqual(tools("['agent-os-personas/*']"), [...PERSONA_TOOLS]);
      assert.deepEqual(tools('[]'), [], 'an empty list means no tools');
      assert.deepEqual(parseCopilotAgentFile('---\ndescription: d\n---\nx', file).tools, [...PERSONA_TOOLS], 'absent means all');
    });

    it('maps display names to ids where it recognises them, else null with a note', () => {
      assert.deepEqual(modelFromCopilot('Claude Sonnet 4.5 (copilot)'), { model: 'claude-sonnet-4-5' });
      assert.deepEqual(modelFromCopilot('Claude Opus 4.1'), { model: 'claude-opus-4-1' });
      assert.deepEqual(modelFromCopilot(['GPT-5 (copilot)', 'Claude Haiku 4.5']), { model: 'claude-haiku-4-5' }, 'the first Anthropic model of a list');
      const gpt = modelFromCopilot('GPT-5.2');
      assert.equal(gpt.model, null);
      assert.match(gpt.note ?? '', /GPT-5\.2/);
      assert.equal(modelFromCopilot('Claude Sonnet 9.9').model, null, 'an unknown version is not guessed');
    });

    it('reports a missing description, an unsafe name and a missing fence at their lines', () => {
      assert.deepEqual(problem(() => parseCopilotAgentFile('---\nname: planner\n---\nx', file)), { file, line: 2, message: 'front matter needs a "description" (text)' });
      assert.equal(problem(() => parseCopilotAgentFile('---\ndescription: d\nname: Feature Builder\n---\nx', file)).line, 3);
      const badFileName = '/ws/.github/agents/My Agent.agent.md';
      assert.deepEqual(problem(() => parseCopilotAgentFile('---\ndescription: d\n---\nx', badFileName)).line, 1);
      assert.equal(problem(() => parseCopilotAgentFile('Plan it.\n', file)).line, 1);
    });
  });

  describe('our format (personas/<id>.md)', () => {
    it('keeps the file name as id, maps aliases and drops tools it does not have', () => {
      const p = parsePersonaFile('---\nname: Perf\ndescription: d\ntools: read_file, grep, Bash\nmodel: haiku\nspecialty: latency\n---\nx', '/x/perf.md', 'perf');
      assert.equal(p.id, 'perf');
      assert.equal(p.name, 'Perf');
      assert.deepEqual(p.tools, ['read_file', 'grep']);
      assert.equal(p.model, CLAUDE_MODEL_ALIASES['haiku']);
      assert.equal(p.specialty, 'latency');
      assert.equal(p.format, 'agent-os');
      assert.equal(p.notes.length, 1);
    });

    it('refuses a file name that is not a safe id, at line 1', () => {
      assert.equal(problem(() => parsePersonaFile('---\nname: n\ndescription: d\n---\nx', '/x/Bad Name.md', 'Bad Name')).line, 1);
      assert.equal(problem(() => parsePersonaFile('---\nname: n\ndescription: d\n---\nx', '/x/-dash.md', '-dash')).line, 1);
      assert.equal(parsePersonaFile('---\nname: n\ndescription: d\n---\nx', '/x/QA.md', 'QA').id, 'qa', 'lower-cased');
    });

    it('reads a file with a byte-order mark and an empty front matter reports the missing name', () => {
      assert.equal(parsePersonaFile('\uFEFF---\nname: n\ndescription: d\n---\nx', '/x/n.md', 'n').name, 'n');
      assert.equal(problem(() => parsePersonaFile('---\n---\nx', '/x/n.md', 'n')).line, 2);
    });
  });

  it('the default model setting is the model Claude Code means by sonnet, in the manifest and in code', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } };
    assert.equal(DEFAULT_ANTHROPIC_MODEL, CLAUDE_MODEL_ALIASES['sonnet']);
    assert.equal(manifest.contributes.configuration.properties['agentOsPersonas.model.name']?.default, DEFAULT_ANTHROPIC_MODEL);
  });

  describe('model names back to each format', () => {
    it('writes Claude aliases for the alias ids, inherit for null, and ids otherwise', () => {
      assert.equal(modelToClaude(null), 'inherit');
      assert.equal(modelToClaude(CLAUDE_MODEL_ALIASES['sonnet']!), 'sonnet');
      assert.equal(modelToClaude('claude-opus-4-1'), 'claude-opus-4-1');
    });

    it('writes Copilot display names that load back to the same id', () => {
      for (const id of ['claude-sonnet-4-5', 'claude-sonnet-4-0', 'claude-opus-5', CLAUDE_MODEL_ALIASES['haiku']!]) {
        const { value } = modelToCopilot(id);
        assert.ok(value, `${id} has a display name`);
        assert.equal(modelFromCopilot(value).model, id, `${value} loads back as ${id}`);
      }
      assert.equal(modelToCopilot('claude-sonnet-4-5-20250929').value, 'Claude Sonnet 4.5');
      assert.match(modelToCopilot('my-gateway-model').note ?? '', /no Copilot display name/);
    });
  });
});
