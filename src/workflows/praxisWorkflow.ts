import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { WORKFLOW_ID, WorkflowFileError } from './workflowMarkdown';
import { readWorkflowFile } from './workflowFiles';
import type { EvidenceSchema, Workflow, WorkflowPhase, WorkflowProblem, WorkflowTask } from './types';

/** prAxIs OS evidence types and the JSON Schema type each becomes. */
const PRAXIS_TYPES: Record<string, string> = { boolean: 'boolean', bool: 'boolean', integer: 'integer', int: 'integer', number: 'number', float: 'number', string: 'string', str: 'string', object: 'object', dict: 'object', list: 'array', array: 'array' };

interface PraxisMetadata {
  workflow_type?: unknown;
  name?: unknown;
  description?: unknown;
  start_phase?: unknown;
  phases?: unknown;
}

interface PraxisPhaseMeta {
  phase_number?: unknown;
  phase_name?: unknown;
  phase_file?: unknown;
  tasks?: unknown;
}

export interface LoadedPraxisWorkflow {
  workflow: Workflow;
  /** Files the gates point at, by phase number: where a broken gate is reported. */
  gateFiles: Map<number, { file: string; line: number }>;
  /** What was read and not enforced (the Python validators), as problems of severity warning. */
  notices: WorkflowProblem[];
}

/**
 * Reads a prAxIs OS workflow folder as they write it: `metadata.json`, `phases/N/phase.md`,
 * the task files, and `phases/N/gate-definition.yaml`. The gate's declarative part
 * (`evidence_schema`: type, required, description) becomes a JSON Schema and gates as ours do.
 * `validators` and `cross_field_validation` are Python lambdas: never executed; each use is a
 * warning naming the file and the field.
 */
export function loadPraxisWorkflow(folder: string, shown: string): LoadedPraxisWorkflow {
  const metadataFile = join(folder, 'metadata.json');
  const text = readWorkflowFile(metadataFile, `${shown}/metadata.json`);
  if (text === undefined) throw new WorkflowFileError({ file: metadataFile, line: 1, message: 'a prAxIs OS workflow folder needs metadata.json', severity: 'error' });
  let meta: PraxisMetadata;
  try {
    meta = JSON.parse(text) as PraxisMetadata;
  } catch (err) {
    throw new WorkflowFileError({ file: metadataFile, line: jsonErrorLine(text, err), message: `metadata.json is not valid JSON: ${(err as Error).message}`, severity: 'error' });
  }
  const fail = (message: string, file = metadataFile, line = 1): never => {
    throw new WorkflowFileError({ file, line, message, severity: 'error' });
  };
  if (typeof meta !== 'object' || meta === null) fail('metadata.json must be an object');
  const id = typeof meta.workflow_type === 'string' ? meta.workflow_type : '';
  if (!WORKFLOW_ID.test(id)) fail(`"workflow_type" must be lower-case letters, digits, "-" or "_"; got ${JSON.stringify(meta.workflow_type)}`, metadataFile, lineOfKey(text, 'workflow_type'));
  if (!Array.isArray(meta.phases) || meta.phases.length === 0) fail('"phases" must list at least one phase', metadataFile, lineOfKey(text, 'phases'));
  const phasesMeta = [...(meta.phases as PraxisPhaseMeta[])].sort((a, b) => Number(a.phase_number) - Number(b.phase_number));
  const notices: WorkflowProblem[] = [];
  const gateFiles = new Map<number, { file: string; line: number }>();
  const phases: WorkflowPhase[] = phasesMeta.map((p) => {
    const number = Number(p.phase_number);
    if (!Number.isInteger(number) || number < 0) fail(`a phase's "phase_number" must be a whole number; got ${JSON.stringify(p.phase_number)}`, metadataFile, lineOfKey(text, 'phase_number'));
    const phaseDir = join(folder, 'phases', String(number));
    // metadata.json names a phase file from the workflow folder, a task file from its phase's.
    const phaseFiles = typeof p.phase_file === 'string' && p.phase_file ? [join(folder, p.phase_file), join(phaseDir, p.phase_file)] : [join(phaseDir, 'phase.md')];
    const instructions = readFirst(phaseFiles, `${shown}/phases/${number}/phase.md`) ?? '';
    const tasks: WorkflowTask[] = (Array.isArray(p.tasks) ? (p.tasks as { task_number?: unknown; name?: unknown; file?: unknown }[]) : []).map((t, i) => {
      const text = typeof t.file === 'string' ? readFirst([join(phaseDir, t.file), join(folder, t.file)], `${shown}/phases/${number}/${t.file}`) : undefined;
      return { number: Number(t.task_number ?? i + 1), title: typeof t.name === 'string' ? t.name : `Task ${i + 1}`, instructions: text?.trim() ?? '' };
    });
    const gateFile = join(phaseDir, 'gate-definition.yaml');
    const gate = readGate(gateFile, `${shown}/phases/${number}/gate-definition.yaml`, notices);
    gateFiles.set(number, { file: gateFile, line: gate.line });
    return { number, title: typeof p.phase_name === 'string' ? p.phase_name : `Phase ${number}`, instructions: instructions.trim(), tasks, evidenceSchema: gate.schema };
  });
  return {
    workflow: {
      id,
      title: typeof meta.name === 'string' && meta.name ? meta.name : id,
      description: typeof meta.description === 'string' ? meta.description : '',
      target: 'any',
      intro: '',
      phases,
      source: 'praxis',
      path: folder,
      warnings: notices.map((n) => n.message),
    },
    gateFiles,
    notices,
  };
}

/** A gate-definition.yaml as a JSON Schema, with a warning for each Python rule it names. */
function readGate(file: string, shown: string, notices: WorkflowProblem[]): { schema: EvidenceSchema; line: number } {
  const text = readWorkflowFile(file, shown);
  // A phase without a gate file gates on nothing, as prAxIs does; say so.
  if (text === undefined) {
    notices.push({ file, line: 1, message: `${shown} is missing: the phase has no gate and any evidence object passes`, severity: 'warning' });
    return { schema: { type: 'object' }, line: 1 };
  }
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const firstError = doc.errors[0];
  if (firstError) throw new WorkflowFileError({ file, line: lineAt(firstError.pos[0]), message: `${shown} is not valid YAML: ${firstError.message.split('\n')[0]}`, severity: 'error' });
  const data = doc.toJS() as { evidence_schema?: unknown; validators?: unknown; cross_field_validation?: unknown; checkpoint?: unknown } | null;
  const keyLine = (path: (string | number)[]): number => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    if (isMap(parent)) {
      const item = parent.items.find((i) => isScalar(i.key) && i.key.value === path[path.length - 1]);
      if (item && isScalar(item.key)) return lineAt(item.key.range?.[0]);
    }
    return lineAt(node?.range?.[0]);
  };
  const fields = data?.evidence_schema;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new WorkflowFileError({ file, line: keyLine(['evidence_schema']), message: `${shown} needs an "evidence_schema" mapping of field names`, severity: 'error' });
  }
  const validators = (typeof data?.validators === 'object' && data.validators !== null ? data.validators : {}) as Record<string, unknown>;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, raw] of Object.entries(fields as Record<string, unknown>)) {
    const def = (typeof raw === 'object' && raw !== null ? raw : {}) as { type?: unknown; required?: unknown; description?: unknown; validator?: unknown };
    const type = typeof def.type === 'string' ? PRAXIS_TYPES[def.type.toLowerCase()] : undefined;
    if (!type) throw new WorkflowFileError({ file, line: keyLine(['evidence_schema', name]), message: `${shown}: field "${name}" has type ${JSON.stringify(def.type)}; expected one of boolean, integer, string, object, list`, severity: 'error' });
    properties[name] = { type, ...(typeof def.description === 'string' ? { description: def.description } : {}) };
    if (def.required === true) required.push(name);
    if (typeof def.validator === 'string') {
      const lambda = validators[def.validator];
      notices.push({
        file,
        line: keyLine(['evidence_schema', name, 'validator']),
        message: `${shown}: validator "${def.validator}" on field "${name}"${typeof lambda === 'string' ? ` (${lambda.slice(0, 80)})` : ''} is Python and was not executed; only the field's type and required flag gate`,
        severity: 'warning',
      });
    }
  }
  const rules = Array.isArray(data?.cross_field_validation) ? (data.cross_field_validation as { rule?: unknown; error_message?: unknown }[]) : [];
  rules.forEach((rule, i) => {
    notices.push({
      file,
      line: keyLine(['cross_field_validation', i]),
      message: `${shown}: cross_field_validation rule ${i + 1}${typeof rule.error_message === 'string' ? ` ("${rule.error_message.slice(0, 80)}")` : ''} is Python and was not executed`,
      severity: 'warning',
    });
  });
  return { schema: { type: 'object', required, properties }, line: keyLine(['evidence_schema']) };
}

/** The text of the first of `paths` that exists (read once, as every workflow file is). */
function readFirst(paths: string[], shown: string): string | undefined {
  for (const path of paths) {
    const text = readWorkflowFile(path, shown);
    if (text !== undefined) return text;
  }
  return undefined;
}

function lineOfKey(text: string, key: string): number {
  const at = text.indexOf(`"${key}"`);
  return at < 0 ? 1 : text.slice(0, at).split('\n').length;
}

function jsonErrorLine(text: string, err: unknown): number {
  const position = /position (\d+)/.exec((err as Error).message);
  return position ? text.slice(0, Number(position[1])).split('\n').length : 1;
}
