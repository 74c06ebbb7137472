import type { Database, SqlValue } from 'sql.js';
import { PersonaError } from '../core/errors';

/** One numbered migration of a module; append only, never edit a shipped one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The tables one module owns in the shared store, as numbered migrations. Modules are
 * migrated in the order they are given (a module whose tables refer to another's comes after
 * it). `legacyVersions` maps the single global version of stores written before modules had
 * their own numbers to this module's version, so such a store is recognised, not re-created.
 */
export interface SchemaModule {
  name: string;
  migrations: readonly Migration[];
  legacyVersions?: Readonly<Record<number, number>>;
}

/**
 * Stores written before per-module numbers kept one global version in `schema_migrations`.
 * This store keeps a row there at this version, so a build from before the change refuses the
 * store as newer ("update the extension") instead of re-running its migrations over it.
 */
const LEGACY_SENTINEL_VERSION = 100;

export function latestVersion(module: SchemaModule): number {
  return module.migrations[module.migrations.length - 1]?.version ?? 0;
}

/** The bookkeeping tables; safe on any store (they change no module's rows). */
export function ensureSchemaTables(db: Database): void {
  db.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  db.run('CREATE TABLE IF NOT EXISTS schema_versions (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL, PRIMARY KEY (module, version))');
}

/**
 * Each module's version in this store: its rows in `schema_versions`, or for a store from
 * before per-module numbers, its `legacyVersions` read off the global version.
 */
export function storedVersions(db: Database, modules: readonly SchemaModule[]): Map<string, number> {
  const versions = new Map<string, number>();
  for (const [module, version] of rows(db, 'SELECT module, MAX(version) FROM schema_versions GROUP BY module')) {
    versions.set(String(module), Number(version));
  }
  const legacy = Number(rows(db, 'SELECT COALESCE(MAX(version), 0) FROM schema_migrations')[0]?.[0] ?? 0);
  if (legacy > 0 && legacy < LEGACY_SENTINEL_VERSION) {
    for (const module of modules) {
      const mapped = Object.entries(module.legacyVersions ?? {}).filter(([g]) => Number(g) <= legacy).map(([, v]) => v);
      if (mapped.length > 0 && !versions.has(module.name)) versions.set(module.name, Math.max(...mapped));
    }
  }
  return versions;
}

/** Refuses a store in which a module is newer than this build knows. */
export function assertNotNewer(db: Database, modules: readonly SchemaModule[], where: string): Map<string, number> {
  const versions = storedVersions(db, modules);
  for (const module of modules) {
    const stored = versions.get(module.name) ?? 0;
    if (stored > latestVersion(module)) {
      throw new PersonaError(
        'STORE_NEWER_VERSION',
        `The store in ${where} was written by a newer version of Agent OS Personas (its ${module.name} schema is ${stored}; this version knows ${latestVersion(module)}).`,
        'Update the Agent OS Personas extension, or move that folder aside to start an empty store.',
      );
    }
  }
  return versions;
}

/**
 * Brings every module up to its latest version, each migration in one transaction that
 * records it, and moves a store from before per-module numbers onto them. Returns whether
 * anything changed (the caller snapshots: migrations are not journaled).
 */
export function migrateModules(db: Database, modules: readonly SchemaModule[], now: number, where: string): boolean {
  const versions = assertNotNewer(db, modules, where);
  let changed = adoptLegacyVersions(db, modules, versions, now);
  for (const module of modules) {
    const from = versions.get(module.name) ?? 0;
    for (const migration of module.migrations.filter((m) => m.version > from)) {
      db.run('BEGIN');
      try {
        db.exec(migration.sql);
        db.run('INSERT INTO schema_versions (module, version, name, applied_at) VALUES (?, ?, ?, ?)', [module.name, migration.version, migration.name, now]);
        db.run('COMMIT');
      } catch (err) {
        db.run('ROLLBACK');
        throw new PersonaError('STORE_CORRUPT', `Migration ${module.name}/${migration.name} failed in ${where}: ${String(err)}`, 'Report this as a bug; move the .agent-os/jobs.* files aside to start an empty store.', { cause: err });
      }
      changed = true;
    }
  }
  return changed;
}

/** Records the versions read off a legacy store as rows of their modules, and marks the store. */
function adoptLegacyVersions(db: Database, modules: readonly SchemaModule[], versions: Map<string, number>, now: number): boolean {
  const hasSentinel = rows(db, 'SELECT 1 FROM schema_migrations WHERE version = ?', [LEGACY_SENTINEL_VERSION]).length > 0;
  if (hasSentinel) return false;
  db.run('BEGIN');
  try {
    for (const module of modules) {
      const adopted = versions.get(module.name) ?? 0;
      const recorded = Number(rows(db, 'SELECT COALESCE(MAX(version), 0) FROM schema_versions WHERE module = ?', [module.name])[0]?.[0] ?? 0);
      for (const migration of module.migrations.filter((m) => m.version > recorded && m.version <= adopted)) {
        db.run('INSERT INTO schema_versions (module, version, name, applied_at) VALUES (?, ?, ?, ?)', [module.name, migration.version, migration.name, now]);
      }
    }
    db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [LEGACY_SENTINEL_VERSION, 'versions moved to schema_versions (one per module)', now]);
    db.run('COMMIT');
  } catch (err) {
    db.run('ROLLBACK');
    throw err;
  }
  return true;
}

function rows(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  return db.exec(sql, params)[0]?.values ?? [];
}
