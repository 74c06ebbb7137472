// Export round trip: a persona written as a Claude Code subagent or a Copilot custom agent loads
// back with the same name, description, prompt and tools.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseClaudeAgentFile, parseCopilotAgentFile } from '../../src/personas/agentFiles';
import { exportPersona, type PersonaExportFormat } from '../../src/personas/personaExport';
import type { Persona } from '../../src/personas/personaFile';
import { PersonaRegistry } from '../../src/personas/personaRegistry';
import { personaSources } from '../../src/personas/personaSources';
import { CLAUDE_MODEL_ALIASES } from '../../src/personas/modelNames';
import { REPO_ROOT, useTempDir } from './tempDir';

const FORMATS: PersonaExportFormat[] = ['claude', 'copilot'];

function persona(overrides: Partial<Persona> = {}): Persona {
  return {
    id: 'reviewer',
    name: 'reviewer',
    description: 'Reviews: "quotes", colons: and # hashes',
    tools: ['read_file', 'grep', 'list_files', 'search_standards', 'propose_standard'],
    model: null,
    specialty: null,
    systemPrompt: '# Reviewer\n\n---\nA body with a fence-like line.',
    source: '/x/reviewer.md',
    format: 'agent-os',
    notes: [],
    ...overrides,
  };
}

function load(format: PersonaExportFormat, text: string, relativePath: string): Persona {
  const file = join('/ws', relativePath);
  return format === 'claude' ? parseClaudeAgentFile(text, file) : parseCopilotAgentFile(text, file);
}

describe('persona export', () => {
  const tmp = useTempDir();

  it('round-trips every shipped persona through both formats', () => {
    const shipped = new PersonaRegistry([join(REPO_ROOT, 'personas')]).list();
    assert.ok(shipped.length >= 3);
    for (const p of shipped) {
      for (const format of FORMATS) {
        const out = exportPersona(p, format);
        const back = load(format, out.text, out.relativePath);
        const what = `${p.id} as ${format}`;
        assert.equal(back.id, p.id, what);
        assert.equal(back.name, p.name, what);
        assert.equal(back.description, p.description, what);
        assert.equal(back.systemPrompt, p.systemPrompt, what);
        assert.deepEqual(back.tools, p.tools, what);
        assert.deepEqual(back.notes, [], `${what}: nothing dropped on the way back`);
      }
    }
  });

  it('writes each format where its tool looks, with its own tool and model names', () => {
    const claude = exportPersona(persona({ model: CLAUDE_MODEL_ALIASES['opus']! }), 'claude');
    assert.equal(claude.relativePath, '.claude/agents/reviewer.md');
    assert.match(claude.text, /^---\nname: reviewer\n/);
    assert.match(claude.text, /\ntools: Read, Grep, Glob, mcp__agent-os-personas__search_standards, mcp__agent-os-personas__propose_standard\n/);
    assert.match(claude.text, /\nmodel: opus\n/);
    const copilot = exportPersona(persona({ model: 'claude-sonnet-4-5' }), 'copilot');
    assert.equal(copilot.relativePath, '.github/agents/reviewer.agent.md');
    assert.match(copilot.text, /\ntools: \[ read\/readFile, search\/textSearch, search\/listDirectory, agent-os-personas\/search_standards, agent-os-personas\/propose_standard \]\n/);
    assert.match(copilot.text, /\nmodel: Claude Sonnet 4\.5\n/);
    assert.equal(load('copilot', copilot.text, copilot.relativePath).model, 'claude-sonnet-4-5');
    assert.equal(load('claude', claude.text, claude.relativePath).model, CLAUDE_MODEL_ALIASES['opus']);
  });

  it('keeps an empty tool list empty, and says what a format cannot hold', () => {
    for (const format of FORMATS) {
      const out = exportPersona(persona({ tools: [] }), format);
      assert.deepEqual(load(format, out.text, out.relativePath).tools, [], `${format}: no tools stays no tools`);
    }
    const named = exportPersona(persona({ name: 'Code Reviewer', specialty: 'latency', model: 'gateway-model' }), 'copilot');
    assert.match(named.text, /\nname: reviewer\n/);
    assert.equal(named.notes.length, 3, named.notes.join('\n'));
    assert.doesNotMatch(named.text, /\nmodel:/);
    const cased = exportPersona(persona({ name: 'Reviewer' }), 'copilot');
    assert.match(cased.text, /\nname: Reviewer\n/, 'a name that lower-cases to the id is kept as written');
    assert.deepEqual(cased.notes, []);
  });

  it('an exported file overrides the persona it came from in the registry', () => {
    const ext = join(tmp.path, 'ext');
    const ws = join(tmp.path, 'ws');
    mkdirSync(join(ext, 'personas'), { recursive: true });
    writeFileSync(join(ext, 'personas', 'reviewer.md'), exportPersonaSource(persona()));
    const registry = new PersonaRegistry(personaSources(ext, ws));
    for (const format of FORMATS) {
      const out = exportPersona(registry.require('reviewer'), format);
      const file = join(ws, ...out.relativePath.split('/'));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, out.text);
    }
    registry.reload();
    const loaded = registry.require('reviewer');
    assert.equal(loaded.format, 'copilot', 'the Copilot file is the last source');
    assert.equal(loaded.systemPrompt, persona().systemPrompt);
    assert.deepEqual(registry.problems, []);
  });
});

function exportPersonaSource(p: Persona): string {
  return `---\nname: ${p.name}\ndescription: '${p.description}'\ntools: ${p.tools.join(', ')}\n---\n${p.systemPrompt}\n`;
}
