/**
 * `npm run bench`: bosun against Ansible on the same fresh hosts (FLEET.md), for
 * 3, 10 and 20 hosts. Prints medians, ratios and the floor (one `ssh host true`
 * per host, in parallel). Needs root, debootstrap, systemd-container and
 * ansible-core. BENCH_SIZES=3,10 and BENCH_REPEATS=5 change the defaults.
 *
 * Per size: fleet A (fresh) gets the floor, bosun check and ansible --check (median
 * of the repeats, alternating tools), then one bosun apply, and a second one
 * (converged). Fleet B (fresh) gets one ansible apply and a second one; then
 * bosun check on B must find nothing to do: the two playbooks are equivalent.
 */
import { pathToFileURL } from 'node:url';
import { startFleet, type Fleet } from '../test/support/fleet.ts';
import { ansible, bosun, fleetFiles, floor } from './fleet-runs.ts';
import { median, ratio, secs, timed } from './stats.ts';

const SIZES = (process.env.BENCH_SIZES ?? '3,10,20').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? '3');
// Ansible's apt module needs python3 and python3-apt on the hosts (FLEET.md); bosun needs neither.
const FLAVOUR = { extraPackages: ['python3', 'python3-apt'] };

interface Row {
  readonly hosts: number;
  readonly floor: number;
  readonly bosunCheck: number;
  readonly bosunCheckNoTypecheck: number;
  /** The slowest host's session inside bosun check (from its JSON report). */
  readonly bosunCheckSession: number;
  readonly ansibleCheck: number;
  readonly bosunApply: number;
  readonly ansibleApply: number;
  readonly bosunApplyConverged: number;
  readonly ansibleApplyConverged: number;
}

async function withFleet<T>(n: number, prefix: string, fn: (fleet: Fleet) => Promise<T>): Promise<T> {
  const fleet = await startFleet(n, { ...FLAVOUR, namePrefix: prefix });
  try {
    return await fn(fleet);
  } finally {
    await fleet.stop();
  }
}

async function measure(n: number): Promise<Row> {
  log(`${n} hosts: booting fleet A`);
  const a = await withFleet(n, `a${n}-`, async (fleet) => {
    const files = await fleetFiles(fleet);
    const floorRuns: number[] = [];
    const checks: number[] = [];
    const fastChecks: number[] = [];
    const ansibleChecks: number[] = [];
    const sessions: number[] = [];
    // Alternate the tools, so drift of the machine during the bench hits both alike.
    for (let i = 0; i < REPEATS; i += 1) {
      floorRuns.push(...(await timed(1, () => floor(fleet))));
      checks.push(...(await timed(1, async () => void sessions.push(await bosun('check', fleet, files, [2])))));
      fastChecks.push(...(await timed(1, async () => void (await bosun('check', fleet, files, [2], ['--no-typecheck'])))));
      ansibleChecks.push(...(await timed(1, () => ansible(true, fleet, files))));
      log(
        `  run ${i + 1}: floor ${secs(floorRuns.at(-1)!)}, bosun check ${secs(checks.at(-1)!)} (session ${secs(sessions.at(-1)!)}; no typecheck ${secs(fastChecks.at(-1)!)}), ansible --check ${secs(ansibleChecks.at(-1)!)}`,
      );
    }
    log('  bosun apply');
    const [apply] = await timed(1, async () => void (await bosun('apply', fleet, files, [0])));
    const [converged] = await timed(1, async () => void (await bosun('apply', fleet, files, [0])));
    return {
      floor: median(floorRuns),
      check: median(checks),
      fastCheck: median(fastChecks),
      session: median(sessions),
      ansibleCheck: median(ansibleChecks),
      apply: apply!,
      converged: converged!,
    };
  });
  log(`${n} hosts: booting fleet B for ansible apply`);
  const b = await withFleet(n, `b${n}-`, async (fleet) => {
    const files = await fleetFiles(fleet);
    const [apply] = await timed(1, () => ansible(false, fleet, files));
    const [converged] = await timed(1, () => ansible(false, fleet, files));
    // Equivalence: what Ansible made is what bosun wants.
    await bosun('check', fleet, files, [0]).catch((error: unknown) => {
      throw new Error(`bench/ansible/baseline.yml is no longer equivalent to playbooks/baseline.ts: ${String(error)}`);
    });
    return { apply: apply!, converged: converged! };
  });
  return {
    hosts: n,
    floor: a.floor,
    bosunCheck: a.check,
    bosunCheckNoTypecheck: a.fastCheck,
    bosunCheckSession: a.session,
    ansibleCheck: a.ansibleCheck,
    bosunApply: a.apply,
    ansibleApply: b.apply,
    bosunApplyConverged: a.converged,
    ansibleApplyConverged: b.converged,
  };
}

function table(rows: readonly Row[]): string {
  const header = [
    'hosts',
    'floor',
    'bosun check',
    '(no typecheck)',
    '(slowest session)',
    'ansible --check',
    'ansible/bosun',
    'bosun/floor',
    'bosun apply',
    'ansible apply',
    'ansible/bosun',
    'bosun re-apply',
    'ansible re-apply',
  ];
  const body = rows.map((r) => [
    String(r.hosts),
    secs(r.floor),
    secs(r.bosunCheck),
    secs(r.bosunCheckNoTypecheck),
    secs(r.bosunCheckSession),
    secs(r.ansibleCheck),
    ratio(r.ansibleCheck, r.bosunCheck),
    ratio(r.bosunCheck, r.floor),
    secs(r.bosunApply),
    secs(r.ansibleApply),
    ratio(r.ansibleApply, r.bosunApply),
    secs(r.bosunApplyConverged),
    secs(r.ansibleApplyConverged),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
  return [line(header), ...body.map(line)].join('\n');
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

async function inventoryFigures(): Promise<void> {
  const module = (await import(pathToFileURL(new URL('./inventory.ts', import.meta.url).pathname).href).catch(() => undefined)) as
    | { benchInventory?: () => Promise<readonly { name: string; seconds: number; ansibleSeconds?: number }[]> }
    | undefined;
  if (module?.benchInventory === undefined) return;
  console.log('\ninventory resolution (median):');
  for (const result of await module.benchInventory()) {
    console.log(
      `  ${result.name}: bosun ${secs(result.seconds)}${result.ansibleSeconds === undefined ? '' : `, ansible-inventory ${secs(result.ansibleSeconds)} (${ratio(result.ansibleSeconds, result.seconds)})`}`,
    );
  }
}

const rows: Row[] = [];
for (const n of SIZES) rows.push(await measure(n));
console.log(`\nbaseline playbook, medians of ${REPEATS} checks, one apply each (fresh hosts), forks = hosts\n`);
console.log(table(rows));
await inventoryFigures();
