// What a newcomer tripped over in the editor, in the parts that are plain code: how a job's row
// reads at the default side-bar width, counts in words, the persona picker's order, which
// editors can be reviewed, and which jobs a reloaded window follows again.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countOf } from '../../src/core/plural';
import { newJobSummary } from '../../src/jobs/jobInput';
import type { JobSummary } from '../../src/jobs/types';
import { PersonaRegistry } from '../../src/personas/personaRegistry';
import { jobsToResume } from '../../src/ui/followedJobs';
import { jobRowText, jobTask, jobTitle, readableTask } from '../../src/ui/jobText';
import { CORE_ORDER, groupPersonas } from '../../src/ui/personaGroups';
import { isReviewableScheme } from '../../src/ui/reviewableDocument';
import { REPO_ROOT } from './tempDir';

function job(overrides: Partial<JobSummary> = {}): JobSummary {
  return { ...newJobSummary({ id: 'j1', persona: 'security', task: 'Review payments', contextNote: null, priority: 0, createdAt: 1, parentId: null, source: 'palette' }), ...overrides };
}

describe('newcomer fixes: the words the editor shows', () => {
  describe('a job row at the default side-bar width', () => {
    const running = job({ task: 'demo model review of the payment module [[demo:slow]]', status: 'running', phase: 'generating', percent: 28, etaMs: 12_800 });

    it('puts the task first and who and how far in the description', () => {
      const row = jobRowText(running);
      assert.equal(row.label, 'demo model review of the payment module');
      assert.equal(row.description, 'security · generating 28% · ~13s left');
    });

    it('shows a panel\'s persona and its state under the panel (they share its task)', () => {
      const row = jobRowText({ ...running, persona: 'architect', parentId: 'p1' });
      assert.deepEqual(row, { label: 'architect', description: 'generating 28% · ~13s left' });
      const panel = jobRowText(job({ persona: 'panel', task: 'Review before merge', status: 'running', message: '1 of 3 personas done' }));
      assert.deepEqual(panel, { label: 'Review before merge', description: 'panel · running · 1 of 3 personas done' });
    });

    it('hides the demo model\'s markers wherever the task is shown', () => {
      assert.equal(readableTask('[[demo:crawl]] Survive  a\nreload [[DEMO:529x1]]'), 'Survive a reload');
      assert.equal(jobTitle(running), 'security: demo model review of the payment module');
      assert.equal(jobTask({ task: `${'x'.repeat(100)} [[demo:slow]]` }, 20), `${'x'.repeat(19)}…`);
      assert.doesNotMatch(jobRowText(running).label, /\[\[/);
    });
  });

  describe('counts', () => {
    it('say "1 standard" and "2 standards"', () => {
      assert.equal(countOf(1, 'standard'), '1 standard');
      assert.equal(countOf(0, 'standard'), '0 standards');
      assert.equal(countOf(2, 'standard'), '2 standards');
      assert.equal(countOf(1, 'match', 'matches'), '1 match');
      assert.equal(countOf(3, 'match', 'matches'), '3 matches');
    });

    it('no "${n} standards" left in the UI and result sources', () => {
      // The message a person saw; the other counted words go through countOf too.
      const search = readFileSync(join(REPO_ROOT, 'src', 'ui', 'searchStandards.ts'), 'utf8');
      assert.doesNotMatch(search, /\$\{files\} standards/);
    });
  });

  describe('the persona picker', () => {
    it('lists the core team first in the design\'s order, then the specialists', () => {
      const registry = new PersonaRegistry([join(REPO_ROOT, 'personas')]);
      const { core, specialists } = groupPersonas(registry.list());
      registry.dispose();
      assert.deepEqual(core.map((p) => p.id), CORE_ORDER);
      assert.ok(specialists.length >= 5, `the shipped specialists: ${specialists.map((p) => p.id).join(', ')}`);
      assert.ok(specialists.every((p) => p.specialty !== null));
      assert.deepEqual(specialists.map((p) => p.id), [...specialists.map((p) => p.id)].sort());
    });

    it('puts a workspace\'s own core persona after the shipped ones, and keeps one that says it is a specialist there', () => {
      const p = (id: string, specialty: string | null = null): { id: string; specialty: string | null } => ({ id, specialty });
      const { core, specialists } = groupPersonas([p('zeta'), p('security'), p('alpha'), p('architect'), p('qa', 'specialist'), p('a11y', 'specialist')]);
      assert.deepEqual(core.map((x) => x.id), ['architect', 'security', 'alpha', 'zeta']);
      assert.deepEqual(specialists.map((x) => x.id), ['a11y', 'qa']);
    });
  });

  describe('the active file', () => {
    it('is a workspace file, a remote one or an untitled buffer; never an Output channel or a job result', () => {
      for (const scheme of ['file', 'vscode-remote', 'untitled']) assert.equal(isReviewableScheme(scheme), true, scheme);
      for (const scheme of ['output', 'agent-os-job', 'git', 'vscode-settings', 'walkThrough', 'debug']) assert.equal(isReviewableScheme(scheme), false, scheme);
    });
  });

  describe('jobs followed again after a reload', () => {
    it('follows the recorded jobs still queued or running, once each, and forgets the ended and the removed', () => {
      const jobs = new Map<string, JobSummary>([
        ['queued', job({ id: 'queued', status: 'queued' })],
        ['running', job({ id: 'running', status: 'running' })],
        ['done', job({ id: 'done', status: 'completed' })],
        ['failed', job({ id: 'failed', status: 'failed' })],
      ]);
      const { follow, forget } = jobsToResume(['queued', 'running', 'running', 'done', 'failed', 'gone'], (id) => jobs.get(id));
      assert.deepEqual(follow.map((j) => j.id), ['queued', 'running']);
      assert.deepEqual(forget, ['done', 'failed', 'gone']);
    });

    it('follows nothing that was not recorded (jobs from MCP or the CLI)', () => {
      const { follow } = jobsToResume([], () => job({ status: 'running' }));
      assert.deepEqual(follow, []);
    });
  });
});
