import { readdir, readFile } from 'node:fs/promises';

/** Pids on this machine (other than this process) whose /proc/PID/cmdline contains `needle` (argv joined by NULs). */
export async function processesWhoseArgvContains(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (argv.includes(needle)) found.push(Number(entry));
  }
  return found;
}
