// Small statistics shared by the benchmarks.

/**
 * The p-th percentile of an ascending array, nearest-rank: the smallest value with at least p% of
 * the values at or below it, so it is always a value that was measured (p99 of 10 samples is the
 * slowest of the 10). Undefined for no values, which the tables print as "n/a".
 */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** An ascending copy: percentile() wants sorted input, and the caller's array stays as it was. */
export const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
