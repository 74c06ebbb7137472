import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PersonaError } from '../core/errors';
import { parsePersonaFile, problemOf, type Persona, type PersonaFileProblem } from './personaFile';

/**
 * The personas that can be invoked, loaded from folders of `<id>.md` files.
 * Later folders override earlier ones by id (shipped first, then the workspace's).
 * A broken file is skipped and reported; it never stops the others from loading.
 */
export class PersonaRegistry {
  private personas = new Map<string, Persona>();
  private problemList: PersonaFileProblem[] = [];

  constructor(private readonly folders: string[]) {
    this.reload();
  }

  reload(): void {
    const personas = new Map<string, Persona>();
    const problems: PersonaFileProblem[] = [];
    for (const folder of this.folders) {
      if (!existsSync(folder)) continue;
      for (const entry of readdirSync(folder).filter((f) => f.endsWith('.md')).sort()) {
        const file = join(folder, entry);
        try {
          const persona = parsePersonaFile(readFileSync(file, 'utf8'), file, basename(entry, '.md'));
          personas.set(persona.id, persona);
        } catch (err) {
          problems.push(problemOf(err) ?? { file, line: 1, message: err instanceof Error ? err.message : String(err) });
        }
      }
    }
    this.personas = personas;
    this.problemList = problems;
  }

  get problems(): readonly PersonaFileProblem[] {
    return this.problemList;
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
}
