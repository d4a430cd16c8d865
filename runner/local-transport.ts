import { execa } from 'execa';
import type { Secret } from '../compiler/secret.ts';
import type { Become } from '../compiler/host.ts';
import { endGroupOnAbort, streamSession } from './session.ts';
import { becomePreamble, framedScript, sessionCommand } from './session-command.ts';
import { sudoProblem } from './sudo-problem.ts';
import type { RunOutcome, RunRequest, Transport } from './transport.ts';

/** How the local transport runs its scripts. */
export interface LocalTransportOptions {
  /** Run under sudo (as root, or as `become.user`). */
  readonly become?: Become;
  /** The sudo password (`--ask-become-pass`): sent on stdin, never on argv. */
  readonly becomePassword?: Secret;
}

/**
 * Runs the script on this machine with the same command line an SSH session runs
 * (`sh -s MODE watch`, under `sudo -n`, or `sudo -S` reading the password from stdin
 * ahead of the script), in a process group of its own that an abort ends whole.
 */
export class LocalTransport implements Transport {
  constructor(private readonly options: LocalTransportOptions = {}) {}

  async run(request: RunRequest): Promise<RunOutcome> {
    const become = this.options.become?.enabled === true ? this.options.become : undefined;
    const password = become === undefined ? undefined : this.options.becomePassword?.reveal();
    const secrets = password === undefined ? [] : [password];
    const framed = framedScript(request.script);
    const input = (password === undefined ? '' : becomePreamble(password)) + framed.input;
    const limit = request.timeoutMs === undefined ? undefined : Math.ceil(request.timeoutMs / 1000) + 1;
    const command = sessionCommand(request.mode, become, password !== undefined, framed, limit);
    const child = execa('sh', ['-c', command.text], { reject: false, buffer: false, cancelSignal: request.signal, detached: true });
    endGroupOnAbort(child, request.signal);
    const { scriptStarted, ...outcome } = await streamSession(child, request, input, secrets);
    const refused = become !== undefined && !scriptStarted ? sudoProblem(outcome.stderr) : undefined;
    return { ...outcome, ...(refused !== undefined && { reason: refused }) };
  }
}
