import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, measure, REPO } from '../command.ts';
import { load, loadRange, secsSpread, table } from '../stats.ts';
import { repeats, Samples, type Section, sizes } from './section.ts';

/**
 * Compile alone: 1,000 hosts × 100 steps (BENCH_COMPILE=HOSTS,STEPS), every host's plan compiled
 * and rendered, timed inside a fresh process (bench/compile-child.ts), twice: with files that name
 * their host (every host a plan of its own) and with one role shared by all hosts (what a static
 * `roles: [...]` gives); and the whole `bosun compile` command on the first inventory (start-up,
 * type-check cache, inventory, compile).
 */
export async function compile(): Promise<Section> {
  const [hosts = 1000, steps = 100] = sizes('BENCH_COMPILE', [1000, 100]).length === 2 ? sizes('BENCH_COMPILE', []) : [1000, 100];
  const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-compile-'));
  const samples = new Samples();
  try {
    const inventory = join(dir, 'hosts.ini');
    const shared = join(dir, 'shared.ini');
    const lines = Array.from({ length: hosts }, (_, i) => `h${i + 1} ansible_host=10.1.${i >> 8}.${i & 255}`);
    await writeFile(inventory, `[fleet]\n${lines.join('\n')}\n\n[all:vars]\nbench_steps=${steps}\n`);
    await writeFile(shared, `[fleet]\n${lines.join('\n')}\n\n[all:vars]\nbench_steps=${steps}\nbench_shared=1\n`);
    let shape = '';
    for (let round = 0; round < repeats(); round += 1) {
      const at = load();
      for (const [name, file] of [
        ['compile', inventory],
        ['compile shared', shared],
      ] as const) {
        const child = await execa('node', ['--import', 'tsx', 'bench/compile-child.ts', file], { cwd: REPO });
        const result = JSON.parse(child.stdout) as {
          compileSeconds: number;
          compileCpuSeconds: number;
          inventorySeconds: number;
          steps: number;
          scriptBytes: number;
        };
        samples.add(name, { seconds: result.compileSeconds, load: at });
        samples.add(`${name} cpu`, { seconds: result.compileCpuSeconds, load: at });
        if (name === 'compile') {
          samples.add('inventory', { seconds: result.inventorySeconds, load: at });
          shape = `${result.steps.toLocaleString('en')} steps, ${(result.scriptBytes / 1e6).toFixed(0)} MB of scripts`;
        }
      }
      const cli = samples.add(
        'cli',
        await measure('node', ['bin/bosun.js', 'compile', 'bench/playbooks/files.ts', '-i', inventory, '--host', 'h1'], { codes: [0] }),
      );
      log(
        `compile: ${samples.get('compile').at(-1)!.seconds.toFixed(2)} s, shared role ${samples.get('compile shared').at(-1)!.seconds.toFixed(2)} s, bosun compile ${cli.seconds.toFixed(2)} s (load ${at.toFixed(1)})`,
      );
    }
    const figure = (name: string, what: string) => [
      what,
      secsSpread(samples.seconds(name)),
      secsSpread(samples.seconds(`${name} cpu`)),
      loadRange(samples.get(name)),
    ];
    const rows = [
      figure('compile', `compile + render, ${hosts.toLocaleString('en')} hosts × ${steps} steps, files naming their host (${shape})`),
      figure('compile shared', 'the same, one role shared by every host (a static `roles: [...]`)'),
      [
        `inventory of ${hosts.toLocaleString('en')} hosts (INI)`,
        secsSpread(samples.seconds('inventory')),
        '',
        loadRange(samples.get('inventory')),
      ],
      [
        '`bosun compile` end to end (start-up, inventory, compile, print one host)',
        secsSpread(samples.seconds('cli')),
        '',
        loadRange(samples.get('cli')),
      ],
    ];
    return { title: 'Compile', markdown: table(['what', 'wall (min / median / max)', 'CPU', 'load'], rows), samples: samples.all };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
