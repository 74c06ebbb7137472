// The order personas are offered in: the core team first, in the order the design introduces
// it, then the specialists. Plain code (no `vscode`), so the unit tests check it.
import type { Persona } from '../personas/personaFile';

/** The core personas in the design's order (README, docs/personas). */
export const CORE_ORDER = ['architect', 'engineer', 'data', 'qa', 'security', 'sre', 'workflow-executor'];

export interface PersonaGroups<P> {
  core: P[];
  specialists: P[];
}

/**
 * Core personas (no `specialty`) in CORE_ORDER, a workspace's own core personas after them by
 * id; specialists by id. A workspace file that overrides a shipped core persona as a specialist
 * is listed where its file says.
 */
export function groupPersonas<P extends Pick<Persona, 'id' | 'specialty'>>(personas: readonly P[]): PersonaGroups<P> {
  const rank = (p: P): number => {
    const i = CORE_ORDER.indexOf(p.id);
    return i === -1 ? CORE_ORDER.length : i;
  };
  const byId = (a: P, b: P): number => a.id.localeCompare(b.id);
  const core = personas.filter((p) => p.specialty === null).sort((a, b) => rank(a) - rank(b) || byId(a, b));
  const specialists = personas.filter((p) => p.specialty !== null).sort(byId);
  return { core, specialists };
}
