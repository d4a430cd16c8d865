import { execa } from 'execa';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { endGroupOnAbort, streamSession } from './session.ts';
import { framedScript, sessionCommand } from './session-command.ts';
import type { RunOutcome, RunRequest, Transport } from './transport.ts';

/** Runs the script inside a root filesystem: `chroot ROOT sh -s MODE watch` (image baking, tests). */
export class ChrootTransport implements Transport {
  constructor(private readonly root: string) {}

  async run(request: RunRequest): Promise<RunOutcome> {
    // A root that is not there (or has no sh) cannot be reached: nothing ran.
    try {
      await access(join(this.root, 'bin', 'sh'));
    } catch {
      return { exitCode: undefined, unreachable: true, reason: `no root filesystem with /bin/sh at ${this.root}`, stderr: '' };
    }
    const limit = request.timeoutMs === undefined ? undefined : Math.ceil(request.timeoutMs / 1000) + 1;
    const framed = framedScript(request.script);
    const child = execa('chroot', [this.root, 'sh', '-c', sessionCommand(request.mode, undefined, false, framed, limit).text], {
      reject: false,
      buffer: false,
      cancelSignal: request.signal,
      // A chroot has no session of its own: give its tools a sane, fixed environment.
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' },
      extendEnv: false,
      detached: true,
    });
    endGroupOnAbort(child, request.signal);
    const { scriptStarted: _started, ...outcome } = await streamSession(child, request, framed.input);
    return outcome;
  }
}
