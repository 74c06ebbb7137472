import { execFile } from 'node:child_process';
import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { writeFileAtomically } from '../core/atomicFile';
import { PersonaError } from '../core/errors';
import { isInside } from '../core/workspacePath';
import { findingsToSarif } from '../findings/sarif';
import { FINDING_SEVERITIES, type FindingSeverity, type PresentedReview, type StoredFinding } from '../findings/types';
import type { ReviewFormat } from './reviewArgs';
import { EXIT } from './exitCodes';

/** A finished review as the CLI reports it, whichever process ran the job. */
export interface ReviewReport {
  job: { id: string; personas: string[]; task: string; status: string; createdAt: string | null; finishedAt: string | null };
  presented: PresentedReview;
  /** Each persona that was asked (one SARIF run each). */
  personas: { id: string; name: string; description: string }[];
  toolVersion: string;
  /** `--include-preexisting`: findings on unchanged lines are reported apart (else only counted). */
  includePreexisting: boolean;
  /** The workspace's path inside its git repository ('' at the root, or outside a repository). */
  workspaceInRepository: string;
}

/** The `--format json` document (docs/findings.schema.json describes it; schemaVersion only ever grows). */
export function reviewJson(report: ReviewReport): Record<string, unknown> {
  const p = report.presented;
  return {
    schemaVersion: 1,
    job: report.job,
    findings: p.remaining,
    preexisting: report.includePreexisting ? p.preexisting : [],
    preexistingLeftOut: report.includePreexisting ? 0 : p.preexisting.length,
    suppressed: p.suppressed,
    unanchored: p.unanchored,
    suppressionsError: p.suppressionsError,
    notInTemplate: p.notInTemplate,
  };
}

/** What `--format` prints or `--output` writes. */
export function renderReview(format: ReviewFormat, report: ReviewReport): string {
  if (format === 'json') return `${JSON.stringify(reviewJson(report), null, 2)}\n`;
  if (format === 'sarif') {
    // Pre-existing findings, when asked for, go in as SARIF's baselineState "unchanged" (apart from the new ones).
    const findings = report.includePreexisting ? [...report.presented.remaining, ...report.presented.preexisting] : report.presented.remaining;
    const sarif = findingsToSarif({ findings, personas: report.personas, toolVersion: report.toolVersion, workspaceInRepository: report.workspaceInRepository });
    return `${JSON.stringify(sarif, null, 2)}\n`;
  }
  return report.presented.markdown.endsWith('\n') ? report.presented.markdown : `${report.presented.markdown}\n`;
}

/** `--fail-on`: exit 2 when a remaining finding (not suppressed, not on unchanged lines) is at or above the threshold. */
export function failOnExit(remaining: readonly StoredFinding[], failOn: FindingSeverity): number {
  const rank = (s: FindingSeverity): number => FINDING_SEVERITIES.length - FINDING_SEVERITIES.indexOf(s);
  return remaining.some((f) => rank(f.severity) >= rank(failOn)) ? EXIT.FINDINGS : EXIT.COMPLETED;
}

/** Refuses, before anything runs, an --output inside the workspace's .agent-os/ (checked again, through links, when written). */
export function checkReviewOutput(cwd: string, workspaceRoot: string, output: string): void {
  // Any .agent-os on the way: from a package folder, the repository root's store is as much off limits.
  if (isInside(join(workspaceRoot, '.agent-os'), resolve(cwd, output)) || resolve(cwd, output).split(sep).includes('.agent-os')) throw inDataFolder(output);
}

const inDataFolder = (output: string): PersonaError =>
  new PersonaError('INVALID_INPUT', `--output "${output.slice(0, 200)}": the workspace's .agent-os/ folder holds the job store and the team's suppressions; a report is not written there.`, 'Write it elsewhere, for example --output review.sarif');

/**
 * `--output FILE`: relative to the current folder, written whole or not at all (a temporary file
 * beside it, flushed, then renamed), so a CI step never uploads half a report. Never inside a
 * `.agent-os/` folder (the job store and the team's suppressions live there), through links too.
 */
export function writeReviewOutput(cwd: string, workspaceRoot: string, output: string, text: string): void {
  const target = resolve(cwd, output);
  const refuse = (why: string, hint: string): PersonaError => new PersonaError('INVALID_INPUT', `--output "${output.slice(0, 200)}": ${why}`, hint);
  const dataDir = join(workspaceRoot, '.agent-os');
  const inData = (): PersonaError => inDataFolder(output);
  checkReviewOutput(cwd, workspaceRoot, output);
  mkdirSync(dirname(target), { recursive: true });
  // Through the real folder too, so a link to .agent-os is refused like the folder itself.
  const realParent = realpathSync(dirname(target));
  let realData = dataDir;
  try {
    realData = realpathSync(dataDir);
  } catch {
    // No .agent-os yet: the lexical check above is the whole check.
  }
  const real = join(realParent, basename(target));
  if (isInside(realData, real) || real.split(sep).includes('.agent-os')) throw inData();
  const existing = (() => {
    try {
      return statSync(join(realParent, basename(target)));
    } catch {
      return null;
    }
  })();
  if (existing?.isDirectory()) throw refuse('it is a folder.', 'Name a file, for example --output review.sarif');
  writeFileAtomically(join(realParent, basename(target)), text);
}

/** `git rev-parse --show-prefix`: the workspace's path inside its repository ('' at its root or outside git). */
export function workspaceInRepository(workspaceRoot: string): Promise<string> {
  return new Promise((done) => {
    execFile('git', ['rev-parse', '--show-prefix'], { cwd: workspaceRoot, encoding: 'utf8' }, (err, stdout) => done(err ? '' : stdout.trim().replace(/\/+$/, '')));
  });
}
