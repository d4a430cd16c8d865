import type { RunRequest, Transport } from '../../runner/transport.ts';

/**
 * Passes through to a transport and keeps what crossed the session: every stdout line (to see
 * the order of events) and how many bytes the runner sent after the script (data sections).
 */
export class Recording implements Transport {
  lines: string[] = [];
  inputBytes = 0;
  constructor(private readonly inner: Transport) {}
  run(request: RunRequest) {
    this.lines = [];
    this.inputBytes = 0;
    return this.inner.run({
      ...request,
      onLine: (line) => {
        this.lines.push(line);
        request.onLine(line);
      },
      onInput: (input) =>
        request.onInput?.({
          write: (chunk) => {
            this.inputBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
            return input.write(chunk);
          },
        }),
    });
  }
  /** The frames of kind `t` of the last run. */
  frames(t: string): string[] {
    return this.lines.filter((line) => line.startsWith(`@@bosun {"t":"${t}"`));
  }
}
