import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, measure } from '../command.ts';
import { loadRange, median, ratio, secsSpread, table } from '../stats.ts';
import { repeats, Samples, type Section } from './section.ts';

const CHECK = ['check', 'playbooks/baseline.ts'];

/**
 * CLI start-up: `bosun check playbooks/baseline.ts` on this machine (no inventory: the local
 * host, check mode, nothing written), warm (bundle and type-check caches filled) and cold
 * (an empty cache directory each run), through `node bin/bosun.js` and through `npx bosun`;
 * `node -e 0` for what Node itself costs. Interleaved, one run of each per round.
 */
export async function startup(): Promise<Section> {
  const warm = await mkdtemp(join(tmpdir(), 'bosun-bench-cache-'));
  const samples = new Samples();
  const variants: [string, string, string[], 'warm' | 'cold'][] = [
    ['node -e 0', 'node', ['-e', '0'], 'warm'],
    ['bosun check, warm', 'node', ['bin/bosun.js', ...CHECK], 'warm'],
    ['bosun check --no-typecheck, warm', 'node', ['bin/bosun.js', ...CHECK, '--no-typecheck'], 'warm'],
    ['npx bosun check, warm', 'npx', ['bosun', ...CHECK], 'warm'],
    ['bosun check, cold', 'node', ['bin/bosun.js', ...CHECK], 'cold'],
    ['npx bosun check, cold', 'npx', ['bosun', ...CHECK], 'cold'],
  ];
  try {
    // Fill the warm caches once.
    await measure('node', ['bin/bosun.js', ...CHECK], { codes: [0, 2], env: { XDG_CACHE_HOME: warm } });
    for (let round = 0; round < repeats(); round += 1) {
      for (const [name, file, args, cache] of variants) {
        const cold = cache === 'cold' ? await mkdtemp(join(tmpdir(), 'bosun-bench-cold-')) : undefined;
        try {
          const codes = file === 'node' && args[0] === '-e' ? [0] : [0, 2];
          const sample = samples.add(name, await measure(file, args, { codes, env: { XDG_CACHE_HOME: cold ?? warm } }));
          log(`startup: ${name}: ${sample.seconds.toFixed(2)} s (load ${sample.load.toFixed(1)})`);
        } finally {
          if (cold !== undefined) await rm(cold, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await rm(warm, { recursive: true, force: true });
  }
  const node = median(samples.seconds('node -e 0'));
  const rows = variants.map(([name]) => [
    name,
    secsSpread(samples.seconds(name)),
    name === 'node -e 0' ? '' : ratio(median(samples.seconds(name)), node),
    loadRange(samples.get(name)),
  ]);
  return {
    title: 'CLI start-up',
    markdown: table(['command (baseline check of this machine)', 'min / median / max', 'x node -e 0', 'load'], rows),
    samples: samples.all,
  };
}
