import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Debouncer, type Timers } from '../core/debouncer';
import type { Disposable } from '../core/disposable';
import { PersonaError } from '../core/errors';
import { PRIVATE_FOLDER } from '../core/privateFolder';
import { TypedEmitter } from '../core/typedEmitter';
import { PersonaFolderWatcher, type WatchedFolder } from '../personas/personaFolderWatcher';
import type { EvidenceGates } from './evidenceGate';
import { loadPraxisWorkflow } from './praxisWorkflow';
import type { Workflow, WorkflowProblem, WorkflowSource } from './types';
import { readWorkflowFile } from './workflowFiles';
import { parseWorkflowMarkdown, WorkflowFileError } from './workflowMarkdown';

/** Our workflows per workspace, and where prAxIs OS keeps theirs. */
export const WORKSPACE_WORKFLOWS = `${PRIVATE_FOLDER}/workflows`;
export const PRAXIS_WORKFLOWS = '.praxis-os/workflows';

export interface WorkflowRegistryChange {
  workflows: Workflow[];
  problems: WorkflowProblem[];
}

export interface WorkflowRegistryEvents extends Record<string, unknown> {
  change: WorkflowRegistryChange;
}

export interface WorkflowRegistryOptions {
  /** The folder of the shipped `<id>.md` workflows. */
  shippedFolder: string;
  /** The workspace, for `.agent-os/workflows/` and `.praxis-os/workflows/`; absent in tests of the shipped set. */
  workspaceRoot?: string;
  gates: EvidenceGates;
}

const RELOAD_DEBOUNCE_MS = 150;

/**
 * The workflows that can be started: shipped ones, prAxIs OS folders of the workspace, then the
 * workspace's own (`.agent-os/workflows/<id>.md`), a later source overriding an earlier by id.
 * Every gate is compiled when the file loads; a file that does not parse, or whose gate does
 * not compile, is skipped and listed in `problems` at its line, and the others load.
 */
export class WorkflowRegistry implements Disposable {
  readonly events = new TypedEmitter<WorkflowRegistryEvents>();
  private workflows = new Map<string, Workflow>();
  private problemList: WorkflowProblem[] = [];
  private signature = '';
  private watcher: { dispose(): void } | undefined;
  private readonly watches: Disposable[] = [];
  private loaded = false;

  /**
   * Reads nothing yet: the files are read and their gates compiled on first use (a list, a
   * lookup, the problems), so a window or a CLI run that never touches a workflow does not pay
   * for it at start.
   */
  constructor(private readonly options: WorkflowRegistryOptions) {}

  /** Reads every source again; emits `change` when the workflows or the problems differ (not on the first read). */
  reload(): void {
    this.loaded = true;
    const workflows = new Map<string, Workflow>();
    const problems: WorkflowProblem[] = [];
    const add = (load: () => { workflow: Workflow; schemaLine: (phase: number) => { file: string; line: number }; notices?: WorkflowProblem[] }): void => {
      try {
        const { workflow, schemaLine, notices } = load();
        for (const phase of workflow.phases) {
          try {
            this.options.gates.compile(phase.evidenceSchema);
          } catch (err) {
            const at = schemaLine(phase.number);
            throw new WorkflowFileError({ file: at.file, line: at.line, message: `the gate of phase ${phase.number} is not a valid JSON Schema: ${(err as Error).message}`, severity: 'error' });
          }
        }
        problems.push(...(notices ?? []));
        workflows.set(workflow.id, workflow);
      } catch (err) {
        if (err instanceof WorkflowFileError) problems.push(err.problem);
        else throw err;
      }
    };
    for (const [folder, source] of this.markdownFolders()) {
      for (const file of markdownFiles(folder)) {
        add(() => {
          const text = readWorkflowFile(file, this.shown(file));
          if (text === undefined) throw new WorkflowFileError({ file, line: 1, message: 'the file disappeared while loading', severity: 'error' });
          const parsed = parseWorkflowMarkdown(text, file, source);
          return { workflow: parsed.workflow, schemaLine: (n) => ({ file, line: parsed.schemaLines.get(n) ?? 1 }) };
        });
      }
    }
    const root = this.options.workspaceRoot;
    if (root) {
      for (const folder of subfolders(join(root, PRAXIS_WORKFLOWS))) {
        add(() => {
          const loaded = loadPraxisWorkflow(folder, this.shown(folder));
          return { workflow: loaded.workflow, schemaLine: (n) => loaded.gateFiles.get(n) ?? { file: folder, line: 1 }, notices: loaded.notices };
        });
      }
      // Ours in the workspace come last: they override shipped and prAxIs ones of the same id.
      for (const file of markdownFiles(join(root, WORKSPACE_WORKFLOWS))) {
        add(() => {
          const text = readWorkflowFile(file, this.shown(file));
          if (text === undefined) throw new WorkflowFileError({ file, line: 1, message: 'the file disappeared while loading', severity: 'error' });
          const parsed = parseWorkflowMarkdown(text, file, 'workspace');
          return { workflow: parsed.workflow, schemaLine: (n) => ({ file, line: parsed.schemaLines.get(n) ?? 1 }) };
        });
      }
    }
    const signature = JSON.stringify([[...workflows.values()], problems]);
    if (signature === this.signature) return;
    const first = this.signature === '';
    this.signature = signature;
    this.workflows = workflows;
    this.problemList = problems;
    if (!first) this.events.emit('change', { workflows: this.list(), problems });
  }

  /** Follows the workspace folders with node:fs.watch and reloads, debounced, when they change. */
  watch(options: { debounceMs?: number; timers?: Timers; persistent?: boolean } = {}): Disposable {
    const root = this.options.workspaceRoot;
    if (!root) return { dispose: () => undefined };
    const debouncer = new Debouncer(options.debounceMs ?? RELOAD_DEBOUNCE_MS, () => {
      this.reload();
      arm();
    }, options.timers);
    let watched = '';
    const arm = (): void => {
      // A prAxIs workflow spreads over nested folders; fs.watch is not recursive everywhere, so
      // each folder that holds its files is watched (a handful per workflow).
      const folders: WatchedFolder[] = [join(root, WORKSPACE_WORKFLOWS), join(root, PRAXIS_WORKFLOWS)].map((folder) => ({ folder, root }));
      for (const wf of subfolders(join(root, PRAXIS_WORKFLOWS))) {
        folders.push({ folder: wf, root }, { folder: join(wf, 'phases'), root });
        for (const phase of subfolders(join(wf, 'phases'))) folders.push({ folder: phase, root });
      }
      const key = folders.map((f) => f.folder).join('\n');
      if (key === watched) return;
      watched = key;
      this.watcher?.dispose();
      this.watcher = new PersonaFolderWatcher(folders, () => debouncer.trigger(), { persistent: options.persistent });
    };
    arm();
    const handle: Disposable = {
      dispose: () => {
        this.watcher?.dispose();
        this.watcher = undefined;
        debouncer.dispose();
      },
    };
    this.watches.push(handle);
    return handle;
  }

  get problems(): readonly WorkflowProblem[] {
    return this.current().problemList;
  }

  list(): Workflow[] {
    return [...this.current().workflows.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): Workflow | undefined {
    return this.current().workflows.get(id);
  }

  /** The workflow, or UNKNOWN_WORKFLOW listing the ids that exist. */
  require(id: string): Workflow {
    const workflow = this.current().workflows.get(id);
    if (workflow) return workflow;
    const known = this.list().map((w) => w.id);
    throw new PersonaError('UNKNOWN_WORKFLOW', `There is no workflow "${String(id).slice(0, 80)}".`, known.length ? `Known workflows: ${known.join(', ')}.` : `No workflows are loaded; add one to ${WORKSPACE_WORKFLOWS}/.`);
  }

  /** This registry, read at least once. */
  private current(): this {
    if (!this.loaded) this.reload();
    return this;
  }

  dispose(): void {
    for (const w of this.watches.splice(0)) void w.dispose();
    this.events.removeAll();
  }

  private markdownFolders(): [string, WorkflowSource][] {
    return [[this.options.shippedFolder, 'shipped']];
  }

  /** A path as the user knows it: relative to the workspace when inside it. */
  private shown(path: string): string {
    const root = this.options.workspaceRoot;
    if (!root) return path;
    const rel = relative(root, path);
    return rel.startsWith('..') ? path : rel;
  }
}

function markdownFiles(folder: string): string[] {
  return entries(folder).filter((name) => name.endsWith('.md') && !name.startsWith('.')).map((name) => join(folder, name));
}

function subfolders(folder: string): string[] {
  return entries(folder)
    .filter((name) => !name.startsWith('.'))
    .map((name) => join(folder, name))
    .filter((path) => {
      try {
        return lstatSync(path).isDirectory();
      } catch {
        return false;
      }
    });
}

function entries(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}
