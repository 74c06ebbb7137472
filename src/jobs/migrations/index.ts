// Each migration is a numbered .sql file, bundled as a string (esbuild's text loader;
// the unit-test build registers the same loader). Append only: never edit a shipped one.
import m001 from './001_jobs.sql';
import m002 from './002_maintenance.sql';
import m003 from './003_standard_proposals.sql';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001_jobs', sql: m001 },
  { version: 2, name: '002_maintenance', sql: m002 },
  { version: 3, name: '003_standard_proposals', sql: m003 },
];
