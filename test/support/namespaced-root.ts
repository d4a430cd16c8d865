import { execa } from 'execa';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { endGroupOnAbort, streamSession } from '../../runner/session.ts';
import { framedScript, sessionCommand } from '../../runner/session-command.ts';
import type { RunOutcome, RunRequest, Transport } from '../../runner/transport.ts';
import { onProcessExit } from '../../testing/cleanup.ts';
import { chrootRoot, type ChrootRoot } from './plan-harness.ts';

/** A Debian root whose scripts run in namespaces of their own: what they do to the kernel stays there. */
export interface NamespacedRoot extends Omit<ChrootRoot, 'transport'> {
  /** Runs scripts as the chroot transport does, inside the held namespaces. */
  readonly transport: Transport;
  /** Runs `sh -c command` inside the root and its namespaces; its stdout, or a throw with its stderr. */
  exec(command: string): Promise<string>;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * A chroot root (plan-harness `chrootRoot`) whose scripts run inside UTS, IPC and mount
 * namespaces held by one process for the root's life: a host name or an IPC sysctl
 * (kernel.msgmax, kernel.shmmni…) that a run sets stays for the next run, as on a real
 * host, and never reaches this machine. /proc is mounted in the root, inside the private
 * mount namespace only, so that /proc/sys is there. Only namespaced kernel parameters may
 * be set through it: the others are this machine's own.
 */
export async function namespacedRoot(): Promise<NamespacedRoot> {
  const root = await chrootRoot();
  const holder = spawn(
    'unshare',
    [
      '--uts',
      '--ipc',
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount -t proc proc "$1/proc" && echo ready && exec sleep infinity',
      'sh',
      root.root,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const pid = holder.pid;
  const unregister = onProcessExit(() => {
    if (pid !== undefined) spawnSync('kill', ['-KILL', String(pid)]);
  });
  const stop = async (): Promise<void> => {
    if (holder.exitCode === null && holder.signalCode === null) {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
    }
    unregister();
  };
  try {
    const [line] = (await Promise.race([once(holder.stdout, 'data'), once(holder, 'exit')])) as [Buffer | number];
    if (pid === undefined || !Buffer.isBuffer(line) || line.toString().trim() !== 'ready')
      throw new Error('could not hold namespaces for the root');
  } catch (error) {
    await stop();
    await root.dispose();
    throw error;
  }
  const enter = ['-t', String(pid), '--uts', '--ipc', '--mount', 'chroot', root.root];
  return {
    ...root,
    transport: new NsenterTransport(enter),
    async exec(command) {
      const result = await execa('nsenter', [...enter, 'sh', '-c', command], {
        env: { PATH, LC_ALL: 'C.UTF-8' },
        extendEnv: false,
        reject: false,
        stripFinalNewline: false,
      });
      if (result.exitCode !== 0) throw new Error(`${command}: exit ${result.exitCode}: ${result.stderr}`);
      return result.stdout;
    },
    async dispose() {
      await stop();
      await root.dispose();
    },
  };
}

/** The chroot transport's session, entered through nsenter into the held namespaces. */
class NsenterTransport implements Transport {
  constructor(private readonly enter: readonly string[]) {}

  async run(request: RunRequest): Promise<RunOutcome> {
    const limit = request.timeoutMs === undefined ? undefined : Math.ceil(request.timeoutMs / 1000) + 1;
    const framed = framedScript(request.script);
    const child = execa('nsenter', [...this.enter, 'sh', '-c', sessionCommand(request.mode, undefined, false, framed, limit).text], {
      reject: false,
      buffer: false,
      cancelSignal: request.signal,
      env: { PATH, LC_ALL: 'C.UTF-8' },
      extendEnv: false,
      detached: true,
    });
    endGroupOnAbort(child, request.signal);
    const { scriptStarted: _started, ...outcome } = await streamSession(child, request, framed.input);
    return outcome;
  }
}
