import assert from 'node:assert/strict';
import { DEFAULT_TASK, mentionsChanges, parseChatRequest, recommendedSpecialists, withoutReferences } from '../../src/ui/chatRequest';

const IDS = ['architect', 'engineer', 'data', 'qa', 'security', 'sre', 'workflow-executor', 'accessibility', 'code-reviewer', 'database'];

describe('reading a @personas chat request', () => {
  it('a core persona command asks that persona with the words as the task', () => {
    assert.deepEqual(parseChatRequest({ command: 'security', prompt: ' review payments ' }, IDS), { kind: 'persona', persona: 'security', task: 'review payments' });
    assert.deepEqual(parseChatRequest({ command: 'sre', prompt: '' }, IDS), { kind: 'persona', persona: 'sre', task: DEFAULT_TASK });
  });

  it('without a command, a first word naming a loaded persona asks it', () => {
    assert.deepEqual(parseChatRequest({ command: undefined, prompt: 'accessibility check this page' }, IDS), { kind: 'persona', persona: 'accessibility', task: 'check this page' });
    assert.deepEqual(parseChatRequest({ command: undefined, prompt: 'Code-Reviewer' }, IDS), { kind: 'persona', persona: 'code-reviewer', task: DEFAULT_TASK });
  });

  it('an unknown first word or an empty prompt is answered with help, naming what was said', () => {
    assert.deepEqual(parseChatRequest({ command: undefined, prompt: 'pentester look at this' }, IDS), { kind: 'help', said: 'pentester' });
    assert.deepEqual(parseChatRequest({ command: undefined, prompt: '   ' }, IDS), { kind: 'help', said: undefined });
    assert.deepEqual(parseChatRequest({ command: undefined, prompt: 'what is 2+2?' }, IDS), { kind: 'help', said: 'what' });
    assert.deepEqual(parseChatRequest({ command: 'nope', prompt: 'x' }, IDS), { kind: 'help', said: '/nope' });
  });

  it('/panel takes leading persona ids when two or more are named, else the default panel', () => {
    assert.deepEqual(parseChatRequest({ command: 'panel', prompt: 'qa sre review the retry loop' }, IDS), { kind: 'panel', personas: ['qa', 'sre'], task: 'review the retry loop' });
    assert.deepEqual(parseChatRequest({ command: 'panel', prompt: 'security of the login' }, IDS), { kind: 'panel', personas: undefined, task: 'security of the login' });
  });

  it('/workflow names the workflow first; /standards takes the words as the query', () => {
    assert.deepEqual(parseChatRequest({ command: 'workflow', prompt: 'code-review_v1 the retry logic' }, IDS), { kind: 'workflow', workflowId: 'code-review_v1', task: 'the retry logic' });
    assert.deepEqual(parseChatRequest({ command: 'workflow', prompt: '' }, IDS), { kind: 'workflow', workflowId: undefined, task: '' });
    assert.deepEqual(parseChatRequest({ command: 'standards', prompt: 'sql injection' }, IDS), { kind: 'standards', query: 'sql injection' });
  });

  it('"changes" or #changes asks for the git changes; "exchanges" does not', () => {
    assert.equal(mentionsChanges('review my changes'), true);
    assert.equal(mentionsChanges('#changes please'), true);
    assert.equal(mentionsChanges('currency exchanges'), false);
    assert.equal(mentionsChanges('review payments'), false);
  });

  it('drops the text of attached references from the prompt', () => {
    const prompt = 'review #file:src/payments.ts for secrets';
    const ref = '#file:src/payments.ts';
    assert.equal(withoutReferences(prompt, [[prompt.indexOf(ref), prompt.indexOf(ref) + ref.length]]), 'review for secrets');
    assert.equal(withoutReferences('a #x b #y', [[2, 4], [7, 9]]), 'a b');
  });

  it('finds the recommended specialists among the loaded personas, without the reviewer itself', () => {
    const section = '**database** for indexes; **code-reviewer** for a pass; **security** again; **performance** (not loaded).';
    assert.deepEqual(recommendedSpecialists(section, IDS, 'security'), ['database', 'code-reviewer']);
    assert.deepEqual(recommendedSpecialists('None', IDS, 'qa'), []);
    assert.deepEqual(recommendedSpecialists(null, IDS, 'qa'), []);
  });
});
