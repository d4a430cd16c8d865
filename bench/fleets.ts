import { startFleet } from '../test/support/fleet.ts';
import { log } from './command.ts';
import type { BenchFleet } from './fleet-runs.ts';
import { startLightFleet } from './light-fleet.ts';

/** Ansible's apt module needs python3 and python3-apt on the hosts (FLEET.md); bosun needs neither. */
const FLAVOUR = { extraPackages: ['python3', 'python3-apt'] };

/**
 * Runs `fn` on `n` fresh hosts, then tears them down. Booted Debian hosts (systemd, sshd:
 * test/support/fleet.ts) up to BENCH_LIGHT_FROM - 1 hosts; from BENCH_LIGHT_FROM on (default:
 * never), light hosts: the same root filesystem, but only sshd running in it (bench/light-fleet.ts).
 */
export async function withFleet<T>(n: number, prefix: string, fn: (fleet: BenchFleet, kind: string) => Promise<T>): Promise<T> {
  const light = n >= Number(process.env.BENCH_LIGHT_FROM ?? Number.POSITIVE_INFINITY);
  const started = performance.now();
  const fleet = light
    ? await startLightFleet(n, { ...FLAVOUR, namePrefix: prefix })
    : await startFleet(n, { ...FLAVOUR, namePrefix: prefix });
  log(`${n} ${light ? 'light' : 'booted'} hosts up in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  try {
    return await fn(fleet, light ? 'sshd only' : 'booted');
  } finally {
    await fleet.stop();
  }
}
