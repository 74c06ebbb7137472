import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FIXTURE, makeBranchFixture } from './branchFixture';
import { sarifValidator, type SarifLog } from './sarifSchema';
import { REPO_ROOT, useTempDir } from './tempDir';

interface ActionStep {
  id?: string;
  name?: string;
  uses?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = (): Action => parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as Action;

/** The review step: the one line that runs the CLI, and the environment it gets. */
function reviewStep(): ActionStep & { run: string; env: Record<string, string> } {
  const step = action().runs.steps.find((s) => s.id === 'review');
  assert.ok(step?.run && step.env, 'action.yml has a step with id "review", a run script and env');
  return step as ActionStep & { run: string; env: Record<string, string> };
}

/** The `node …/dist/cli.js review …` line of a script. */
const cliLine = (script: string): string => {
  const line = script.split('\n').find((l) => l.includes('dist/cli.js') && l.includes(' review '));
  assert.ok(line, `a CLI line in:\n${script}`);
  return line.trim().replace(/\s*\|\|.*$/, '');
};

/** Runs a bash script in `cwd` with `env` over this process's environment; its exit code and output. */
function bash(cwd: string, script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the GitHub Action (action.yml) and docs/ci.md', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('action.yml parses: a composite action with the inputs personas, base, fail-on, anthropic-api-key; inputs reach the script only through env', () => {
    const a = action();
    assert.equal(a.runs.using, 'composite');
    for (const input of ['personas', 'base', 'fail-on', 'anthropic-api-key']) assert.ok(a.inputs[input]?.description, `input ${input}`);
    assert.equal(a.inputs['fail-on']!.default, 'high');
    assert.ok(a.outputs['sarif-file']!.value.includes('steps.review.outputs.sarif-file'));
    for (const step of a.runs.steps) {
      if (step.run) {
        assert.equal(step.shell, 'bash', `${step.name ?? '?'}: composite run steps need a shell`);
        assert.doesNotMatch(step.run, /\$\{\{/, `${step.name ?? '?'}: no expression inside a script (script injection)`);
      }
    }
    const step = reviewStep();
    assert.equal(step.env['ANTHROPIC_API_KEY'], '${{ inputs.anthropic-api-key }}');
    assert.match(cliLine(step.run), /^node "\$GITHUB_ACTION_PATH\/dist\/cli\.js" review .*--base "\$base" --format sarif --output "\$INPUT_OUTPUT" --fail-on "\$INPUT_FAIL_ON"$/);
    assert.ok(a.runs.steps.some((s) => s.run?.includes('npm ci') && s.run.includes('npm run build')), 'the CLI is built from the action\'s checkout');
  });

  it('the review step\'s script, run as the action runs it on a pull request\'s checkout, writes valid SARIF of the changed lines and fails on fail-on', async () => {
    makeBranchFixture(tmp.path);
    const step = reviewStep();
    const inputs: Record<string, string> = { personas: 'security,engineer', 'fail-on': 'critical', 'anthropic-api-key': '' };
    // What the runner does with `env:`: each ${{ inputs.x }} becomes the input, or its default.
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(step.env)) {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(value)?.[1];
      assert.ok(input, `${name}: ${value} is an input`);
      env[name] = inputs[input] ?? action().inputs[input]?.default ?? '';
    }
    const outputs = join(tmp.path, 'github-output');
    const run = await bash(tmp.path, step.run, { ...env, GITHUB_ACTION_PATH: REPO_ROOT, GITHUB_BASE_REF: 'main', GITHUB_OUTPUT: outputs, AGENT_OS_PROVIDER: 'demo' });
    assert.equal(run.code, 2, `a critical finding on a changed line fails the step (stderr: ${run.stderr})`);
    assert.match(run.stdout, /::warning::anthropic-api-key is empty/);
    const written = readFileSync(outputs, 'utf8');
    const sarifFile = /^sarif-file=(.+)$/m.exec(written)?.[1];
    assert.equal(sarifFile, join(tmp.path, 'agent-os-personas.sarif'));
    assert.match(written, /^exit-code=2$/m);
    const log = JSON.parse(readFileSync(sarifFile, 'utf8')) as SarifLog;
    assert.deepEqual(sarifValidator()(log), []);
    assert.deepEqual(log.runs.map((r) => r.tool.driver.name), ['Agent OS Personas: security', 'Agent OS Personas: engineer']);
    const lines = log.runs.flatMap((r) => r.results.map((x) => x.locations?.[0]?.physicalLocation.region.startLine)).sort();
    assert.deepEqual(lines, [FIXTURE.changed.sql, FIXTURE.changed.credential, FIXTURE.changed.log].sort());

    const noBase = await bash(tmp.path, step.run, { ...env, GITHUB_ACTION_PATH: REPO_ROOT, GITHUB_BASE_REF: '', GITHUB_OUTPUT: outputs, AGENT_OS_PROVIDER: 'demo' });
    assert.equal(noBase.code, 3);
    assert.match(noBase.stdout, /::error::No base to compare with/);
  });

  it('docs/ci.md: a complete workflow that uses the action with its inputs, fetch-depth 0, security-events write and upload-sarif; its command line is the action\'s', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'ci.md'), 'utf8');
    const blocks = [...doc.matchAll(/```(\w+)\n([\s\S]*?)```/g)];
    const workflowText = blocks.find((b) => b[1] === 'yaml')?.[2];
    assert.ok(workflowText, 'a yaml block');
    const workflow = parse(workflowText) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { steps: ActionStep[] }> };
    assert.ok('pull_request' in workflow.on);
    assert.equal(workflow.permissions['security-events'], 'write');
    const steps = Object.values(workflow.jobs)[0]!.steps;
    assert.equal((steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with ?? {})['fetch-depth'], 0);
    const uses = steps.find((s) => s.uses?.startsWith('agent-os/agent-os-personas'));
    assert.ok(uses?.with, 'the workflow uses this repository\'s action');
    const known = Object.keys(action().inputs);
    for (const input of Object.keys(uses.with)) assert.ok(known.includes(input), `input ${input} exists in action.yml`);
    assert.equal(uses.with['anthropic-api-key'], '${{ secrets.ANTHROPIC_API_KEY }}');
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    assert.equal(upload?.with?.['sarif_file'], `\${{ steps.${uses.id ?? '?'}.outputs.sarif-file }}`);
    const shell = blocks.find((b) => b[1] === 'bash')?.[2] ?? '';
    assert.equal(cliLine(shell), cliLine(reviewStep().run), 'docs/ci.md shows the command line the action runs');
  });
});
