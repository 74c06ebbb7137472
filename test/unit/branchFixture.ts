import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

/** The lines the fixture's branch changes (1-based, in src/app.ts), and the old problems it keeps. */
export const FIXTURE = {
  file: 'src/app.ts',
  /** Changed on the branch: a query built from input (security, high), a credential (security, critical), a debug log (engineer, low). */
  changed: { sql: 100, credential: 101, log: 102 },
  /** Old problems within the diff's context lines: seen by the review, on unchanged lines. */
  near: { innerHtml: 98, plainHttp: 104 },
  /** Old problems far from the change: outside the diff, never reviewed. */
  far: { credential: 10, evalCall: 180 },
} as const;

/**
 * A git repository whose branch `feature` changes 3 lines of a 200-line file (src/app.ts) that
 * `main` already holds problems in, near the change and far from it; `feature` is checked out.
 * Every line is designed against the demo model's rules (src/personas/demoModel/reviews.ts).
 */
export function makeBranchFixture(root: string): void {
  git(root, 'init', '-q', '-b', 'main');
  // As docs/ci.md says to commit it: the store stays out, the team's suppressions go in.
  writeFileSync(join(root, '.gitignore'), '.agent-os/*\n!.agent-os/suppressions.json\n!.agent-os/standards/\n');
  mkdirSync(join(root, 'src'));
  const lines = Array.from({ length: 200 }, (_, i) => `export const v${i + 1} = ${i + 1};`);
  const set = (n: number, text: string): void => void (lines[n - 1] = text);
  set(FIXTURE.far.credential, 'export const dbPassword = "hunter2-old-secret";');
  set(FIXTURE.near.innerHtml, 'export function show(el: HTMLElement, html: string) { el.innerHTML = html; }');
  set(FIXTURE.near.plainHttp, 'export const api = "http://example.com/v1";');
  set(FIXTURE.far.evalCall, 'export const run = (code: string) => eval(code);');
  writeFileSync(join(root, FIXTURE.file), `${lines.join('\n')}\n`);
  git(root, 'add', '.');
  git(root, 'commit', '-qm', 'main with older problems');
  git(root, 'checkout', '-qb', 'feature');
  set(FIXTURE.changed.sql, 'export const query = (id: string) => `SELECT name FROM users WHERE id = ${id}`;');
  set(FIXTURE.changed.credential, 'export const apiToken = "tok-live-1234567890";');
  set(FIXTURE.changed.log, 'export const trace = (q: string) => console.log(q);');
  writeFileSync(join(root, FIXTURE.file), `${lines.join('\n')}\n`);
  git(root, 'commit', '-qam', 'feature: three changed lines');
}
