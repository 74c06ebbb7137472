import type { JournalParam } from '../jobs/journal';

/** One statement of a durable write (JournaledDatabase.writeAll, the job store's `meter`). */
export interface MetricsStatement {
  sql: string;
  params: JournalParam[];
}

/** Adds `count` to a counter row, creating it at 0 first. */
export function counterUpsert(day: string, name: string, key: string, detail: string, count: number): MetricsStatement {
  return {
    sql: `INSERT INTO metrics_counters (day, name, key, detail, count) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (day, name, key, detail) DO UPDATE SET count = count + excluded.count`,
    params: [day, name, key, detail, count],
  };
}

export function histogramUpsert(day: string, series: string, key: string, bucket: number, count: number): MetricsStatement {
  return {
    sql: `INSERT INTO metrics_histograms (day, series, key, bucket, count) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (day, series, key, bucket) DO UPDATE SET count = count + excluded.count`,
    params: [day, series, key, bucket, count],
  };
}
