/** "1 standard", "2 standards": a count as a person reads it; `plural` when adding an s is wrong. */
export function countOf(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
