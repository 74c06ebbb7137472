import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PersonaError } from '../../src/core/errors';
import { findingStatements } from '../../src/findings/findingRows';
import { FindingsService } from '../../src/findings/findingsService';
import { readSuppressions, SUPPRESSIONS_PATH } from '../../src/findings/suppressions';
import type { NewFinding, StoredFinding, Suppression, SuppressionsRead } from '../../src/findings/types';
import { waitFor } from '../harness/waitFor';
import { REPO_ROOT, useTempDir } from './tempDir';
import { openWholeStore, type WholeStore } from './wholeStore';

function finding(title: string, file: string | null, line: number | null, fingerprint: string): NewFinding {
  return {
    severity: 'high', title, file, startLine: line, endLine: line, code: null, evidence: file ? `\`${file}:${line}\`` : 'somewhere',
    why: 'because', recommendation: 'fix it', fingerprint, anchored: file !== null, scope: null,
  };
}

/** A real store with one completed-looking job holding these findings, and the service on it. */
async function storeWith(root: string, findings: NewFinding[]): Promise<{ whole: WholeStore; service: FindingsService; rows: StoredFinding[] }> {
  mkdirSync(join(root, '.agent-os'), { recursive: true });
  const whole = await openWholeStore(join(root, '.agent-os'));
  const job = await whole.store.create({ persona: 'security', task: 'Review' });
  await whole.database.writeAll(findingStatements(job, findings, Date.now()));
  const service = new FindingsService({ database: whole.database, workspaceRoot: root, log: () => undefined });
  return { whole, service, rows: service.forJob(job.id) };
}

function gitInit(root: string): void {
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['config', 'user.name', 'Ada Lovelace'], { cwd: root });
  execFileSync('git', ['config', 'user.email', 'ada@example.com'], { cwd: root });
}

function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<PersonaError> {
  return promise.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => {
      assert.ok(err instanceof PersonaError, String(err));
      assert.equal(err.code, code, err.message);
      return err;
    },
  );
}

/** A valid file of two entries as a person would write it; line 7 is the first entry's "file". */
const TWO_ENTRIES = `{
  "version": 1,
  "suppressions": [
    {
      "fingerprint": "aaaa",
      "persona": "security",
      "file": "src/a.ts",
      "title": "Hard-coded secret",
      "reason": "false-positive",
      "note": "test fixture",
      "by": "Ada",
      "at": "2026-01-01T00:00:00.000Z"
    },
    {
      "fingerprint": "bbbb",
      "persona": "security",
      "file": "src/b.ts",
      "title": "SQL built from input",
      "reason": "because-i-said-so",
      "note": "",
      "by": "Ada",
      "at": "2026-01-01T00:00:00.000Z"
    }
  ]
}
`;

describe('findings: suppressions (.agent-os/suppressions.json)', function () {
  this.timeout(60_000);
  let whole: WholeStore | undefined;
  // Before the temp folder's own afterEach, which removes the store's folder.
  afterEach(async () => {
    await whole?.close();
    whole = undefined;
  });
  const tmp = useTempDir();

  it('a dismissal is written for the team: version 1, 2-space JSON sorted by file then title, by git\'s name and email', async () => {
    gitInit(tmp.path);
    const s = await storeWith(tmp.path, [finding('Zeta problem', 'src/b.ts', 3, 'f1'), finding('Alpha problem', 'src/b.ts', 9, 'f2'), finding('Other', 'src/a.ts', 1, 'f3')]);
    whole = s.whole;
    const events: SuppressionsRead[] = [];
    s.service.events.on('suppressions:changed', (read) => events.push(read));
    for (const row of s.rows) await s.service.dismiss(row, 'wont-fix', `  note ${row.fingerprint}  `);
    const text = readFileSync(join(tmp.path, SUPPRESSIONS_PATH), 'utf8');
    const doc = JSON.parse(text) as { version: number; suppressions: Suppression[] };
    assert.equal(doc.version, 1);
    assert.deepEqual(doc.suppressions.map((e) => `${e.file} ${e.title}`), ['src/a.ts Other', 'src/b.ts Alpha problem', 'src/b.ts Zeta problem']);
    assert.equal(text, `${JSON.stringify(doc, null, 2)}\n`, '2-space JSON, one trailing newline');
    const first = doc.suppressions[0]!;
    assert.deepEqual({ ...first, at: undefined }, { fingerprint: 'f3', persona: 'security', title: 'Other', file: 'src/a.ts', reason: 'wont-fix', note: 'note f3', by: 'Ada Lovelace <ada@example.com>', at: undefined });
    assert.ok(Math.abs(Date.parse(first.at) - Date.now()) < 60_000, first.at);
    assert.equal(events.length, 3, 'each dismissal says the suppressions changed');
    assert.equal(events[2]!.entries.length, 3);
    assert.deepEqual(s.service.suppressions(), { entries: doc.suppressions, error: null });
  });

  it('a suppressed finding leaves list() (unless asked for); removing its entry by hand brings it back', async () => {
    const s = await storeWith(tmp.path, [finding('Kept', 'src/a.ts', 1, 'keep'), finding('Dismissed', 'src/a.ts', 2, 'gone')]);
    whole = s.whole;
    await s.service.dismiss(s.rows.find((r) => r.fingerprint === 'gone')!, 'false-positive', 'not reachable');
    assert.deepEqual(s.service.list().map((f) => f.title), ['Kept']);
    assert.deepEqual(s.service.list({ includeSuppressed: true }).map((f) => f.title).sort(), ['Dismissed', 'Kept']);
    writeFileSync(join(tmp.path, SUPPRESSIONS_PATH), '{ "version": 1, "suppressions": [] }\n');
    assert.deepEqual(s.service.list().map((f) => f.title).sort(), ['Dismissed', 'Kept']);
  });

  it('bad JSON at line 7: an error naming the file and line 7, nothing suppressed, dismiss refused, the file unchanged byte for byte', async () => {
    const s = await storeWith(tmp.path, [finding('Hard-coded secret', 'src/a.ts', 1, 'aaaa')]);
    whole = s.whole;
    const lines = TWO_ENTRIES.replace('"because-i-said-so"', '"wont-fix"').split('\n');
    lines[6] = '      file: "src/a.ts",';
    const broken = lines.join('\n');
    const path = join(tmp.path, SUPPRESSIONS_PATH);
    writeFileSync(path, broken);
    const read = s.service.suppressions();
    assert.deepEqual(read.entries, []);
    assert.ok(read.error, 'an error');
    assert.equal(read.error.line, 7);
    assert.match(read.error.message, /^\.agent-os\/suppressions\.json line 7 is not valid JSON \(.+\)\. Nothing is suppressed until it is fixed/);
    assert.ok(!read.error.message.includes(tmp.path), 'no absolute path');
    assert.deepEqual(s.service.list().map((f) => f.fingerprint), ['aaaa'], 'nothing is suppressed');
    const refused = await rejectsWithCode(s.service.dismiss(s.rows[0]!, 'false-positive', 'x'), 'SUPPRESSIONS_INVALID');
    assert.equal(refused.message, read.error.message);
    assert.match(refused.hint, /git checkout/);
    assert.equal(readFileSync(path, 'utf8'), broken, 'never rewritten while invalid');
  });

  it('a JSON error reports the line where the text stops being JSON, also where V8 names no position', () => {
    const path = join(tmp.path, SUPPRESSIONS_PATH);
    mkdirSync(join(tmp.path, '.agent-os'));
    // A comma missing at the end of line 7: JSON stops at the next key, on line 8, as V8 says.
    writeFileSync(path, TWO_ENTRIES.replace('"file": "src/a.ts",', '"file": "src/a.ts"'));
    assert.match(readSuppressions(tmp.path).error?.message ?? '', /^\.agent-os\/suppressions\.json line 8 is not valid JSON \(Expected ',' or '}' after property value\)/);
    writeFileSync(path, '\n\nnope\n');
    assert.match(readSuppressions(tmp.path).error?.message ?? '', /^\.agent-os\/suppressions\.json line 3 is not valid JSON/);
    writeFileSync(path, TWO_ENTRIES.slice(0, TWO_ENTRIES.indexOf('"note": "test fixture"')));
    assert.equal(readSuppressions(tmp.path).error?.line, 9, 'cut short: its last written line');
  });

  it('valid JSON with a bad reason in the 2nd entry: the error names that entry\'s line, and nothing is suppressed', async () => {
    const s = await storeWith(tmp.path, [finding('Hard-coded secret', 'src/a.ts', 1, 'aaaa')]);
    whole = s.whole;
    const path = join(tmp.path, SUPPRESSIONS_PATH);
    writeFileSync(path, TWO_ENTRIES);
    const read = s.service.suppressions();
    assert.deepEqual(read.entries, [], 'the valid first entry is not applied either');
    assert.equal(read.error?.line, 19, 'the line of "reason" in the second entry');
    assert.match(read.error?.message ?? '', /^\.agent-os\/suppressions\.json line 19: entry 2, "reason": .*false-positive/);
    assert.deepEqual(s.service.list().map((f) => f.fingerprint), ['aaaa']);
    await rejectsWithCode(s.service.dismiss(s.rows[0]!, 'false-positive', ''), 'SUPPRESSIONS_INVALID');
    assert.equal(readFileSync(path, 'utf8'), TWO_ENTRIES);
    // A missing field is reported on its entry's first line.
    writeFileSync(path, TWO_ENTRIES.replace('"because-i-said-so"', '"wont-fix"').replace('      "by": "Ada",\n      "at": "2026-01-01T00:00:00.000Z"\n    }\n  ]', '      "at": "2026-01-01T00:00:00.000Z"\n    }\n  ]'));
    assert.match(readSuppressions(tmp.path).error?.message ?? '', /^\.agent-os\/suppressions\.json line 14: entry 2, "by": /);
  });

  it('the same fingerprint dismissed again replaces its entry; keys the team added by hand are kept', async () => {
    const s = await storeWith(tmp.path, [finding('Hard-coded secret', 'src/a.ts', 1, 'aaaa')]);
    whole = s.whole;
    const path = join(tmp.path, SUPPRESSIONS_PATH);
    writeFileSync(path, TWO_ENTRIES.replace('"because-i-said-so"', '"accepted-risk"').replace('"note": "",', '"note": "",\n      "ticket": "SEC-12",'));
    await s.service.dismiss(s.rows[0]!, 'accepted-risk', 'behind the VPN');
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { suppressions: (Suppression & { ticket?: string })[] };
    assert.deepEqual(doc.suppressions.map((e) => [e.fingerprint, e.reason, e.note]), [['aaaa', 'accepted-risk', 'behind the VPN'], ['bbbb', 'accepted-risk', '']]);
    assert.equal(doc.suppressions[1]!.ticket, 'SEC-12');
  });

  it('refuses a reason it does not know and an overlong note, writing nothing', async () => {
    const s = await storeWith(tmp.path, [finding('X', 'src/a.ts', 1, 'x1')]);
    whole = s.whole;
    await rejectsWithCode(s.service.dismiss(s.rows[0]!, 'meh' as never, ''), 'INVALID_INPUT');
    await rejectsWithCode(s.service.dismiss(s.rows[0]!, 'wont-fix', 'n'.repeat(2001)), 'INVALID_INPUT');
    assert.deepEqual(readSuppressions(tmp.path), { entries: [], error: null });
  });

  it('concurrent dismissals, from this process and two others at once, lose none', async () => {
    const findings = Array.from({ length: 12 }, (_, i) => finding(`Finding ${i}`, 'src/a.ts', i + 1, `here${i}`));
    const s = await storeWith(tmp.path, findings);
    whole = s.whole;
    const module = join(REPO_ROOT, 'out', 'src', 'findings', 'suppressions.js');
    const child = (tag: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const script = `const { addSuppression } = require(${JSON.stringify(module)});
          Promise.all(Array.from({ length: 12 }, (_, i) => addSuppression(process.argv[1], { fingerprint: '${tag}' + i, persona: 'qa', title: '${tag} ' + i, file: 'src/${tag}.ts', reason: 'wont-fix', note: '', by: 'child', at: new Date().toISOString() })))
            .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
        execFile(process.execPath, ['-e', script, tmp.path], (err, _out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve()));
      });
    await Promise.all([child('one'), child('two'), ...s.rows.map((r) => s.service.dismiss(r, 'false-positive', r.title))]);
    const read = readSuppressions(tmp.path);
    assert.equal(read.error, null);
    assert.equal(read.entries.length, 36, 'every dismissal landed');
    assert.equal(new Set(read.entries.map((e) => e.fingerprint)).size, 36);
    assert.deepEqual(s.service.list(), [], 'all twelve of this store are suppressed');
  });

  it('watch() reports a hand edit (and a broken one) with the file as it then reads', async () => {
    const s = await storeWith(tmp.path, []);
    whole = s.whole;
    const seen: SuppressionsRead[] = [];
    s.service.events.on('suppressions:changed', (read) => seen.push(read));
    const watching = s.service.watch();
    try {
      const path = join(tmp.path, SUPPRESSIONS_PATH);
      writeFileSync(path, TWO_ENTRIES.replace('"because-i-said-so"', '"wont-fix"'));
      await waitFor(() => seen.some((r) => r.entries.length === 2), { timeoutMs: 10_000, message: 'the edit was reported' });
      writeFileSync(path, '{ "version": 1, ');
      await waitFor(() => seen.some((r) => r.error?.line === 1), { timeoutMs: 10_000, message: 'the broken edit was reported' });
    } finally {
      await watching.dispose();
    }
  });

  it('a symbolic link in place of the file is not followed: an error, nothing suppressed', async () => {
    mkdirSync(join(tmp.path, '.agent-os'));
    writeFileSync(join(tmp.path, 'elsewhere.json'), TWO_ENTRIES.replace('"because-i-said-so"', '"wont-fix"'));
    symlinkSync(join(tmp.path, 'elsewhere.json'), join(tmp.path, SUPPRESSIONS_PATH));
    const read = readSuppressions(tmp.path);
    assert.deepEqual(read.entries, []);
    assert.match(read.error?.message ?? '', /^\.agent-os\/suppressions\.json cannot be read: it is a symbolic link/);
  });
});
