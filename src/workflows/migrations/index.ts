// The workflows' tables in the shared store (durable phase-gated sessions). Numbered .sql
// files bundled as strings; append only.
import type { SchemaModule } from '../../jobs/schema';
import m001 from './001_workflow_sessions.sql';

export const WORKFLOWS_SCHEMA: SchemaModule = {
  name: 'workflows',
  migrations: [{ version: 1, name: '001_workflow_sessions', sql: m001 }],
};
