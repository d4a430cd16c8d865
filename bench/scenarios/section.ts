import type { Sample } from '../stats.ts';

/** What a scenario gives the report: a markdown section, and its raw samples for the JSON file. */
export interface Section {
  readonly title: string;
  readonly markdown: string;
  readonly samples: Readonly<Record<string, readonly Sample[]>>;
}

/** How many interleaved runs of each figure (BENCH_REPEATS, default 3). */
export function repeats(): number {
  return Math.max(1, Number(process.env.BENCH_REPEATS ?? '3'));
}

/** A list of sizes from an env var (`BENCH_STEPS=100,1000`), or the defaults. */
export function sizes(name: string, defaults: readonly number[]): number[] {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? [...defaults] : value.split(',').map(Number);
}

/** Samples by figure name, appended to as runs come in. */
export class Samples {
  readonly all: Record<string, Sample[]> = {};
  add(name: string, sample: Sample): Sample {
    const list = this.all[name] ?? [];
    list.push(sample);
    this.all[name] = list;
    return sample;
  }
  get(name: string): Sample[] {
    return this.all[name] ?? [];
  }
  seconds(name: string): number[] {
    return this.get(name).map((s) => s.seconds);
  }
}
