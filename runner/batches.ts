import { ValidationError } from '../compiler/errors.ts';

/**
 * Rolling batch sizes, as Ansible's `serial`: a host count (`3`), a percentage of
 * all hosts (`"25%"`), or a list of either whose last value repeats
 * (`[1, "25%", "100%"]`). Absent, 0 or an empty list: one batch of every host.
 */
export type Serial = number | string | readonly (number | string)[];

/**
 * Splits hosts, in order, into the batches `serial` asks for. A percentage is of
 * the total host count, rounded down but never below 1 (Ansible's pct_to_int).
 */
export function serialBatches<H>(hosts: readonly H[], serial: Serial | undefined): H[][] {
  const sizes = serial === undefined ? [] : ([] as readonly (number | string)[]).concat(serial);
  const remaining = [...hosts];
  const batches: H[][] = [];
  let item = 0;
  while (remaining.length > 0) {
    const size = sizes.length === 0 ? 0 : batchSize(sizes[item]!, hosts.length);
    if (size <= 0) {
      batches.push(remaining.splice(0));
      break;
    }
    batches.push(remaining.splice(0, size));
    item = Math.min(item + 1, sizes.length - 1);
  }
  return batches;
}

/** One `serial` value as a host count. */
export function batchSize(value: number | string, totalHosts: number): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new ValidationError('serial', `${value} is not a whole number of hosts`);
    return value;
  }
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  if (percent !== null) return Math.floor((Number(percent[1]) / 100) * totalHosts) || 1;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  throw new ValidationError('serial', `"${value}" is neither a host count nor a percentage such as "25%"`);
}

/**
 * Whether a finished batch stops the run. With a limit: more than `maxFailPercentage`
 * percent of the batch failed (strictly more, as Ansible's max_fail_percentage;
 * 0 stops at the first failure). Without one: every host of the batch failed
 * (Ansible stops a play then too).
 */
export function batchStopsRun(failed: number, batchSize: number, maxFailPercentage: number | undefined): boolean {
  if (batchSize === 0 || failed === 0) return false;
  if (maxFailPercentage === undefined) return failed === batchSize;
  return (failed / batchSize) * 100 > maxFailPercentage;
}

/** Parses `--serial` from the command line: `3`, `25%` or `1,25%,100%`. */
export function parseSerial(text: string): Serial {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new ValidationError('--serial', `"${text}" has an empty item`);
  const values = items.map((item) => (/^\d+$/.test(item) ? Number(item) : item));
  for (const value of values) batchSize(value, 1);
  return values.length === 1 ? values[0]! : values;
}
