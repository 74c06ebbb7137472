import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_ERROR_CODES } from '../../src/core/errors';
import { FINDING_ERROR_CODES } from '../../src/findings/findingErrors';
import { JOB_ERROR_CODES } from '../../src/jobs/jobErrors';
import { PERSONA_ERROR_CODES } from '../../src/personas/personaErrors';
import { STANDARD_ERROR_CODES } from '../../src/standards/standardErrors';
import { WORKFLOW_ERROR_CODES } from '../../src/workflows/workflowErrors';
import { REPO_ROOT } from './tempDir';

/** Every code a user or an agent can meet, as of the move of the codes to their domains. */
export const EVERY_CODE = [
  'NO_WORKSPACE', 'INVALID_INPUT', 'PATH_REFUSED', 'CANCELLED', 'INTERNAL',
  'JOB_NOT_FOUND', 'INVALID_TRANSITION', 'STORE_NEWER_VERSION', 'STORE_CORRUPT', 'STORE_CLOSED', 'STORE_LOCKED', 'STORE_FULL', 'STORE_DISK_FULL', 'JOB_INTERRUPTED', 'WORKER_CRASHED', 'JOB_TIMEOUT', 'TOOL_TIMEOUT',
  'NO_API_KEY', 'BAD_API_KEY', 'MODEL_NOT_FOUND', 'MODEL_BAD_REQUEST', 'MODEL_RATE_LIMITED', 'MODEL_OVERLOADED', 'MODEL_CONTEXT_TOO_LONG', 'MODEL_UNREACHABLE', 'MODEL_TIMEOUT', 'MODEL_ERROR', 'MODEL_UNAVAILABLE', 'NO_CHAT_MODEL', 'MODEL_NO_PERMISSION', 'MODEL_BLOCKED', 'UNKNOWN_PERSONA', 'TOOL_ERROR', 'PANEL_FAILED',
  'STANDARD_EXISTS', 'PROPOSAL_NOT_FOUND', 'PROPOSAL_DECIDED',
  'UNKNOWN_WORKFLOW', 'WORKFLOW_SESSION_NOT_FOUND', 'WORKFLOW_PHASE_MISMATCH', 'WORKFLOW_NOT_ACTIVE', 'WORKFLOW_TASK_NOT_FOUND', 'EVIDENCE_REFUSED', 'EVIDENCE_TOO_LARGE',
  'SUPPRESSIONS_INVALID',
];

const TABLES: Record<string, Record<string, string>> = { core: CORE_ERROR_CODES, jobs: JOB_ERROR_CODES, personas: PERSONA_ERROR_CODES, standards: STANDARD_ERROR_CODES, workflows: WORKFLOW_ERROR_CODES, findings: FINDING_ERROR_CODES };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('error codes live with their domain', () => {
  it('the domains\' tables together hold every code, each once, each with a meaning', () => {
    const all = Object.entries(TABLES).flatMap(([domain, table]) => Object.entries(table).map(([code, meaning]) => ({ domain, code, meaning })));
    assert.deepEqual(all.map((e) => e.code).sort(), [...EVERY_CODE].sort(), 'no code was lost or added without a test');
    assert.equal(new Set(all.map((e) => e.code)).size, all.length, 'no code is in two tables');
    for (const e of all) assert.ok(e.meaning.length > 20, `${e.domain} ${e.code} says what it means`);
  });

  it('every code the source throws or records is in a table', () => {
    const known = new Set(EVERY_CODE);
    const used = new Set<string>();
    for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/PersonaError\('([A-Z_]+)'|code: '([A-Z_]+)'/g)) used.add((m[1] ?? m[2])!);
    }
    assert.ok(used.size > 25, `found ${used.size} codes in src`);
    for (const code of used) assert.ok(known.has(code), `${code} is thrown in src but in no domain's table`);
  });
});
