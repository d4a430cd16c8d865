import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadInventories } from '../inventory/index.ts';

const HOSTS = 5000;
const SERVICES = 50;
const DATACENTERS = 5;
const PATTERN = 'prod:&dc3:!svc07';
const RUNS = 7;
const ANSIBLE_RUNS = 3;

/** One figure: bosun's median time, and ansible-inventory's on the same file when it is installed. */
export interface BenchResult {
  readonly name: string;
  readonly seconds: number;
  readonly ansibleSeconds?: number;
}

/**
 * Resolves a generated 5,000-host inventory (YAML, and the same in INI) with
 * group_vars/ files and folders, then selects a pattern; median of several
 * runs. Side by side, `ansible-inventory -i FILE --list` on the same files.
 */
export async function benchInventory(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bench-inventory-'));
  try {
    writeBenchInventory(dir);
    const results: BenchResult[] = [];
    for (const file of ['hosts.yml', 'hosts.ini']) {
      const path = join(dir, file);
      const seconds = await median(RUNS, async () => {
        const inventory = await loadInventories([path], {});
        const selected = inventory.select(PATTERN);
        // A wrong answer must not pass for a fast one.
        if (selected.length !== expectedSelection()) throw new Error(`bench: ${PATTERN} selected ${selected.length} hosts`);
      });
      const ansibleSeconds = await ansibleTime(path, dir);
      results.push({
        name: `inventory: resolve ${HOSTS.toLocaleString('en')}-host ${file.endsWith('.yml') ? 'YAML' : 'INI'} with group_vars + '${PATTERN}'`,
        seconds,
        ...(ansibleSeconds === undefined ? {} : { ansibleSeconds }),
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function service(i: number): string {
  return `svc${String((i % SERVICES) + 1).padStart(2, '0')}`;
}
function datacenter(i: number): string {
  return `dc${(i % DATACENTERS) + 1}`;
}
function hostName(i: number): string {
  return `node${String(i).padStart(5, '0')}.example.com`;
}
function expectedSelection(): number {
  let n = 0;
  for (let i = 0; i < HOSTS; i++) if (i % 10 < 8 && datacenter(i) === 'dc3' && service(i) !== 'svc07') n++;
  return n;
}

/** Writes hosts.yml, hosts.ini and group_vars/ into `dir`. Services hold the hosts (with vars); prod/staging are parents of services' env groups; dcN list hosts again. */
export function writeBenchInventory(dir: string): void {
  const yaml: string[] = ['all:', '  vars:', '    ntp_server: ntp.example.com', '  children:'];
  const ini: string[] = [];
  const byService = new Map<string, number[]>();
  for (let i = 0; i < HOSTS; i++) byService.set(service(i), [...(byService.get(service(i)) ?? []), i]);
  for (const [svc, members] of byService) {
    yaml.push(`    ${svc}:`, '      hosts:');
    ini.push(`[${svc}]`);
    for (const i of members) {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      yaml.push(`        ${hostName(i)}:`, `          ansible_host: ${address}`, `          rack: r${i % 40}`);
      ini.push(`${hostName(i)} ansible_host=${address} rack=r${i % 40}`);
    }
    yaml.push('      vars:', `        service: ${svc}`, '        http_port: 8080');
    ini.push(`[${svc}:vars]`, `service=${svc}`, 'http_port=8080');
  }
  for (const env of ['prod', 'staging']) {
    // 80% of each service's hosts are prod, 20% staging.
    yaml.push(`    ${env}:`, '      hosts:');
    ini.push(`[${env}]`);
    for (let i = 0; i < HOSTS; i++) {
      if (i % 10 < 8 === (env === 'prod')) {
        yaml.push(`        ${hostName(i)}:`);
        ini.push(hostName(i));
      }
    }
  }
  for (let d = 1; d <= DATACENTERS; d++) {
    yaml.push(`    dc${d}:`, '      hosts:');
    ini.push(`[dc${d}]`);
    for (let i = 0; i < HOSTS; i++) {
      if (datacenter(i) === `dc${d}`) {
        yaml.push(`        ${hostName(i)}:`);
        ini.push(hostName(i));
      }
    }
  }
  yaml.push('    regions:', '      children:', ...Array.from({ length: DATACENTERS }, (_, d) => `        dc${d + 1}:`));
  ini.push('[regions:children]', ...Array.from({ length: DATACENTERS }, (_, d) => `dc${d + 1}`));
  writeFileSync(join(dir, 'hosts.yml'), `${yaml.join('\n')}\n`);
  writeFileSync(join(dir, 'hosts.ini'), `${ini.join('\n')}\n`);

  mkdirSync(join(dir, 'group_vars', 'prod'), { recursive: true });
  writeFileSync(join(dir, 'group_vars', 'all.yml'), 'ansible_user: deploy\nlog_level: info\n');
  writeFileSync(join(dir, 'group_vars', 'prod', '10-main.yml'), 'log_level: warn\nalerts: true\n');
  writeFileSync(join(dir, 'group_vars', 'prod', '20-limits.json'), '{"max_open_files": 65536}\n');
  for (let s = 1; s <= SERVICES; s++) {
    const svc = `svc${String(s).padStart(2, '0')}`;
    writeFileSync(join(dir, 'group_vars', `${svc}.yml`), `packages: [${svc}-server, ${svc}-tools]\nreplicas: ${s}\n`);
  }
}

async function median(runs: number, body: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body();
    times.push((performance.now() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Median wall time of `ansible-inventory -i FILE --list`, or undefined when Ansible is not installed. */
async function ansibleTime(file: string, dir: string): Promise<number | undefined> {
  const home = join(dir, '.ansible');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'ansible.cfg'), '[defaults]\n');
  const env = {
    ANSIBLE_CONFIG: join(home, 'ansible.cfg'),
    ANSIBLE_HOME: home,
    ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
    ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true',
  };
  try {
    await execa('ansible-inventory', ['--version'], { env });
  } catch {
    return undefined;
  }
  return median(ANSIBLE_RUNS, async () => {
    await execa('ansible-inventory', ['-i', file, '--list'], { env, stdout: 'ignore' });
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchInventory()) {
    const peer =
      r.ansibleSeconds === undefined ? 'ansible-inventory not installed' : `ansible-inventory --list ${r.ansibleSeconds.toFixed(3)} s`;
    console.log(`${r.name}: ${r.seconds.toFixed(3)} s (median of ${RUNS}; target < 1 s) | ${peer}`);
  }
}
