import { readWorkspaceFile } from '../core/safeFile';
import { parseReview, type ReviewFinding } from '../personas/reviewParse';
import { anchoredFingerprint, fileLines, looseFingerprint } from './fingerprint';
import { changedLines, scopeOf } from './scope';
import type { FindingSeverity, NewFinding } from './types';

export interface ExtractInput {
  /** The review as the persona answered (the job's result). */
  result: string;
  /** The job's context: a diff in it (`File: … (git diff …)` with `N| + code` lines) scopes the findings. */
  context: string;
  workspaceRoot: string;
}

/** A cited file is read up to this: enough for any source file, and one job cannot make the worker read a huge one whole. */
export const MAX_CITED_FILE_BYTES = 2 * 1024 * 1024;

const RANGE_END = /:\d+\s*[-–]\s*(\d+)$/;

/**
 * The findings of a completed review (parsed by src/personas/reviewParse.ts), each with its
 * fingerprint, whether it is anchored in the workspace, and its scope against a diff. An answer
 * that does not follow the template has none.
 */
export async function extractFindings(input: ExtractInput): Promise<NewFinding[]> {
  const review = parseReview(input.result);
  if (!review.inTemplate || review.findings.length === 0) return [];
  const changed = changedLines(input.context);
  const files = new CitedFiles(input.workspaceRoot);
  return Promise.all(review.findings.map(async (f) => toNewFinding(f, await files.lines(f.location?.file), changed)));
}

function toNewFinding(f: ReviewFinding, lines: readonly string[] | undefined, changed: Map<string, Set<number>>): NewFinding {
  const file = f.location?.file ?? null;
  const startLine = f.location?.line ?? null;
  const endLine = startLine === null ? null : rangeEnd(f.location!.text, startLine);
  // Every cited line must be in the file as it is now; otherwise nothing can be placed there.
  const inFile = lines !== undefined && file !== null && startLine !== null && startLine >= 1 && endLine! <= lines.length;
  const anchored = inFile ? anchoredFingerprint(file, lines, startLine, f.title) : undefined;
  return {
    severity: f.severity.toLowerCase() as FindingSeverity,
    title: f.title,
    file,
    startLine,
    endLine,
    code: f.code,
    evidence: f.evidence,
    why: f.why,
    recommendation: f.recommendation,
    fingerprint: anchored ?? looseFingerprint(file, f.code ?? f.evidence, f.title),
    anchored: anchored !== undefined,
    scope: scopeOf(changed, file, startLine, endLine),
  };
}

/** `a.ts:3-5` ends at 5; a single line, or a range written backwards, ends where it starts. */
function rangeEnd(text: string, start: number): number {
  const end = RANGE_END.exec(text);
  return end ? Math.max(start, Number(end[1])) : start;
}

/**
 * The cited files of one review, each read once (through the one safe reader: `.agent-os/`,
 * paths outside the workspace, links out, binaries and non-files are refused and count as
 * missing) and cut to MAX_CITED_FILE_BYTES.
 */
class CitedFiles {
  private readonly read = new Map<string, Promise<string[] | undefined>>();

  constructor(private readonly root: string) {}

  lines(file: string | undefined): Promise<string[] | undefined> {
    if (file === undefined) return Promise.resolve(undefined);
    let lines = this.read.get(file);
    if (!lines) {
      lines = readWorkspaceFile(this.root, file, { what: 'cited file', maxBytes: MAX_CITED_FILE_BYTES }).then(
        ({ text, truncated }) => {
          const all = fileLines(text);
          // The last line read from a cut file may be cut itself: only whole lines can anchor.
          if (truncated) all.pop();
          return all;
        },
        () => undefined,
      );
      this.read.set(file, lines);
    }
    return lines;
  }
}
