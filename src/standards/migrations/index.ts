// The standards' tables in the shared store (proposals waiting for a person's decision).
// Numbered .sql files bundled as strings; append only.
import type { SchemaModule } from '../../jobs/schema';
import m001 from './001_standard_proposals.sql';

export const STANDARDS_SCHEMA: SchemaModule = {
  name: 'standards',
  migrations: [{ version: 1, name: '001_standard_proposals', sql: m001 }],
  // Stores written before each module had its own numbers knew this table as global version 3.
  legacyVersions: { 3: 1 },
};
