import { execa } from 'execa';
import type { Secret } from '../compiler/secret.ts';
import type { Become } from '../inventory/host.ts';
import { becomePreamble, sessionCommand } from './session-command.ts';
import { endGroupOnAbort, streamSession } from './session.ts';
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
 * Runs the script on this machine: `sh -s MODE`, or with become the same sudo
 * command line an SSH session runs (`sudo -n`, or `sudo -S` reading the password
 * from stdin ahead of the script).
 */
export class LocalTransport implements Transport {
  constructor(private readonly options: LocalTransportOptions = {}) {}

  async run(request: RunRequest): Promise<RunOutcome> {
    const become = this.options.become;
    const password = become?.enabled === true ? this.options.becomePassword?.reveal() : undefined;
    const secrets = password === undefined ? [] : [password];
    const input = (password === undefined ? '' : becomePreamble(password)) + request.script;
    const args = become?.enabled === true ? ['-c', sessionCommand(request.mode, become, password !== undefined).text] : ['-s', request.mode];
    const child = execa('sh', args, { input, reject: false, buffer: false, cancelSignal: request.signal, detached: true });
    endGroupOnAbort(child, request.signal);
    const { scriptStarted, ...outcome } = await streamSession(child, request, secrets);
    const refused = become?.enabled === true && !scriptStarted ? sudoProblem(outcome.stderr) : undefined;
    return { ...outcome, ...(refused !== undefined && { reason: refused }) };
  }
}
