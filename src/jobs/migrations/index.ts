// The job queue's tables. Each migration is a numbered .sql file, bundled as a string
// (esbuild's text loader; the unit-test build registers the same loader).
import type { SchemaModule } from '../schema';
import m001 from './001_jobs.sql';
import m002 from './002_maintenance.sql';
import m003 from './003_usage_and_source.sql';

export const JOBS_SCHEMA: SchemaModule = {
  name: 'jobs',
  migrations: [
    { version: 1, name: '001_jobs', sql: m001 },
    { version: 2, name: '002_maintenance', sql: m002 },
    { version: 3, name: '003_usage_and_source', sql: m003 },
  ],
  legacyVersions: { 1: 1, 2: 2 },
};
