import type { HostStatus } from './results.ts';

/** Where live output goes: a stream's `write` (process.stdout) or a test buffer. */
export interface ProgressSink {
  write(text: string): unknown;
}

/** Running totals of a fan-out. */
export interface ProgressCounts {
  readonly total: number;
  readonly done: number;
  /** Hosts that changed (apply) or would change (check). */
  readonly changed: number;
  readonly failed: number;
  readonly unreachable: number;
}

/** The progress line's text: `[3/10 hosts] 2 changed, 1 failed, 0 unreachable`. */
export function progressText(counts: ProgressCounts): string {
  return `[${counts.done}/${counts.total} hosts] ${counts.changed} changed, ${counts.failed} failed, ${counts.unreachable} unreachable`;
}

/** Erase the current terminal line and go back to its start. */
const CLEAR_LINE = '\r\u001b[2K';

/**
 * Live output of a run. Lines (step and host results) are written as they arrive.
 * On a terminal one progress line stays at the bottom and is redrawn in place;
 * elsewhere (a pipe, a CI log) output is plain lines with no control characters.
 */
export class Progress {
  readonly #sink: ProgressSink;
  readonly #isTTY: boolean;
  #counts: ProgressCounts;
  #shown = false;

  constructor(sink: ProgressSink, options: { readonly isTTY: boolean; readonly total: number }) {
    this.#sink = sink;
    this.#isTTY = options.isTTY;
    this.#counts = { total: options.total, done: 0, changed: 0, failed: 0, unreachable: 0 };
  }

  /** Current totals. */
  get counts(): ProgressCounts {
    return this.#counts;
  }

  /** Writes result text (whole lines) above the progress line. */
  write(text: string): void {
    if (text === '') return;
    if (!this.#isTTY) {
      this.#sink.write(text);
      return;
    }
    this.#sink.write((this.#shown ? CLEAR_LINE : '') + text);
    this.#draw();
  }

  /** Counts a finished host and, with `text`, prints its line. */
  hostDone(status: HostStatus, text = ''): void {
    const c = this.#counts;
    this.#counts = {
      ...c,
      done: c.done + 1,
      changed: c.changed + (status === 'changed' || status === 'would-change' ? 1 : 0),
      failed: c.failed + (status === 'failed' ? 1 : 0),
      unreachable: c.unreachable + (status === 'unreachable' ? 1 : 0),
    };
    if (text !== '') this.write(text);
    else if (this.#isTTY) this.#draw();
  }

  /** Removes the progress line (before the recap); output continues as plain lines. */
  finish(): void {
    if (this.#isTTY && this.#shown) this.#sink.write(CLEAR_LINE);
    this.#shown = false;
  }

  #draw(): void {
    this.#sink.write(CLEAR_LINE + progressText(this.#counts));
    this.#shown = true;
  }
}
