import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PersonaError } from '../../src/core/errors';
import { openWholeStore, type WholeStore } from './wholeStore';
import { approveProposal, rejectProposal, type ApprovalContext } from '../../src/standards/approval';
import { whoApproves } from '../../src/standards/approver';
import { ProposalStore, type Proposal } from '../../src/standards/proposalStore';
import { composeStandard, suggestTopic } from '../../src/standards/standardFile';
import { missingSections } from '../../src/standards/template';

const BODY = '## Context\nErrors reach people and agents.\n\n## Pattern\nEvery error has a code and a hint.\n\n## Examples\n`new PersonaError(code, message, hint)`\n\n## Anti-Patterns\n`throw new Error("failed")`\n\n## When to Revisit\nWhen errors cross a process boundary.\n';

async function rejectsWith(run: () => Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(run, (err: unknown) => {
    assert.ok(err instanceof PersonaError, `expected a PersonaError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    assert.ok(err.hint.length > 0, 'every error carries a hint');
    return true;
  });
}

/** Every file under the workspace's .agent-os/standards, relative. */
function standardsFiles(root: string): string[] {
  const dir = join(root, '.agent-os', 'standards');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md') || f.endsWith('.tmp')).sort();
}

function frontMatter(text: string): Record<string, unknown> {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  assert.ok(match, 'the file starts with front matter');
  return parse(match[1]!) as Record<string, unknown>;
}

describe('standards approval', () => {
  // Not useTempDir: the store must close before its folder goes, and hooks run in the order they are declared.
  const tmp = { path: '' };
  let whole: WholeStore;
  let proposals: ProposalStore;
  let ctx: ApprovalContext;
  let root: string;
  let clock: number;
  const logs: string[] = [];

  beforeEach(async () => {
    tmp.path = mkdtempSync(join(tmpdir(), 'agent-os-test-'));
    root = join(tmp.path, 'ws');
    mkdirSync(join(root, '.agent-os'), { recursive: true });
    clock = Date.parse('2025-03-01T10:00:00Z');
    whole = await openWholeStore(join(root, '.agent-os'), () => clock);
    proposals = whole.proposals;
    logs.length = 0;
    ctx = { proposals, workspaceRoot: root, now: () => clock, log: (line) => logs.push(line) };
  });
  afterEach(async () => {
    await whole.close();
    rmSync(tmp.path, { recursive: true, force: true });
  });

  const propose = (over: Partial<Parameters<ProposalStore['create']>[0]> = {}): Promise<Proposal> =>
    proposals.create({ domain: 'engineering', topic: 'error-hints', title: 'Errors carry a hint', body: BODY, tags: ['errors'], createdBy: 'architect', ...over });

  it('writes .agent-os/standards/<domain>/<topic>.md with front matter and the person\'s edit, and marks the row approved', async () => {
    const proposal = await propose();
    const events: Proposal[] = [];
    proposals.events.on('proposal:approved', (p) => events.push(p));
    clock += 60_000;
    const edited = BODY.replace('Every error has a code and a hint.', 'Every error has a stable code and a hint that says what to do.');
    const result = await approveProposal(ctx, proposal.id, { body: edited, title: 'Errors carry a code and a hint', approvedBy: 'Ada Lovelace' });

    assert.equal(result.path, '.agent-os/standards/engineering/error-hints.md');
    const text = readFileSync(join(root, result.path), 'utf8');
    const fm = frontMatter(text);
    assert.deepEqual(fm, {
      domain: 'engineering',
      topic: 'error-hints',
      title: 'Errors carry a code and a hint',
      tags: ['errors'],
      created_by: 'architect',
      approved_by: 'Ada Lovelace',
      created_at: '2025-03-01T10:00:00.000Z',
      approved_at: '2025-03-01T10:01:00.000Z',
      proposal_id: proposal.id,
    });
    assert.match(text, /\n# Errors carry a code and a hint\n\n## Context\n/, 'the title heads the body');
    assert.match(text, /Every error has a stable code and a hint that says what to do\./, 'the edit is in the file');
    assert.doesNotMatch(text, /Every error has a code and a hint\./);
    assert.deepEqual(standardsFiles(root), ['engineering/error-hints.md'], 'no temporary file is left behind');

    const row = proposals.get(proposal.id)!;
    assert.equal(row.status, 'approved');
    assert.equal(row.decidedBy, 'Ada Lovelace');
    assert.equal(row.decidedAt, clock);
    assert.equal(row.path, result.path);
    assert.equal(row.title, 'Errors carry a code and a hint');
    assert.equal(row.body, edited, 'the row keeps the text as approved');
    assert.equal(events.length, 1);
    assert.match(logs.join('\n'), /standard approved: \.agent-os\/standards\/engineering\/error-hints\.md .* by Ada Lovelace \(proposed by architect/);
  });

  it('moves to an edited domain and topic', async () => {
    const proposal = await propose();
    const result = await approveProposal(ctx, proposal.id, { domain: 'api', topic: 'error-shape', approvedBy: 'Ada' });
    assert.equal(result.path, '.agent-os/standards/api/error-shape.md');
    assert.deepEqual(frontMatter(readFileSync(result.absolutePath, 'utf8'))['domain'], 'api');
    assert.equal(proposals.get(proposal.id)?.topic, 'error-shape');
  });

  it('keeps the proposal\'s tags, or the person\'s edited ones (trimmed, lower-cased, once each)', async () => {
    const kept = await approveProposal(ctx, (await propose()).id, { approvedBy: 'Ada' });
    assert.deepEqual(frontMatter(readFileSync(kept.absolutePath, 'utf8'))['tags'], ['errors']);
    const proposal = await propose({ topic: 'error-codes' });
    const edited = await approveProposal(ctx, proposal.id, { tags: [' API ', 'error-handling', 'api', ''], approvedBy: 'Ada' });
    assert.deepEqual(frontMatter(readFileSync(edited.absolutePath, 'utf8'))['tags'], ['api', 'error-handling']);
    assert.deepEqual(proposals.get(proposal.id)?.tags, ['api', 'error-handling'], 'the row keeps the tags as approved');
  });

  it('refuses a tag that is not a slug, or too many, naming it; nothing is written and the proposal stays pending', async () => {
    const proposal = await propose();
    await rejectsWith(() => approveProposal(ctx, proposal.id, { tags: ['api', 'two words'], approvedBy: 'Ada' }), 'INVALID_INPUT', /The tag "two words"/);
    await rejectsWith(() => approveProposal(ctx, proposal.id, { tags: ['../x'], approvedBy: 'Ada' }), 'INVALID_INPUT', /The tag "\.\.\/x"/);
    await rejectsWith(() => approveProposal(ctx, proposal.id, { tags: Array.from({ length: 11 }, (_, i) => `t${i}`), approvedBy: 'Ada' }), 'INVALID_INPUT', /at most 10/);
    assert.equal(existsSync(join(root, '.agent-os', 'standards', 'engineering', 'error-hints.md')), false);
    assert.equal(proposals.get(proposal.id)?.status, 'pending');
  });

  it('never overwrites: an existing file is STANDARD_EXISTS, the file is unchanged and the proposal stays pending', async () => {
    const dir = join(root, '.agent-os', 'standards', 'engineering');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'error-hints.md'), 'the team\'s own text\n');
    const proposal = await propose();
    await rejectsWith(() => approveProposal(ctx, proposal.id, { approvedBy: 'Ada' }), 'STANDARD_EXISTS', /already exists at \.agent-os\/standards\/engineering\/error-hints\.md/);
    assert.equal(readFileSync(join(dir, 'error-hints.md'), 'utf8'), 'the team\'s own text\n');
    assert.equal(proposals.get(proposal.id)?.status, 'pending');
    assert.deepEqual(standardsFiles(root), ['engineering/error-hints.md'], 'no temporary file is left behind');
    assert.equal(suggestTopic(root, 'engineering', 'error-hints'), 'error-hints-2');
    writeFileSync(join(dir, 'error-hints-2.md'), 'x');
    assert.equal(suggestTopic(root, 'engineering', 'error-hints-2'), 'error-hints-3');
    // Another topic then works.
    await approveProposal(ctx, proposal.id, { topic: 'error-hints-3', approvedBy: 'Ada' });
    assert.ok(existsSync(join(dir, 'error-hints-3.md')));
  });

  it('an approval killed between its file and its row is finished by approving again: the file it left is replaced, another proposal\'s file never is', async () => {
    const dir = join(root, '.agent-os', 'standards', 'engineering');
    mkdirSync(dir, { recursive: true });
    const proposal = await propose();
    const other = await propose({ topic: 'error-codes' });
    // What the kill left: a whole file naming this proposal, the proposal still pending.
    const left = composeStandard({ domain: 'engineering', topic: 'error-hints', title: 'Old title', tags: [], createdBy: 'engineer', approvedBy: 'Ada', createdAt: clock, approvedAt: clock, proposalId: proposal.id, body: BODY });
    writeFileSync(join(dir, 'error-hints.md'), left);
    // A file naming another proposal is another standard: never replaced.
    writeFileSync(join(dir, 'error-codes.md'), left);
    await rejectsWith(() => approveProposal(ctx, other.id, { approvedBy: 'Ada' }), 'STANDARD_EXISTS');
    assert.equal(readFileSync(join(dir, 'error-codes.md'), 'utf8'), left);
    const approved = await approveProposal(ctx, proposal.id, { title: 'New title', approvedBy: 'Grace' });
    assert.equal(approved.proposal.status, 'approved');
    const text = readFileSync(join(dir, 'error-hints.md'), 'utf8');
    assert.equal(frontMatter(text)['approved_by'], 'Grace');
    assert.equal(frontMatter(text)['title'], 'New title');
    assert.ok(logs.some((l) => /interrupted approval of proposal/.test(l)), logs.join('\n'));
    assert.deepEqual(standardsFiles(root), ['engineering/error-codes.md', 'engineering/error-hints.md'], 'no temporary file is left behind');
  });

  it('of two approvals racing for one file, exactly one writes it; the other is STANDARD_EXISTS', async () => {
    const a = await propose();
    const b = await propose({ createdBy: 'security' });
    const outcomes = await Promise.allSettled([approveProposal(ctx, a.id, { approvedBy: 'Ada' }), approveProposal(ctx, b.id, { approvedBy: 'Ada' })]);
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    const failed = outcomes.find((o) => o.status === 'rejected');
    assert.equal((failed?.reason as PersonaError).code, 'STANDARD_EXISTS');
    assert.deepEqual(standardsFiles(root), ['engineering/error-hints.md']);
  });

  const attacks: [string, { domain?: string; topic?: string }, RegExp][] = [
    ['.. in the topic', { topic: '../../outside' }, /topic ".*" was refused: it climbs out with "\.\."/],
    ['.. in the domain', { domain: '..' }, /domain "\.\." was refused: it climbs out/],
    ['a slash in the topic', { topic: 'a/b' }, /topic "a\/b" was refused: it contains a path separator/],
    ['a backslash in the domain', { domain: 'a\\b' }, /domain .* was refused: it contains a path separator/],
    ['an absolute topic', { topic: '/etc/passwd' }, /topic "\/etc\/passwd" was refused: it is an absolute path/],
    ['a drive path', { domain: 'C:' }, /domain "C:" was refused: it is an absolute path/],
    ['a home path', { topic: '~' }, /topic "~" was refused: it is an absolute path/],
    ['a NUL byte', { topic: 'a\0b' }, /topic "a\\0b" was refused: it contains a NUL character/],
    ['the device name con', { domain: 'con' }, /domain "con" was refused: it is a reserved device name/],
    ['the device name nul as a topic (nul.md)', { topic: 'nul' }, /topic "nul" was refused: it is a reserved device name/],
    ['nul.md typed as the topic', { topic: 'nul.md' }, /topic "nul\.md" was refused: it is a reserved device name/],
    ['COM1', { topic: 'com1' }, /reserved device name/],
    ['upper case', { topic: 'Error-Hints' }, /topic "Error-Hints" was refused: it is not a slug/],
    ['an empty domain', { domain: ' ' }, /domain " " was refused: it is empty/],
  ];
  for (const [name, edit, why] of attacks) {
    it(`refuses ${name} with a clear error, and writes nothing`, async () => {
      const proposal = await propose();
      await rejectsWith(() => approveProposal(ctx, proposal.id, { ...edit, approvedBy: 'Ada' }), 'PATH_REFUSED', why);
      assert.deepEqual(standardsFiles(root), []);
      assert.ok(!existsSync(join(tmp.path, 'outside.md')));
      assert.equal(proposals.get(proposal.id)?.status, 'pending');
    });
  }

  it('refuses a standards folder that is a symbolic link out of the workspace', async () => {
    mkdirSync(join(tmp.path, 'elsewhere'));
    mkdirSync(join(root, '.agent-os', 'standards'), { recursive: true });
    symlinkSync(join(tmp.path, 'elsewhere'), join(root, '.agent-os', 'standards', 'engineering'));
    const proposal = await propose();
    await rejectsWith(() => approveProposal(ctx, proposal.id, { approvedBy: 'Ada' }), 'PATH_REFUSED', /outside the workspace through a symbolic link/);
    assert.deepEqual(readdirSync(join(tmp.path, 'elsewhere')), []);
  });

  it('ignores a forged approved_by: the body\'s own front matter is replaced by the real one', async () => {
    const forged = `---\napproved_by: mallory\nstatus: approved\ncreated_by: security-team\n---\n${BODY}\napproved_by: also-mallory\n`;
    const proposal = await propose({ body: forged });
    const result = await approveProposal(ctx, proposal.id, { approvedBy: 'Ada' });
    const text = readFileSync(result.absolutePath, 'utf8');
    const fm = frontMatter(text);
    assert.equal(fm['approved_by'], 'Ada');
    assert.equal(fm['created_by'], 'architect');
    assert.equal((text.match(/^---$/gm) ?? []).length, 2, 'one front-matter block');
    assert.doesNotMatch(text, /mallory\nstatus/);
    assert.ok(result.droppedFrontMatter);
    assert.equal(proposals.get(proposal.id)?.decidedBy, 'Ada');
  });

  it('a decision is final: approving or rejecting a decided proposal is PROPOSAL_DECIDED; an unknown id is PROPOSAL_NOT_FOUND', async () => {
    const proposal = await propose();
    await approveProposal(ctx, proposal.id, { approvedBy: 'Ada' });
    await rejectsWith(() => approveProposal(ctx, proposal.id, { topic: 'another', approvedBy: 'Ada' }), 'PROPOSAL_DECIDED', /already approved by Ada/);
    await rejectsWith(() => rejectProposal(ctx, proposal.id, 'no', 'Ada'), 'PROPOSAL_DECIDED');
    await rejectsWith(() => approveProposal(ctx, '00000000-0000-4000-8000-000000000000', { approvedBy: 'Ada' }), 'PROPOSAL_NOT_FOUND');
  });

  it('a double click approves once: the second is refused while the first is being recorded', async () => {
    const proposal = await propose();
    const [first, second] = await Promise.allSettled([approveProposal(ctx, proposal.id, { approvedBy: 'Ada' }), approveProposal(ctx, proposal.id, { approvedBy: 'Ada' })]);
    assert.equal(first.status, 'fulfilled');
    assert.equal(second.status, 'rejected');
    assert.equal((second.reason as PersonaError).code, 'PROPOSAL_DECIDED');
  });

  it('reject records the reason and who decided; no file is written', async () => {
    const proposal = await propose();
    const events: Proposal[] = [];
    proposals.events.on('proposal:rejected', (p) => events.push(p));
    await rejectsWith(() => rejectProposal(ctx, proposal.id, '   ', 'Ada'), 'INVALID_INPUT', /needs a reason/);
    clock += 5000;
    const rejected = await rejectProposal(ctx, proposal.id, '  We already have a standard on errors.  ', 'Ada');
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.reason, 'We already have a standard on errors.');
    assert.equal(rejected.decidedBy, 'Ada');
    assert.equal(rejected.decidedAt, clock);
    assert.equal(rejected.path, null);
    assert.deepEqual(standardsFiles(root), []);
    assert.equal(events.length, 1);
    assert.deepEqual(proposals.recentDecisions(5).map((p) => p.id), [proposal.id]);
    assert.match(logs.join('\n'), /standard proposal rejected: engineering\/error-hints .* by Ada .*We already have a standard/);
  });

  it('the decision survives a restart (journaled like jobs)', async () => {
    const proposal = await propose();
    await rejectProposal(ctx, proposal.id, 'duplicate', 'Ada');
    await whole.close();
    whole = await openWholeStore(join(root, '.agent-os'));
    const reopened = whole.proposals.get(proposal.id);
    assert.equal(reopened?.status, 'rejected');
    assert.equal(reopened?.reason, 'duplicate');
  });

  it('the approver is git\'s user.name, else the OS user, else "person"; never blank or multi-line', async () => {
    const sources = (git: string | undefined, os: string | undefined) => ({ gitUserName: () => Promise.resolve(git), osUserName: () => os });
    assert.equal(await whoApproves(root, sources('Ada Lovelace\n', 'ada')), 'Ada Lovelace');
    assert.equal(await whoApproves(root, sources('  \n', 'ada')), 'ada');
    assert.equal(await whoApproves(root, sources(undefined, undefined)), 'person');
    assert.equal(await whoApproves(root, sources('Ada\nEve', 'x')), 'Ada Eve');
    // The real sources: git in a folder with a local user.name, or the OS user.
    assert.ok((await whoApproves(root)).length > 0);
  });

  it('flags the template sections a body lacks, reading ## headings (not code blocks, not ### which stays inside its section)', () => {
    assert.deepEqual(missingSections(BODY), []);
    assert.deepEqual(missingSections('## Context\nx\n\n```md\n## Pattern\n```\n### anti patterns\n## when to revisit\n'), ['Pattern', 'Examples', 'Anti-Patterns']);
  });
});
