import { loadavg } from 'node:os';

/** One run of one thing: its wall time, the machine's 1-minute load average as it started, and what else was measured. */
export interface Sample {
  readonly seconds: number;
  readonly load: number;
  /** Peak resident memory of the measured process, KiB. */
  readonly rssKb?: number;
  /** The slowest host session inside the run (from bosun's JSON report), seconds. */
  readonly sessionSeconds?: number;
}

/** min / median / max of some numbers. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/** The 1-minute load average now. */
export function load(): number {
  return loadavg()[0]!;
}

/** Runs `fn` once and times it (wall clock), noting the load average it started under. */
export async function sample(fn: () => Promise<Omit<Sample, 'seconds' | 'load'> | undefined>): Promise<Sample> {
  const started = performance.now();
  const at = load();
  const extra = (await fn()) ?? {};
  return { seconds: (performance.now() - started) / 1000, load: at, ...extra };
}

/** `1.23 s` (milliseconds under a tenth of a second) */
export function secs(value: number): string {
  if (Number.isNaN(value)) return '-';
  return value < 0.1 ? `${(value * 1000).toFixed(1)} ms` : `${value.toFixed(2)} s`;
}

/** `0.41 / 0.45 / 0.52 s` */
export function secsSpread(values: readonly number[]): string {
  const { min, median: mid, max } = spread(values);
  return `${secs(min)} / ${secs(mid)} / ${secs(max)}`;
}

/** `12.3x` */
export function ratio(a: number, b: number): string {
  return Number.isNaN(a) || Number.isNaN(b) || b === 0 ? '-' : `${(a / b).toFixed(a / b < 10 ? 2 : 1)}x`;
}

/** The load averages a set of samples ran under: `3.1–7.9`. */
export function loadRange(samples: readonly Sample[]): string {
  if (samples.length === 0) return '-';
  const loads = samples.map((s) => s.load);
  return `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
}

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
