import { batchStopsRun, serialBatches, type Serial } from './batches.ts';

export type { Serial } from './batches.ts';

/** How hosts are fanned out. */
export interface FanOutOptions<H, R> {
  /** Hosts run at the same time, at most (within a batch). */
  readonly forks: number;
  /** Rolling batches; see `Serial`. One batch of every host when absent. */
  readonly serial?: Serial;
  /** Stop later batches when more than this percentage of a batch failed. */
  readonly maxFailPercentage?: number;
  /** Whether a host's result counts as a failure (failed or unreachable). */
  readonly isFailure: (result: R) => boolean;
  /** Called as each host's result arrives, in completion order. */
  readonly onResult?: (host: H, result: R) => void;
  /** Called when a batch starts (index from 0), before any of its hosts. */
  readonly onBatch?: (index: number, hosts: readonly H[]) => void;
  /**
   * Turns an exception of `runOne` into a result, so one broken host does not end
   * the run. Without it the first exception is rethrown once its batch has finished.
   */
  readonly onError?: (host: H, error: unknown) => R;
  /** Interrupts the run: no new host starts and running hosts see their signal aborted. */
  readonly signal?: AbortSignal;
}

/** What a fan-out did. */
export interface FanOutResult<H, R> {
  /** Results of every host that ran (hosts of batches never started are absent). */
  readonly results: Map<H, R>;
  /** The batches, in order, as `serial` cut them. */
  readonly batches: readonly (readonly H[])[];
  /** Index of the batch whose failures stopped the run, when one did. */
  readonly stoppedAfterBatch?: number;
  /** Hosts never started (later batches of a stopped run, or an interruption). */
  readonly notRun: readonly H[];
}

/**
 * Runs `runOne` for every host, `forks` at a time, batch after batch (Ansible's
 * `serial`), stopping after a batch whose failures exceed the limit. A failed or
 * unreachable host never stops the other hosts of its batch.
 */
export async function fanOut<H, R>(
  hosts: readonly H[],
  runOne: (host: H, signal: AbortSignal) => Promise<R>,
  options: FanOutOptions<H, R>,
): Promise<FanOutResult<H, R>> {
  const forks = Math.max(1, Math.floor(options.forks));
  const batches = serialBatches(hosts, options.serial);
  const results = new Map<H, R>();
  const signal = options.signal ?? new AbortController().signal;
  for (const [index, batch] of batches.entries()) {
    if (signal.aborted) break;
    options.onBatch?.(index, batch);
    const failures = await runBatch(batch, runOne, forks, signal, options, results);
    if (batchStopsRun(failures, batch.length, options.maxFailPercentage) && index < batches.length - 1) {
      return { results, batches, stoppedAfterBatch: index, notRun: hosts.filter((host) => !results.has(host)) };
    }
  }
  return { results, batches, notRun: hosts.filter((host) => !results.has(host)) };
}

/** Runs one batch with a pool of `forks` workers; returns how many hosts failed. */
async function runBatch<H, R>(
  batch: readonly H[],
  runOne: (host: H, signal: AbortSignal) => Promise<R>,
  forks: number,
  signal: AbortSignal,
  options: FanOutOptions<H, R>,
  results: Map<H, R>,
): Promise<number> {
  let next = 0;
  let failures = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < batch.length && !signal.aborted) {
      const host = batch[next++]!;
      let result: R;
      try {
        result = await runOne(host, signal);
      } catch (error) {
        if (options.onError === undefined) {
          errors.push(error);
          failures += 1;
          continue;
        }
        result = options.onError(host, error);
      }
      results.set(host, result);
      if (options.isFailure(result)) failures += 1;
      options.onResult?.(host, result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(forks, batch.length) }, worker));
  if (errors.length > 0) throw errors[0];
  return failures;
}
