/** Metrics are kept per UTC day: the same day wherever the user or the CI runs. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The first UTC day of a range of `days` days ending today (today included). */
export function firstDayOf(days: number, now: number): string {
  const today = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate());
  return utcDay(today - (days - 1) * 86_400_000);
}
