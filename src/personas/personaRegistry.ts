import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Debouncer, type Timers } from '../core/debouncer';
import type { Disposable } from '../core/disposable';
import { PersonaError } from '../core/errors';
import { TypedEmitter } from '../core/typedEmitter';
import { problemOf, type Persona, type PersonaFileProblem } from './personaFile';
import { PersonaFolderWatcher } from './personaFolderWatcher';
import { parsePersonaFileAs, type PersonaSource } from './personaSources';

/** What a reload changed; emitted only when the personas or the problems differ from before. */
export interface PersonaRegistryChange {
  personas: Persona[];
  problems: PersonaFileProblem[];
  added: string[];
  removed: string[];
  changed: string[];
}

export interface PersonaRegistryEvents extends Record<string, unknown> {
  change: PersonaRegistryChange;
}

/** How long a burst of file events is collected before one reload. */
export const RELOAD_DEBOUNCE_MS = 150;

/**
 * The personas that can be invoked, loaded from persona sources in precedence order (see
 * `personaSources`): a later source overrides an earlier one by id. A broken file is skipped
 * and listed in `problems` with its file and line; it never stops the others from loading.
 * A plain string is a folder of our own `<id>.md` format.
 */
export class PersonaRegistry implements Disposable {
  readonly events = new TypedEmitter<PersonaRegistryEvents>();
  private readonly sources: PersonaSource[];
  private personas = new Map<string, Persona>();
  private problemList: PersonaFileProblem[] = [];
  private signature = '';
  private readonly disposables: Disposable[] = [];

  constructor(sources: readonly (string | PersonaSource)[]) {
    this.sources = sources.map((s) => (typeof s === 'string' ? { format: 'agent-os', folder: s, suffix: '.md' } : s));
    this.reload();
  }

  /** Reads every source again; emits `change` (and returns it) when something differs. */
  reload(): PersonaRegistryChange | undefined {
    const personas = new Map<string, Persona>();
    const problems: PersonaFileProblem[] = [];
    for (const source of this.sources) {
      const fromThisSource = new Map<string, string>();
      for (const file of personaFiles(source)) {
        try {
          const persona = parsePersonaFileAs(source.format, readFileSync(file, 'utf8'), file);
          const earlier = fromThisSource.get(persona.id);
          if (earlier) {
            // Overriding is what later sources are for; two files of one folder claiming an id is a mistake.
            problems.push({ file, line: 1, message: `persona "${persona.id}" is already defined by ${earlier}; this file is skipped` });
            continue;
          }
          fromThisSource.set(persona.id, file);
          personas.set(persona.id, persona);
        } catch (err) {
          problems.push(problemOf(err) ?? { file, line: 1, message: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    const signature = JSON.stringify([[...personas.entries()].sort(([a], [b]) => a.localeCompare(b)), problems]);
    if (signature === this.signature) return undefined;
    const before = this.personas;
    this.personas = personas;
    this.problemList = problems;
    const first = this.signature === '';
    this.signature = signature;
    if (first) return undefined;
    const change: PersonaRegistryChange = {
      personas: this.list(),
      problems,
      added: [...personas.keys()].filter((id) => !before.has(id)).sort(),
      removed: [...before.keys()].filter((id) => !personas.has(id)).sort(),
      changed: [...personas.keys()].filter((id) => before.has(id) && JSON.stringify(before.get(id)) !== JSON.stringify(personas.get(id))).sort(),
    };
    this.events.emit('change', change);
    return change;
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onDidChange(listener: (change: PersonaRegistryChange) => void): () => void {
    return this.events.on('change', listener);
  }

  /**
   * Follows the workspace sources with `node:fs.watch` (see PersonaFolderWatcher) and reloads,
   * debounced, when they change. The editor and the CLI both use it.
   */
  watch(options: { debounceMs?: number; timers?: Timers; persistent?: boolean } = {}): Disposable {
    const debouncer = new Debouncer(options.debounceMs ?? RELOAD_DEBOUNCE_MS, () => this.reload(), options.timers);
    const folders = this.sources.flatMap((s) => (s.workspaceRoot ? [{ folder: s.folder, root: s.workspaceRoot }] : []));
    const watcher = new PersonaFolderWatcher(folders, () => debouncer.trigger(), { persistent: options.persistent });
    const handle: Disposable = {
      dispose: () => {
        watcher.dispose();
        debouncer.dispose();
      },
    };
    this.disposables.push(handle);
    return handle;
  }

  get problems(): readonly PersonaFileProblem[] {
    return this.problemList;
  }

  /** The sources, in precedence order. */
  get sourceList(): readonly PersonaSource[] {
    return this.sources;
  }

  list(): Persona[] {
    return [...this.personas.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): Persona | undefined {
    return this.personas.get(id);
  }

  require(id: string): Persona {
    const persona = this.personas.get(id);
    if (!persona) {
      const known = this.list().map((p) => p.id);
      throw new PersonaError('UNKNOWN_PERSONA', `There is no persona "${id}".`, known.length ? `Known personas: ${known.join(', ')}.` : 'No personas are loaded; check the "personas" folder.');
    }
    return persona;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) void d.dispose();
    this.events.removeAll();
  }
}

/** The source's persona files, sorted by name so a reload is deterministic. */
function personaFiles(source: PersonaSource): string[] {
  if (!existsSync(source.folder)) return [];
  let entries: string[];
  try {
    entries = readdirSync(source.folder);
  } catch {
    return [];
  }
  return entries
    .filter((name) => name.endsWith(source.suffix) && !name.startsWith('.'))
    .sort()
    .map((name) => join(source.folder, name))
    .filter((file) => {
      try {
        return statSync(file).isFile();
      } catch {
        return false;
      }
    });
}
