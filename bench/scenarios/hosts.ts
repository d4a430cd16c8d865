import { join } from 'node:path';
import { bosun, log, warmUp } from '../command.ts';
import { ansible, type BenchFleet, type FleetFiles, fleetFiles, floor } from '../fleet-runs.ts';
import { withFleet } from '../fleets.ts';
import { loadRange, median, ratio, type Sample, secs, secsSpread, table } from '../stats.ts';
import { repeats, Samples, type Section, sizes } from './section.ts';

/**
 * Hosts scaling: for 10, 30 and 100 hosts (BENCH_HOSTS), on fresh hosts, interleaved: the floor
 * (one plain ssh session per host doing the same reads), `bosun check playbooks/baseline.ts`,
 * `ansible-playbook --check` of its Ansible peer; then one bosun apply, and, converged,
 * interleaved: the floor, bosun apply, ansible-playbook (which must change nothing, and after
 * which bosun check must find nothing to do: the two playbooks stay equivalent). Forks = hosts
 * for both tools. Also `bosun compile` of the same inventory (start-up, load, compile; no host).
 */
export async function hosts(): Promise<Section> {
  const samples = new Samples();
  const rows: string[][] = [];
  for (const n of sizes('BENCH_HOSTS', [10, 30, 100])) {
    await withFleet(n, `bh${n}-`, async (fleet, kind) => {
      const files = await fleetFiles(fleet);
      await warmUp('playbooks/baseline.ts', files.inventory);
      const key = (what: string) => `${n} ${what}`;
      const check = ['check', 'playbooks/baseline.ts', '-i', files.inventory, '-F', files.sshConfig, '--forks', String(n)];
      const apply = ['apply', ...check.slice(1)];
      const json = join(fleet.dir, 'bench.json');
      for (let round = 0; round < repeats(); round += 1) {
        samples.add(key('floor'), await floor(fleet));
        samples.add(key('bosun check'), await bosun(check, { codes: [2], json }));
        samples.add(key('ansible --check'), await ansible(true, fleet, files));
        log(`hosts ${n}: ${roundLine(samples, key, ['floor', 'bosun check', 'ansible --check'])}`);
      }
      samples.add(key('bosun compile'), await bosun(['compile', 'playbooks/baseline.ts', '-i', files.inventory], { codes: [0] }));
      samples.add(key('bosun apply (fresh)'), await bosun(apply, { codes: [0], json }));
      for (let round = 0; round < repeats(); round += 1) {
        samples.add(key('floor (converged)'), await floor(fleet));
        samples.add(key('bosun apply (converged)'), await bosun(apply, { codes: [0], json }));
        const peer = await ansible(false, fleet, files);
        samples.add(key('ansible (converged)'), peer);
        if (peer.changed !== 0) log(`hosts ${n}: ansible reported changed=${peer.changed} on hosts bosun had converged`);
        log(`hosts ${n}: ${roundLine(samples, key, ['floor (converged)', 'bosun apply (converged)', 'ansible (converged)'])}`);
      }
      await equivalent(fleet, files, check);
      rows.push(row(n, kind, samples, key));
    });
  }
  return {
    title: 'Hosts',
    markdown: table(
      [
        'hosts',
        'floor',
        'bosun check',
        '(slowest session)',
        'ansible --check',
        'bosun / floor',
        'ansible / bosun',
        'bosun compile',
        'converged: floor',
        'bosun apply',
        'ansible',
        'bosun / floor',
        'ansible / bosun',
        'load',
      ],
      rows,
    ),
    samples: samples.all,
  };
}

function row(n: number, kind: string, samples: Samples, key: (what: string) => string): string[] {
  const m = (what: string) => median(samples.seconds(key(what)));
  const sessions = samples.get(key('bosun check')).map((s) => s.sessionSeconds ?? Number.NaN);
  const all: Sample[] = Object.entries(samples.all)
    .filter(([name]) => name.startsWith(`${n} `))
    .flatMap(([, list]) => list);
  return [
    `${n} (${kind})`,
    secsSpread(samples.seconds(key('floor'))),
    secsSpread(samples.seconds(key('bosun check'))),
    secs(median(sessions)),
    secsSpread(samples.seconds(key('ansible --check'))),
    ratio(m('bosun check'), m('floor')),
    ratio(m('ansible --check'), m('bosun check')),
    secs(m('bosun compile')),
    secsSpread(samples.seconds(key('floor (converged)'))),
    secsSpread(samples.seconds(key('bosun apply (converged)'))),
    secsSpread(samples.seconds(key('ansible (converged)'))),
    ratio(m('bosun apply (converged)'), m('floor (converged)')),
    ratio(m('ansible (converged)'), m('bosun apply (converged)')),
    loadRange(all),
  ];
}

function roundLine(samples: Samples, key: (what: string) => string, names: readonly string[]): string {
  return names
    .map((name) => {
      const last = samples.get(key(name)).at(-1);
      return `${name} ${last === undefined ? '-' : secs(last.seconds)}`;
    })
    .join(', ')
    .concat(` (load ${samples.get(key(names[0]!)).at(-1)?.load.toFixed(1) ?? '-'})`);
}

/** After Ansible's converged runs, bosun finds nothing to do: the two playbooks describe the same hosts. */
async function equivalent(fleet: BenchFleet, files: FleetFiles, check: readonly string[]): Promise<void> {
  await bosun(check, { codes: [0] }).catch((error: unknown) => {
    throw new Error(
      `bench/ansible/baseline.yml is no longer equivalent to playbooks/baseline.ts on ${fleet.hosts.length} hosts (${files.inventory}): ${String(error)}`,
    );
  });
}
