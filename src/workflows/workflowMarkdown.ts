import { readFrontMatter } from '../personas/frontMatter';
import { problemOf } from '../personas/personaFile';
import { WORKFLOW_TARGETS, type Workflow, type WorkflowPhase, type WorkflowProblem, type WorkflowSource, type WorkflowTarget, type WorkflowTask } from './types';

/** A workflow id: lower-case words joined by hyphens or underscores (prAxIs uses `name_v1`). */
export const WORKFLOW_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const PHASE_HEADING = /^## +Phase +(\d+) *[:.\-–—] *(.+?)\s*$/;
const TASK_HEADING = /^### +Task +(\d+) *[:.\-–—] *(.+?)\s*$/;
const FENCE = /^(`{3,}|~{3,})\s*([\w-]*)/;

/** A workflow file that cannot be loaded: the problem carries the file and line for the Problems panel. */
export class WorkflowFileError extends Error {
  constructor(readonly problem: WorkflowProblem) {
    super(`${problem.file}:${problem.line}: ${problem.message}`);
  }
}

/** The part of a phase the gate needs compiled: where its schema was written, to point at it. */
export interface ParsedWorkflow {
  workflow: Workflow;
  /** 1-based line of each phase's evidence block, by phase number. */
  schemaLines: Map<number, number>;
}

/**
 * Reads one workflow in our format: YAML front matter (`id`, `title`, `description`,
 * `target`), then `## Phase N: title` sections numbered from 0, each with optional
 * `### Task K: title` subsections and exactly one fenced `evidence` block holding the phase's
 * gate as JSON Schema. Throws WorkflowFileError at the offending line.
 */
export function parseWorkflowMarkdown(text: string, file: string, source: WorkflowSource): ParsedWorkflow {
  let fm;
  try {
    fm = readFrontMatter(text, file);
  } catch (err) {
    const p = problemOf(err);
    throw new WorkflowFileError({ file, line: p?.line ?? 1, message: p?.message ?? String(err), severity: 'error' });
  }
  const fail = (line: number, message: string): never => {
    throw new WorkflowFileError({ file, line, message, severity: 'error' });
  };
  const field = (key: string, required: boolean): string => {
    const value = fm.fields[key];
    if (value === undefined || value === null || value === '') {
      if (required) fail(fm.lineOf(key), `the front matter needs "${key}"`);
      return '';
    }
    if (typeof value !== 'string') fail(fm.lineOf(key), `"${key}" must be text`);
    return (value as string).trim();
  };
  const id = field('id', true);
  if (!WORKFLOW_ID.test(id)) fail(fm.lineOf('id'), `"id" must be lower-case letters, digits, "-" or "_" (at most 64), e.g. "pre-merge-review"; got "${id.slice(0, 80)}"`);
  const title = field('title', true);
  const description = field('description', false);
  const target = (field('target', false) || 'any') as WorkflowTarget;
  if (!WORKFLOW_TARGETS.includes(target)) fail(fm.lineOf('target'), `"target" must be one of ${WORKFLOW_TARGETS.join(', ')}; got "${target}"`);

  const source0 = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = source0.split(/\r?\n/);
  const intro: string[] = [];
  const phases: (WorkflowPhase & { line: number; schemaLine?: number; body: string[]; task?: WorkflowTask & { body: string[] } })[] = [];
  const schemaLines = new Map<number, number>();
  let fence: { marker: string; info: string; start: number; body: string[] } | undefined;
  for (let i = fm.closingLine; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    const phase = phases[phases.length - 1];
    if (fence) {
      if (line.trim().startsWith(fence.marker) && line.trim().replace(/[`~]/g, '') === '') {
        if (fence.info === 'evidence') {
          if (!phase) fail(fence.start, 'an evidence block must be inside a "## Phase N: title" section');
          if (phase!.schemaLine !== undefined) fail(fence.start, `phase ${phase!.number} has a second evidence block (the first is at line ${phase!.schemaLine})`);
          let schema: unknown;
          try {
            schema = JSON.parse(fence.body.join('\n'));
          } catch (err) {
            fail(fence.start, `the evidence block of phase ${phase!.number} is not valid JSON: ${(err as Error).message}`);
          }
          if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) fail(fence.start, `the evidence block of phase ${phase!.number} must be a JSON Schema object`);
          phase!.evidenceSchema = schema as Record<string, unknown>;
          phase!.schemaLine = fence.start;
          schemaLines.set(phase!.number, fence.start);
        } else {
          (phase?.task?.body ?? phase?.body ?? intro).push(line);
        }
        fence = undefined;
        continue;
      }
      if (fence.info !== 'evidence') (phase?.task?.body ?? phase?.body ?? intro).push(line);
      else fence.body.push(line);
      continue;
    }
    const opening = FENCE.exec(line.trim());
    if (opening) {
      fence = { marker: opening[1]!, info: opening[2] ?? '', start: lineNo, body: [] };
      if (fence.info !== 'evidence') (phase?.task?.body ?? phase?.body ?? intro).push(line);
      continue;
    }
    const phaseHeading = PHASE_HEADING.exec(line);
    if (phaseHeading) {
      closeTask(phase);
      const number = Number(phaseHeading[1]);
      const expected = phases.length;
      if (number !== expected) fail(lineNo, `phases are numbered from 0 without gaps: expected "## Phase ${expected}", found "## Phase ${number}"`);
      phases.push({ number, title: phaseHeading[2]!, instructions: '', tasks: [], evidenceSchema: {}, line: lineNo, body: [] });
      continue;
    }
    if (/^## /.test(line) && phase) {
      // Another level-2 heading inside a phase is part of its instructions; only "## Phase" starts one.
      (phase.task?.body ?? phase.body).push(line);
      continue;
    }
    const taskHeading = TASK_HEADING.exec(line);
    if (taskHeading && phase) {
      closeTask(phase);
      const number = Number(taskHeading[1]);
      if (number !== phase.tasks.length + 1) fail(lineNo, `tasks of phase ${phase.number} are numbered from 1 without gaps: expected "### Task ${phase.tasks.length + 1}"`);
      phase.task = { number, title: taskHeading[2]!, instructions: '', body: [] };
      continue;
    }
    (phase?.task?.body ?? phase?.body ?? intro).push(line);
  }
  if (fence) fail(fence.start, 'this code block is never closed');
  closeTask(phases[phases.length - 1]);
  if (phases.length === 0) fail(fm.closingLine + 1, 'a workflow needs at least one "## Phase 0: title" section');
  for (const p of phases) {
    if (p.schemaLine === undefined) fail(p.line, `phase ${p.number} ("${p.title}") has no \`\`\`evidence block: every phase needs a gate`);
  }
  return {
    workflow: {
      id,
      title,
      description,
      target,
      intro: intro.join('\n').trim(),
      phases: phases.map((p) => ({ number: p.number, title: p.title, instructions: p.body.join('\n').trim(), tasks: p.tasks, evidenceSchema: p.evidenceSchema })),
      source,
      path: file,
      warnings: [],
    },
    schemaLines,
  };
}

function closeTask(phase: { tasks: WorkflowTask[]; task?: WorkflowTask & { body: string[] } } | undefined): void {
  if (!phase?.task) return;
  const { body, ...task } = phase.task;
  phase.tasks.push({ ...task, instructions: body.join('\n').trim() });
  phase.task = undefined;
}
