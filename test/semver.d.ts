// semver ships no types and @types/semver is not installed; these are the few functions the engines test uses.
declare module 'semver' {
  /** True when every version `sub` allows is also allowed by `dom`. */
  export function subset(sub: string, dom: string): boolean;
  /** The lowest version `range` allows, or null when it allows none. */
  export function minVersion(range: string): { version: string } | null;
  export function validRange(range: string): string | null;
  export function valid(version: string): string | null;
  export function gte(a: string, b: string): boolean;
  export function satisfies(version: string, range: string): boolean;
}
