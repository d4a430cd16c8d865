import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnBosun } from '../support/bosun-child.ts';
import type { Fleet } from '../support/fleet.ts';

/** What a `bosun patch …` command did, with its JSON report parsed. */
export interface PatchRun<R> {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly report: R;
}

/** Runs `bosun patch ARGS… --json FILE` as a user would (bin/bosun.js), in the repository. */
export async function bosunPatch<R = { hosts: Record<string, unknown>[] }>(
  fleet: Fleet,
  args: readonly string[],
  options: { env?: Record<string, string>; onLine?: (line: string) => void } = {},
): Promise<PatchRun<R>> {
  const json = join(fleet.dir, `patch-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const result = await spawnBosun(['patch', ...args, '--json', json], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    ...(options.env && { env: options.env }),
    ...(options.onLine && { onLine: options.onLine }),
  }).done();
  const report = JSON.parse(await readFile(json, 'utf8').catch(() => '{"hosts":[]}')) as R;
  return { exitCode: result.code, stdout: result.stdout, stderr: result.stderr, report };
}
