import type { FindingsService } from '../findings/findingsService';
import type { PresentedReview } from '../findings/types';
import type { Job, JobSummary } from '../jobs/types';

/** How an agent sees a job: snake_case fields, seconds, and what to do next. */
export interface JobView {
  job_id: string;
  persona: string;
  status: JobSummary['status'];
  phase: JobSummary['phase'];
  percent: number;
  message: string | null;
  eta_seconds: number | null;
  model: string | null;
  attempt: number;
  parent_id: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error?: { code: string; message: string; hint: string };
  /** A completed review as every surface shows it: suppressed findings cut (listed at the end), pre-existing ones apart. */
  result?: string;
  /** What the presentation did to the review's findings (list_findings has them as rows). */
  findings?: FindingsCounts;
  partial_output?: string;
  next: string;
}

export interface FindingsCounts {
  shown: number;
  suppressed: number;
  preexisting: number;
  /** Cite a file or line not in the workspace: kept in the text. */
  unanchored: number;
  /** `.agent-os/suppressions.json` does not validate, so nothing was suppressed. */
  suppressions_error?: string;
  /** The answer does not follow the review template: no findings were read from it (the result says so above it). */
  not_in_template?: true;
}

const PARTIAL_LIMIT = 4000;

export interface JobViewOptions {
  result?: boolean;
  partial?: boolean;
  /** With a whole completed job and `result`: the result is presented through it (suppressions applied). */
  findings?: FindingsService;
}

/** A summary gives the view without result and partial output; pass the whole job for those. */
export function jobView(job: JobSummary | Job, options: JobViewOptions = {}): JobView {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  const view: JobView = {
    job_id: job.id,
    persona: job.persona,
    status: job.status,
    phase: job.phase,
    percent: job.percent,
    message: job.message,
    eta_seconds: job.etaMs === null ? null : Math.ceil(job.etaMs / 1000),
    model: job.modelLabel,
    attempt: job.attempt,
    parent_id: job.parentId,
    created_at: new Date(job.createdAt).toISOString(),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    next: nextStep(job),
  };
  if (job.error) view.error = job.error;
  if ('result' in job) {
    if (options.result && job.result !== null) {
      const presented = job.status === 'completed' && options.findings ? presentOrNot(options.findings, job.id) : undefined;
      view.result = presented?.markdown ?? job.result;
      if (presented) view.findings = counts(presented);
    }
    if (options.partial && job.partialOutput && job.status === 'running') {
      view.partial_output = job.partialOutput.length > PARTIAL_LIMIT ? `…${job.partialOutput.slice(-PARTIAL_LIMIT)}` : job.partialOutput;
    }
  }
  return view;
}

/** The presentation, or undefined (the result as stored) if it fails: a view must not fail for it. */
function presentOrNot(findings: FindingsService, jobId: string): PresentedReview | undefined {
  try {
    return findings.present(jobId, 'apart');
  } catch {
    return undefined;
  }
}

function counts(p: PresentedReview): FindingsCounts {
  return {
    shown: p.remaining.length,
    suppressed: p.suppressed.length,
    preexisting: p.preexisting.length,
    unanchored: p.unanchored,
    ...(p.suppressionsError ? { suppressions_error: p.suppressionsError } : {}),
    ...(p.notInTemplate ? { not_in_template: true as const } : {}),
  };
}

function nextStep(job: JobSummary): string {
  switch (job.status) {
    case 'queued':
    case 'running':
      return `Call check_persona_job with job_id "${job.id}" (wait_seconds up to 50 blocks until it finishes), or cancel_persona_job.`;
    case 'completed':
      return 'Done: the review is in "result".';
    case 'failed':
      return `Failed: ${job.error?.hint ?? 'see error'} retry_persona_job runs it again.`;
    case 'cancelled':
      return 'Cancelled. retry_persona_job runs it again.';
  }
}
