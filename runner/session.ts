import type { Result, ResultPromise } from 'execa';
import { maskSecrets } from '../compiler/secret.ts';
import type { RunOutcome, RunRequest, SessionInput } from './transport.ts';

/** What a session ended with, and whether the script got as far as printing a line. */
export type SessionOutcome = RunOutcome & { readonly scriptStarted: boolean };

/**
 * Feeds `input` to a child's stdin and keeps it open until the child is gone, handing the
 * rest of stdin to `request.onInput`; feeds its stdout to `onLine` line by line as it arrives and its stderr
 * to `onStderr`; resolves with the exit code once the child is gone. Shared by the
 * process-based transports. `secrets` (a become password) are masked out of all
 * stderr; with secrets, stderr is passed on whole lines at a time, so that no
 * secret is split across two chunks and slips past the mask.
 */
export async function streamSession(
  child: ResultPromise,
  request: RunRequest,
  input: string,
  secrets: readonly string[] = [],
): Promise<SessionOutcome> {
  let pending = '';
  let stderr = '';
  let stderrPending = '';
  let scriptStarted = false;
  const passStderr = (text: string): void => {
    if (text !== '') request.onStderr?.(maskSecrets(text, secrets));
  };
  feedInput(child, input, request);
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      scriptStarted = true;
      request.onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    if (secrets.length === 0) return passStderr(chunk);
    stderrPending += chunk;
    const end = stderrPending.lastIndexOf('\n') + 1;
    passStderr(stderrPending.slice(0, end));
    stderrPending = stderrPending.slice(end);
  });
  const result = await child;
  if (pending !== '') {
    scriptStarted = true;
    request.onLine(pending);
  }
  passStderr(stderrPending);
  const spawnFailed = result.failed && result.exitCode === undefined && !result.isCanceled && result.signal === undefined;
  return {
    exitCode: result.exitCode,
    unreachable: spawnFailed,
    ...endReason(result, spawnFailed),
    stderr: maskSecrets(stderr, secrets),
    scriptStarted,
  };
}

/**
 * Writes the input, then hands stdin on to the runner for what follows it; stdin closes only
 * when the child is gone (the boot on the host ends the run when it closes earlier).
 */
function feedInput(child: ResultPromise, input: string, request: RunRequest): void {
  const stdin = child.stdin;
  if (stdin === null) return;
  let gone = false;
  // A child that is already gone cannot take its input: that is its exit to report, not an error here.
  stdin.on('error', () => {
    gone = true;
  });
  stdin.write(input);
  const channel: SessionInput = {
    write: (chunk) =>
      new Promise<void>((resolve) => {
        if (gone || stdin.destroyed) return resolve();
        if (stdin.write(chunk)) return resolve();
        const settle = (): void => {
          stdin.off('drain', settle);
          stdin.off('close', settle);
          resolve();
        };
        stdin.on('drain', settle);
        stdin.on('close', settle);
      }),
  };
  request.onInput?.(channel);
  const close = (): void => {
    stdin.end();
  };
  child.then(close, close);
}

/** Why a session ended without an exit code of its own, in words; nothing when it has one. */
function endReason(result: Result, spawnFailed: boolean): { reason?: string } {
  if (spawnFailed) return { reason: result.shortMessage };
  if (result.isCanceled) return { reason: 'cancelled (timeout or interruption)' };
  if (result.signal) return { reason: `killed by ${result.signal}` };
  return {};
}

/**
 * On abort, ends the child's whole process group (the child must be spawned
 * `detached`, so it leads one): killing `sh` alone would leave the command it is
 * running holding stdout open, and the session would not end until that command did.
 */
export function endGroupOnAbort(child: ResultPromise, signal: AbortSignal | undefined): void {
  if (signal === undefined || child.pid === undefined) return;
  const pid = child.pid;
  const kill = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name);
    } catch {
      // The group is already gone.
    }
  };
  const onAbort = (): void => {
    kill('SIGTERM');
    setTimeout(() => kill('SIGKILL'), 3000).unref();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  void child.finally(() => signal.removeEventListener('abort', onAbort));
}
