// The findings' table in the shared store (after the jobs', which it references). Numbered .sql
// files bundled as strings; append only.
import type { SchemaModule } from '../../jobs/schema';
import m001 from './001_findings.sql';

export const FINDINGS_SCHEMA: SchemaModule = {
  name: 'findings',
  migrations: [{ version: 1, name: '001_findings', sql: m001 }],
};
