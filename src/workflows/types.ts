/** Where a workflow was loaded from: ours shipped, ours in the workspace, or a prAxIs OS folder. */
export type WorkflowSource = 'shipped' | 'workspace' | 'praxis';

/** What a workflow runs on; `any` takes a file, a folder or the git changes. */
export type WorkflowTarget = 'file' | 'folder' | 'changes' | 'any';
export const WORKFLOW_TARGETS: readonly WorkflowTarget[] = ['file', 'folder', 'changes', 'any'];

export interface WorkflowTask {
  /** 1-based within its phase. */
  number: number;
  title: string;
  /** Markdown. */
  instructions: string;
}

/** A JSON Schema object, as written in the workflow file. */
export type EvidenceSchema = Record<string, unknown>;

export interface WorkflowPhase {
  /** As the file numbers it (from 0 in ours; prAxIs' `phase_number`). */
  number: number;
  title: string;
  /** Markdown, tasks left out (they are listed and fetched one at a time). */
  instructions: string;
  tasks: WorkflowTask[];
  /** The gate: evidence must validate against it before the next phase is shown. */
  evidenceSchema: EvidenceSchema;
}

/** A loaded workflow: everything a session needs, JSON-serialisable (a session keeps a copy). */
export interface Workflow {
  id: string;
  title: string;
  description: string;
  target: WorkflowTarget;
  /** Shown with the first phase. */
  intro: string;
  phases: WorkflowPhase[];
  source: WorkflowSource;
  /** The file (ours) or folder (prAxIs) it came from. */
  path: string;
  /** What was read but not enforced (prAxIs' Python validators), each naming the file and field. */
  warnings: string[];
}

/** Why a workflow file was skipped or only partly honoured: the file, the 1-based line, and what to fix. */
export interface WorkflowProblem {
  file: string;
  line: number;
  message: string;
  severity: 'error' | 'warning';
}
