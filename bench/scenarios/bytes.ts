import { join } from 'node:path';
import { bosun, log, warmUp } from '../command.ts';
import { fleetFiles, onHost } from '../fleet-runs.ts';
import { withFleet } from '../fleets.ts';
import { BYTES_FILE } from '../playbooks/bytes.ts';
import { loadRange, type Sample, secs, secsSpread, spread, table } from '../stats.ts';
import { repeats, Samples, type Section, sizes } from './section.ts';

const PHASES = ['check (fresh)', 'apply (fresh)', 'check (converged)', 'apply (converged)'] as const;

/**
 * Bytes scaling: one file of 1, 10 and 100 MiB (BENCH_MB) on one booted host, bench/playbooks/bytes.ts:
 * check of the fresh host, apply, check and apply converged; wall time and the controller's peak
 * memory (GNU time's maximum RSS of bosun's process). Sizes interleave within each round.
 */
export async function bytes(): Promise<Section> {
  const samples = new Samples();
  const mibs = sizes('BENCH_MB', [1, 10, 100]);
  await withFleet(1, 'bb-', async (fleet) => {
    const files = await fleetFiles(fleet);
    await warmUp('bench/playbooks/bytes.ts', files.inventory);
    const json = join(fleet.dir, 'bench.json');
    for (let round = 0; round < repeats(); round += 1) {
      for (const mib of mibs) {
        await onHost(fleet, fleet.hosts[0]!, `rm -f ${BYTES_FILE}`);
        const args = ['bench/playbooks/bytes.ts', '-i', files.inventory, '-F', files.sshConfig, '-e', `bench_mb=${mib}`];
        const runs: [string, string[], number][] = [
          ['check (fresh)', ['check', ...args], 2],
          ['apply (fresh)', ['apply', ...args], 0],
          ['check (converged)', ['check', ...args], 0],
          ['apply (converged)', ['apply', ...args], 0],
        ];
        for (const [phase, command, code] of runs) {
          const sample = samples.add(`${mib} ${phase}`, await bosun(command, { codes: [code], json, rss: true }));
          log(
            `bytes ${mib} MiB: ${phase} ${secs(sample.seconds)}, ${((sample.rssKb ?? 0) / 1024).toFixed(0)} MiB peak (load ${sample.load.toFixed(1)})`,
          );
        }
      }
    }
  });
  const mb = (list: readonly Sample[]): string => {
    const { min, median, max } = spread(list.map((s) => (s.rssKb ?? Number.NaN) / 1024));
    return `${min.toFixed(0)} / ${median.toFixed(0)} / ${max.toFixed(0)} MiB`;
  };
  const rows = mibs.flatMap((mib) =>
    PHASES.map((phase) => {
      const list = samples.get(`${mib} ${phase}`);
      return [
        `${mib} MiB`,
        phase,
        secsSpread(list.map((s) => s.seconds)),
        secsSpread(list.map((s) => s.sessionSeconds ?? Number.NaN)),
        mb(list),
        loadRange(list),
      ];
    }),
  );
  return {
    title: 'Bytes: one large file',
    markdown: table(['file', 'run', 'bosun (min / median / max)', 'host session', 'controller peak RSS', 'load'], rows),
    samples: samples.all,
  };
}
