// The metrics' tables in the shared store: counters and histograms per day that outlive the
// jobs (retention and reset delete jobs, never these). Numbered .sql files bundled as strings; append only.
import type { SchemaModule } from '../../jobs/schema';
import m001 from './001_metrics.sql';

export const METRICS_SCHEMA: SchemaModule = {
  name: 'metrics',
  migrations: [{ version: 1, name: '001_metrics', sql: m001 }],
};
