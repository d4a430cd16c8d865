import { execa } from 'execa';
import { endGroupOnAbort, streamSession } from './session.ts';
import type { RunOutcome, RunRequest, Transport } from './transport.ts';

/** Runs the script on this machine: `sh -s MODE`, or `sudo -n sh -s MODE` with become. */
export class LocalTransport implements Transport {
  constructor(private readonly options: { readonly become?: boolean; readonly becomeUser?: string } = {}) {}

  run(request: RunRequest): Promise<RunOutcome> {
    const argv = this.options.become
      ? ['sudo', '-n', ...(this.options.becomeUser ? ['-u', this.options.becomeUser] : []), 'sh', '-s', request.mode]
      : ['sh', '-s', request.mode];
    const [file, ...args] = argv as [string, ...string[]];
    const child = execa(file, args, { input: request.script, reject: false, buffer: false, cancelSignal: request.signal, detached: true });
    endGroupOnAbort(child, request.signal);
    return streamSession(child, request);
  }
}
