import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskSecrets } from '../compiler/secret.ts';
import type { SshConnection } from '../compiler/host.ts';
import { streamSession } from './session.ts';
import { sshArgs } from './ssh-args.ts';
import { diagnose } from './ssh-diagnosis.ts';
import type { SshTransportOptions } from './ssh-options.ts';
import { becomePreamble, framedScript, sessionCommand } from './session-command.ts';
import type { RunOutcome, RunRequest, Transport } from './transport.ts';

export type { SshTransportOptions } from './ssh-options.ts';

/**
 * Runs a host's script over ONE session of the system OpenSSH client: the script
 * (after the become password, when there is one) goes on stdin of `sh -s MODE`,
 * framed results come back on stdout. Connections are multiplexed (ControlMaster),
 * so a check followed by an apply pays for one handshake; call `close()` at the end.
 */
export class SshTransport implements Transport {
  readonly #connection: SshConnection;
  readonly #options: SshTransportOptions;
  #controlDir: Promise<string> | undefined;
  #ownsControlDir = false;

  constructor(connection: SshConnection, options: SshTransportOptions = {}) {
    this.#connection = connection;
    this.#options = options;
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    const password = this.#options.becomePassword?.reveal();
    const withPassword = password !== undefined && this.#connection.become?.enabled === true;
    const secrets = password === undefined ? [] : [password];
    const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs;
    // The host's own limit starts after ours and ends a second later, so ours is the one reported.
    const hostLimitSeconds = timeoutMs === undefined ? undefined : Math.ceil(timeoutMs / 1000) + 1;
    const framed = framedScript(request.script);
    const command = sessionCommand(request.mode, this.#connection.become, withPassword, framed, hostLimitSeconds);
    const args = [...sshArgs(this.#connection, this.#options, await this.#control()), command.text];
    const input = (withPassword ? becomePreamble(password) : '') + framed.input;

    const timeout = this.#options.timeoutMs === undefined ? undefined : AbortSignal.timeout(this.#options.timeoutMs);
    const signals = [request.signal, timeout].filter((signal): signal is AbortSignal => signal !== undefined);
    const cancelSignal = signals.length === 0 ? undefined : AbortSignal.any(signals);

    // The multiplexing master holds the session's stdio (the client passed it over):
    // killing the client alone would leave the session running, so end the master too.
    const multiplexed = this.#options.multiplex !== false;
    const controlDir = await this.#control();
    const onAbort = () => void (multiplexed && this.#exitMaster(controlDir));
    cancelSignal?.addEventListener('abort', onAbort, { once: true });

    const child = execa(this.#options.sshProgram ?? 'ssh', args, {
      reject: false,
      buffer: false,
      ...(cancelSignal === undefined ? {} : { cancelSignal }),
      // ssh must not inherit a terminal to ask on; BatchMode also says so.
      env: { SSH_ASKPASS_REQUIRE: 'never' },
    });
    // sudo never echoes the password, but nothing printed may carry it.
    const outcome = await streamSession(child, request, input, secrets);
    cancelSignal?.removeEventListener('abort', onAbort);
    const { stderr, scriptStarted } = outcome;
    const diagnosis = diagnose({
      destination: destination(this.#connection),
      exitCode: outcome.exitCode,
      stderr,
      scriptStarted,
      ...(timeout?.aborted === true && timeoutMs !== undefined ? { timedOutAfterMs: timeoutMs } : {}),
      ...(request.signal?.aborted === true ? { cancelled: true } : {}),
    });
    return {
      exitCode: diagnosis.unreachable || diagnosis.sessionDied ? undefined : outcome.exitCode,
      unreachable: diagnosis.unreachable,
      ...(diagnosis.reason === undefined ? {} : { reason: maskSecrets(diagnosis.reason, secrets) }),
      stderr,
    };
  }

  /** Ends the multiplexing master (if any) and removes a control directory this transport made. */
  async close(): Promise<void> {
    if (this.#controlDir === undefined) return;
    const dir = await this.#controlDir;
    if (this.#options.multiplex !== false) await this.#exitMaster(dir);
    if (this.#ownsControlDir) await rm(dir, { recursive: true, force: true });
    this.#controlDir = undefined;
  }

  async #exitMaster(controlDir: string): Promise<void> {
    const args = sshArgs(this.#connection, this.#options, controlDir).slice(0, -2);
    await execa(this.#options.sshProgram ?? 'ssh', [...args, '-O', 'exit', '--', this.#connection.address], {
      reject: false,
      stdin: 'ignore',
    });
  }

  #control(): Promise<string> {
    if (this.#controlDir === undefined) {
      if (this.#options.controlDir !== undefined) {
        this.#controlDir = Promise.resolve(this.#options.controlDir);
      } else if (this.#options.multiplex === false) {
        // Without multiplexing there are no sockets: no directory to make.
        this.#controlDir = Promise.resolve('');
      } else {
        // mkdtemp makes the directory 0700: nobody else may reach our sockets.
        this.#ownsControlDir = true;
        this.#controlDir = mkdtemp(join(tmpdir(), 'bosun-ssh-'));
      }
    }
    return this.#controlDir;
  }
}

/** `user@address:port` as a person reads it in a message. */
function destination(connection: SshConnection): string {
  const user = connection.user === undefined ? '' : `${connection.user}@`;
  const port = connection.port === undefined ? '' : `:${connection.port}`;
  return `${user}${connection.address}${port}`;
}
