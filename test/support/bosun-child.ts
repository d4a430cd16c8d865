import { type ResultPromise, execa } from 'execa';
import { fileURLToPath } from 'node:url';

const BOSUN = fileURLToPath(new URL('../../bin/bosun.js', import.meta.url));

/** A `bosun` command running as its own process (the real bin), whose output can be waited on. */
export interface BosunChild {
  readonly child: ResultPromise;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the first stdout line matching `pattern` (one already printed counts); rejects if bosun ends first. */
  line(pattern: RegExp): Promise<string>;
  /** Resolves when bosun has exited. */
  done(): Promise<{ readonly code: number | undefined; readonly stdout: string; readonly stderr: string }>;
}

/** Starts `node bin/bosun.js ARGS…` (stdin closed unless `input` is given). */
export function spawnBosun(
  args: readonly string[],
  options: {
    readonly cwd?: string;
    readonly input?: string;
    readonly env?: Record<string, string>;
    readonly onLine?: (line: string) => void;
  } = {},
): BosunChild {
  const child = execa(process.execPath, [BOSUN, ...args], {
    reject: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    ...(options.env !== undefined && { env: options.env }),
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let pending = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      lines.push(line);
      options.onLine?.(line);
      for (const waiter of waiters.filter((each) => each.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const finished = child.then((result) => ({ code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) }));
  return {
    child,
    lines,
    line: (pattern) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void finished.then((result) =>
          reject(new Error(`bosun ended (exit ${String(result.code)}) before printing ${pattern}:\n${result.stdout}${result.stderr}`)),
        );
      });
    },
    done: () => finished,
  };
}

/** Polls `condition` until it holds (or `timeoutMs` passes: then throws `what`). A wait on a condition, not a sleep. */
export async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
