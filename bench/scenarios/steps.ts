import { join } from 'node:path';
import { bosun, log, warmUp } from '../command.ts';
import { fleetFiles, onHost } from '../fleet-runs.ts';
import { withFleet } from '../fleets.ts';
import { FILES_ROOT } from '../playbooks/files.ts';
import { loadRange, median, type Sample, secs, secsSpread, table } from '../stats.ts';
import { repeats, Samples, type Section, sizes } from './section.ts';

const PHASES = ['check (fresh)', 'apply (fresh)', 'check (converged)', 'apply (converged)'] as const;

/**
 * Steps scaling: 100, 1,000 and 10,000 steps (BENCH_STEPS) on one booted host, bench/playbooks/files.ts
 * (a directory and small files): a check of the fresh host (every step would change), the apply,
 * then a check and an apply of the converged host. Sizes interleave within each round. Per step:
 * the host session's time (from the JSON report) over the number of steps.
 */
export async function steps(): Promise<Section> {
  const samples = new Samples();
  const counts = sizes('BENCH_STEPS', [100, 1000, 10000]);
  await withFleet(1, 'bs-', async (fleet) => {
    const files = await fleetFiles(fleet);
    await warmUp('bench/playbooks/files.ts', files.inventory);
    const host = fleet.hosts[0]!;
    const json = join(fleet.dir, 'bench.json');
    for (let round = 0; round < repeats(); round += 1) {
      for (const n of counts) {
        await onHost(fleet, host, `rm -rf ${FILES_ROOT}`);
        const bench = ['bench/playbooks/files.ts', '-i', files.inventory, '-F', files.sshConfig, '-e', `bench_steps=${n}`];
        const runs: [string, string[], number][] = [
          ['check (fresh)', ['check', ...bench], 2],
          ['apply (fresh)', ['apply', ...bench], 0],
          ['check (converged)', ['check', ...bench], 0],
          ['apply (converged)', ['apply', ...bench], 0],
        ];
        for (const [phase, args, code] of runs) {
          const sample = samples.add(`${n} ${phase}`, await bosun(args, { codes: [code], json }));
          log(
            `steps ${n}: ${phase} ${secs(sample.seconds)} (session ${secs(sample.sessionSeconds ?? Number.NaN)}, load ${sample.load.toFixed(1)})`,
          );
        }
      }
    }
  });
  const perStep = (n: number, phase: string): number =>
    median(samples.get(`${n} ${phase}`).map((s) => (s.sessionSeconds ?? Number.NaN) / n));
  const rows = counts.flatMap((n) =>
    PHASES.map((phase) => {
      const list: Sample[] = samples.get(`${n} ${phase}`);
      return [
        n.toLocaleString('en'),
        phase,
        secsSpread(list.map((s) => s.seconds)),
        secsSpread(list.map((s) => s.sessionSeconds ?? Number.NaN)),
        `${(perStep(n, phase) * 1000).toFixed(2)} ms`,
        n === counts[0] ? '' : `${(perStep(n, phase) / perStep(counts[0]!, phase)).toFixed(2)}x`,
        loadRange(list),
      ];
    }),
  );
  return {
    title: 'Steps on one host',
    markdown: table(['steps', 'run', 'bosun (min / median / max)', 'host session', 'per step', `per step vs ${counts[0]}`, 'load'], rows),
    samples: samples.all,
  };
}
