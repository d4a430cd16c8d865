import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, type Sample } from './stats.ts';

export const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface CommandOptions {
  /** Exit codes that mean the run did what it should; anything else stops the bench with the command's output. */
  readonly codes: readonly number[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Measure the command's peak resident memory (GNU time's %M). */
  readonly rss?: boolean;
}

/**
 * Runs a command to completion and times it (wall clock, from this process: what a person
 * waits). With `rss`, under GNU time, which reports the peak memory of the largest process
 * of the run (bosun's node, not its ssh clients).
 */
export async function measure(file: string, args: readonly string[], options: CommandOptions): Promise<Sample> {
  const dir = options.rss === true ? await mkdtemp(join(tmpdir(), 'bosun-bench-time-')) : undefined;
  const [command, commandArgs] = dir === undefined ? [file, args] : ['/usr/bin/time', ['-f', '%M', '-o', join(dir, 'rss'), file, ...args]];
  const at = load();
  const started = performance.now();
  const result = await execa(command, commandArgs, {
    reject: false,
    cwd: options.cwd ?? REPO,
    env: { ...options.env },
    all: true,
    stdin: 'ignore',
  });
  const seconds = (performance.now() - started) / 1000;
  try {
    if (!options.codes.includes(result.exitCode ?? -1)) {
      throw new Error(
        `${file} ${args.join(' ')} exited ${String(result.exitCode)} (expected ${options.codes.join(' or ')}):\n${String(result.all).slice(-4000)}`,
      );
    }
    const rssKb = dir === undefined ? undefined : Number((await readFile(join(dir, 'rss'), 'utf8')).trim().split('\n').at(-1));
    return { seconds, load: at, ...(rssKb !== undefined && { rssKb }) };
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}

/** `node bin/bosun.js ARGS`, timed; with `json`, the slowest host session of its report too. */
export async function bosun(args: readonly string[], options: CommandOptions & { readonly json?: string }): Promise<Sample> {
  const measured = await measure('node', ['bin/bosun.js', ...args, ...(options.json ? ['--json', options.json] : [])], options);
  if (options.json === undefined) return measured;
  const report = JSON.parse(await readFile(options.json, 'utf8')) as { hosts: { durationMs: number }[] };
  return { ...measured, sessionSeconds: Math.max(...report.hosts.map((host) => host.durationMs)) / 1000 };
}

/**
 * Fills the bundle and type-check caches for `playbook` (one untimed `bosun compile`), so that
 * the first timed run of a scenario is not a cold start (measured apart, in the start-up scenario).
 */
export async function warmUp(playbook: string, inventory: string): Promise<void> {
  await measure('node', ['bin/bosun.js', 'compile', playbook, '-i', inventory], { codes: [0] });
}

/** Writes progress to stderr (the tables go to stdout). */
export function log(text: string): void {
  process.stderr.write(`${text}\n`);
}
