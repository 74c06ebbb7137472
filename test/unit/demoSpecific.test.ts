import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { formatContext, formatDiff, formatSources } from '../../src/personas/context';
import { DemoModelServer } from '../../src/personas/demoModel/server';
import { proposeFromFindings } from '../../src/personas/demoModel/proposals';
import { reviewFindings, writeReview } from '../../src/personas/demoModel/reviews';
import { STANDARD_PROPOSAL_FIELDS } from '../../src/personas/tools/proposeStandard';
import { settledJob } from './settledJob';
import { startDemoServices } from './demoServices';
import { REPO_ROOT, useTempDir } from './tempDir';

const sample = (name: string): string => readFileSync(join(REPO_ROOT, 'sample-workspace', 'src', name), 'utf8');
const PAYMENTS = sample('payments.ts');
const ORDERS = sample('orders.ts');

/** The user message the persona runner sends: the task, `---`, then the context as the editor formats it. */
const ask = (task: string, context: string): string => (context ? `${task}\n---\n${context}` : task);
const file = (path: string, text: string): string => formatContext({ path, text, startLine: 1, kind: 'file' }, 60_000).context;
const summaryOf = (review: string): string => review.split('## Summary\n\n')[1]!.split('\n')[0]!;
const citedFiles = (review: string): string[] => [...new Set([...review.matchAll(/\*\*Evidence:\*\* `([^`:]+):\d+`/g)].map((m) => m[1]!))];

describe('the demo model is specific to the code it read', () => {
  describe('summaries name what was reviewed and where the findings are', () => {
    it('src/payments.ts (the sample workspace): the summary names that file only, and asks for no attachment', () => {
      const review = writeReview({ persona: 'security', userText: ask('Review payments', file('src/payments.ts', PAYMENTS)) });
      const summary = summaryOf(review);
      assert.match(summary, /^Reviewed 23 lines of `src\/payments\.ts` for: "Review payments"\. 2 findings, most severe first\.$/);
      assert.deepEqual(citedFiles(review), ['src/payments.ts']);
      assert.doesNotMatch(review, /orders\.ts/);
      assert.doesNotMatch(review, /Attach a file or selection/);
    });

    it('two files, findings in both: the summary names both files read and both files cited', () => {
      const context = formatSources([{ path: 'src/orders.ts', text: ORDERS, startLine: 1, kind: 'file' }, { path: 'src/payments.ts', text: PAYMENTS, startLine: 1, kind: 'file' }], 60_000).context;
      const review = writeReview({ persona: 'security', userText: ask('Review the checkout', context) });
      const summary = summaryOf(review);
      assert.match(summary, /lines of `src\/orders\.ts` and `src\/payments\.ts`/);
      assert.deepEqual(citedFiles(review).sort(), ['src/orders.ts', 'src/payments.ts']);
      assert.match(summary, /3 findings in `src\/payments\.ts` and `src\/orders\.ts`, most severe first/, 'the files cited, most severe finding\'s first');
    });

    it('another file with nothing to find: says nothing matched in that file, never "attach a file"', () => {
      const review = writeReview({ persona: 'accessibility', userText: ask('Check this', file('src/orders.ts', ORDERS)) });
      assert.match(summaryOf(review), /^Reviewed 36 lines of `src\/orders\.ts` for: "Check this"\. No findings\.$/);
      assert.match(review, /No accessibility issues matched in the 36 lines of `src\/orders\.ts`\./);
      assert.doesNotMatch(review, /Attach a file or selection/);
    });

    it('a selection: names the file and the lines selected; findings cite lines inside the selection', () => {
      const selection = PAYMENTS.split('\n').slice(5, 16).join('\n');
      const context = formatContext({ path: 'src/payments.ts', text: selection, startLine: 6, kind: 'selection' }, 60_000).context;
      const review = writeReview({ persona: 'engineer', userText: ask('Is this right?', context) });
      assert.match(summaryOf(review), /^Reviewed 11 lines of `src\/payments\.ts` \(selection, lines 6-16\) for: "Is this right\?"\. 1 finding, most severe first\.$/);
      assert.match(review, /`src\/payments\.ts:14` — `\} catch \(e\) \{\}`/);
    });

    it('git changes: names each changed file as changes against HEAD', () => {
      const diff = [
        'diff --git a/src/config.ts b/src/config.ts',
        '--- a/src/config.ts',
        '+++ b/src/config.ts',
        '@@ -1,2 +1,3 @@',
        ' export const region = "eu";',
        '+export const apiKey = "sk-live-abcdef123456";',
        ' export const retries = 3;',
      ].join('\n');
      const review = writeReview({ persona: 'security', userText: ask('Review my change', formatDiff(diff, 60_000).context) });
      assert.match(summaryOf(review), /^Reviewed 3 lines of `src\/config\.ts` \(changes against HEAD\) for: "Review my change"\. 1 finding, most severe first\.$/);
      assert.match(review, /`src\/config\.ts:2`/);
    });

    it('no context: answers in general terms and, only then, asks for a file or selection', () => {
      const review = writeReview({ persona: 'security', userText: 'Is our login safe?' });
      assert.match(summaryOf(review), /^No code was attached, so this security review answers the question in general terms: "Is our login safe\?"\.$/);
      assert.match(review, /Attach a file or selection/);
    });

    it('context without numbered lines (pasted by an agent): says what it read, does not ask for an attachment', () => {
      const review = writeReview({ persona: 'security', userText: ask('Look', 'a paragraph an agent pasted, with no code lines') });
      assert.match(summaryOf(review), /^Read the context given \(47 characters, no numbered code lines\) for: "Look"\.$/);
      assert.doesNotMatch(review, /Attach a file or selection/);
    });

    it('names the terminal\'s way to set a key next to the palette command', () => {
      const review = writeReview({ persona: 'security', userText: 'x' });
      assert.match(review, /in a terminal `export ANTHROPIC_API_KEY=…`/);
    });
  });

  describe('a proposed standard is derived from the finding', () => {
    const proposalSchema = z.object(STANDARD_PROPOSAL_FIELDS);

    it('security on src/payments.ts: the credential finding, quoted and rewritten from the line, with the secret masked', () => {
      const userText = ask('Review payments', file('src/payments.ts', PAYMENTS));
      const proposal = proposeFromFindings('security', reviewFindings('security', userText));
      assert.ok(proposal);
      assert.deepEqual(proposeFromFindings('security', reviewFindings('security', userText)), proposal, 'deterministic');
      assert.equal(proposal.title, 'Hard-coded credential (src/payments.ts:4)');
      assert.equal(proposal.domain, 'security');
      assert.equal(proposal.topic, 'hard-coded-credential');
      assert.ok(proposalSchema.safeParse(proposal).success, 'propose_standard accepts it as it is');
      const sections = proposal.body.split('\n').filter((l) => l.startsWith('## '));
      assert.deepEqual(sections, ['## Context', '## Pattern', '## Examples', '## Anti-Patterns', '## When to Revisit']);
      assert.match(proposal.body, /found \*\*Hard-coded credential\*\* \(critical\) at `src\/payments\.ts:4`, in `apiKey = "…"`/);
      assert.match(proposal.body, /\*\*Hard-coded credential\*\*, code like `apiKey = "…"`, is not merged as it is: load it from the environment/);
      assert.match(proposal.body, /## Examples\n`src\/payments\.ts:4` written the way this standard asks:\n\n```ts\nconst apiKey = process\.env\.API_KEY;\n```/);
      assert.match(proposal.body, /## Anti-Patterns\nAs found at `src\/payments\.ts:4`:\n\n```ts\nconst apiKey = "…";\n```/);
      assert.doesNotMatch(proposal.body, /sk_live|safe\(\)|unsafe\(\)|Do the safe thing/);
    });

    it('other personas and files: each proposal cites its own finding\'s file, line and line of code', () => {
      const userText = ask('Review', formatSources([{ path: 'src/orders.ts', text: ORDERS, startLine: 1, kind: 'file' }, { path: 'src/payments.ts', text: PAYMENTS, startLine: 1, kind: 'file' }], 60_000).context);
      const expected: Record<string, { title: string; good: string; bad: string }> = {
        engineer: { title: 'Error swallowed (src/payments.ts:14)', good: "} catch (e) { logger.error({ event: 'operation_failed', error: e }); throw e; }", bad: '} catch (e) {}' },
        sre: { title: 'Outbound call without a timeout (src/payments.ts:8)', good: 'const res = await fetch(`${PAYMENT_API}/charges`, { signal: AbortSignal.timeout(5_000),', bad: 'const res = await fetch(`${PAYMENT_API}/charges`, {' },
        data: { title: 'Money held in floating point (src/orders.ts:28)', good: '// Store minor units as integers (cents) or use a decimal type.\n// (was: total = total - total * rate;)', bad: 'total = total - total * rate;' },
      };
      for (const [persona, want] of Object.entries(expected)) {
        const proposal = proposeFromFindings(persona, reviewFindings(persona, userText));
        assert.ok(proposal, persona);
        assert.equal(proposal.title, want.title);
        assert.ok(proposal.body.includes(`asks:\n\n\`\`\`ts\n${want.good}\n\`\`\``), `${persona} good example:\n${proposal.body}`);
        assert.ok(proposal.body.includes(`:\n\n\`\`\`ts\n${want.bad}\n\`\`\`\n\n## When to Revisit`), `${persona} bad example:\n${proposal.body}`);
        assert.ok(proposalSchema.safeParse(proposal).success, persona);
      }
    });

    it('a SQL query built from a template literal becomes the same query with placeholders', () => {
      const proposal = proposeFromFindings('security', reviewFindings('security', ask('Review', file('src/orders.ts', ORDERS))));
      assert.ok(proposal);
      assert.equal(proposal.topic, 'sql-built-by-string-concatenation');
      assert.match(proposal.body, /```ts\nawait db\.query\(`INSERT INTO orders \(id, email, total\) VALUES \(\?, \?, \?\)`, \[order\.id, order\.customerEmail, orderTotalCents\(order\)\]\);\n```/);
    });

    it('nothing found: nothing proposed', () => {
      assert.equal(proposeFromFindings('accessibility', reviewFindings('accessibility', ask('Check', file('src/orders.ts', ORDERS)))), undefined);
      assert.equal(proposeFromFindings('security', reviewFindings('security', 'no context at all')), undefined);
    });

    it('through the demo model server (real SDK): [[demo:propose]] proposes the finding of the file it read, and none when it read nothing', async function () {
      this.timeout(20_000);
      const server = await DemoModelServer.start({ chunkDelayMs: 0 });
      try {
        const client = new Anthropic({ apiKey: 'demo', baseURL: server.url, maxRetries: 0 });
        const tools = ['search_standards', 'list_files', 'read_file', 'grep', 'propose_standard'].map((name) => ({ name, description: name, input_schema: { type: 'object' as const, properties: {} } }));
        // The conversation up to the third turn: the reads have come back; the model now decides whether to propose.
        const turn3 = async (readResult: string): Promise<Anthropic.Message> => {
          const task = 'Review `src/payments.ts` [[demo:propose]]';
          return client.messages.create({
            model: 'demo-model', max_tokens: 2048, system: 'Persona: security', tools,
            messages: [
              { role: 'user', content: task },
              { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'search_standards', input: {} }] },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'none' }] },
              { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'read_file', input: { path: 'src/payments.ts' } }] },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: readResult, is_error: readResult === '' }] },
            ],
          });
        };
        const read = `File: src/payments.ts (lines 1-23 of 23)\n${PAYMENTS.split('\n').map((l, i) => `${i + 1}| ${l}`).join('\n')}`;
        const proposing = await turn3(read);
        const use = proposing.content.find((b) => b.type === 'tool_use');
        assert.ok(use && use.type === 'tool_use' && use.name === 'propose_standard', JSON.stringify(proposing.content));
        const input = use.input as { title: string; topic: string; body: string };
        assert.equal(input.title, 'Hard-coded credential (src/payments.ts:4)');
        assert.match(input.body, /const apiKey = process\.env\.API_KEY;/);
        const notProposing = await turn3('');
        assert.equal(notProposing.content.some((b) => b.type === 'tool_use' && b.name === 'propose_standard'), false, 'nothing read, nothing to propose');
      } finally {
        await server.dispose();
      }
    });

    describe('as a job in the sample workspace, with no context (the walkthrough and the Standards UI test)', function () {
      this.timeout(60_000);
      const tmp = useTempDir();

      it('architect [[demo:propose]]: reads the files, proposes its first finding, and the summary names the files read and cited', async () => {
        cpSync(join(REPO_ROOT, 'sample-workspace'), tmp.path, { recursive: true });
        const services = await startDemoServices(tmp.path, { workerCount: 1 });
        try {
          const job = await services.jobs.ask({ persona: 'architect', task: 'Review the order module and propose what recurs [[demo:propose]]' });
          const done = await settledJob(services, job.id, 45_000);
          assert.equal(done.status, 'completed', done.error?.message);
          const pending = services.proposals.list('pending');
          assert.deepEqual(pending.map((p) => [p.title, p.domain, p.topic]), [['Business logic and I/O in one module (src/orders.ts:21)', 'architecture', 'business-logic-and-i-o-in-one-module']]);
          assert.match(pending[0]!.body, /^\*\*Business logic and I\/O in one module\*\*, code like `export function orderTotalCents\(order: Order\): number \{`, is not merged as it is: /m);
          const summary = summaryOf(done.result ?? '');
          assert.match(summary, /lines of `src\/orders\.ts` and `src\/payments\.ts`/);
          assert.match(summary, /1 finding in `src\/orders\.ts`, most severe first\.$/, 'it read two files; the summary says which one the finding is in');
          assert.deepEqual(citedFiles(done.result ?? ''), ['src/orders.ts']);
        } finally {
          await services.dispose(0);
        }
      });
    });
  });
});
