/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `fn` `times` times, one after the other; returns each duration in seconds. */
export async function timed(times: number, fn: () => Promise<void>): Promise<number[]> {
  const seconds: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    await fn();
    seconds.push((performance.now() - started) / 1000);
  }
  return seconds;
}

/** `1.23 s` */
export function secs(value: number): string {
  return Number.isNaN(value) ? '-' : `${value.toFixed(2)} s`;
}

/** `12.3x` */
export function ratio(a: number, b: number): string {
  return Number.isNaN(a) || Number.isNaN(b) || b === 0 ? '-' : `${(a / b).toFixed(1)}x`;
}
