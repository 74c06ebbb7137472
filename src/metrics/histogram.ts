import type { HistogramBucket, Percentiles } from './reportTypes';

/**
 * Log-scale buckets: bucket k holds the samples in (2^((k-1)/4), 2^(k/4)] ms, bucket 0 those
 * at or below 1 ms. Four buckets per doubling keep a bucket's bound within 19% of any sample in
 * it, in 160 buckets up to about a year, so a day's histogram is a few rows whatever the volume.
 * A percentile is read as the bound of the bucket it falls in: an upper bound, never an average.
 */
export const BUCKETS_PER_DOUBLING = 4;
const MAX_BUCKET = 160;

/** The bucket a sample of `ms` falls in. */
export function bucketOf(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 1) return 0;
  return Math.min(MAX_BUCKET, Math.ceil(Math.log2(ms) * BUCKETS_PER_DOUBLING - 1e-9));
}

/** A bucket's upper bound in whole ms (rounded up, so it stays an upper bound). */
export function boundOf(bucket: number): number {
  return Math.ceil(2 ** (bucket / BUCKETS_PER_DOUBLING) - 1e-9);
}

/** Sample counts by bucket, merged into non-empty buckets by their whole-ms bound, ascending. */
export function toBuckets(counts: ReadonlyMap<number, number>): HistogramBucket[] {
  const byBound = new Map<number, number>();
  for (const [bucket, count] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (count <= 0) continue;
    const le = boundOf(bucket);
    byBound.set(le, (byBound.get(le) ?? 0) + count);
  }
  return [...byBound].map(([le, count]) => ({ le, count }));
}

/** p50 and p90: the bound of the bucket in which the percentile's sample lies (null with no samples). */
export function percentiles(buckets: readonly HistogramBucket[]): Percentiles {
  const count = buckets.reduce((sum, b) => sum + b.count, 0);
  const at = (p: number): number | null => {
    if (count === 0) return null;
    const rank = Math.ceil(p * count);
    let seen = 0;
    for (const b of buckets) {
      seen += b.count;
      if (seen >= rank) return b.le;
    }
    return buckets[buckets.length - 1]!.le;
  };
  return { count, p50: at(0.5), p90: at(0.9) };
}
