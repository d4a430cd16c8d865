/**
 * `npm run bench`: how bosun's cost grows with steps, bytes and hosts, side by side with
 * Ansible and the SSH floor, and what its start-up and compile cost. Every figure is
 * min / median / max of interleaved runs (BENCH_REPEATS, default 3) with the 1-minute load
 * average they ran under: the machine may be shared.
 *
 *   BENCH=startup,compile,steps,bytes,hosts,inventory   which scenarios (default: all, in that order)
 *   BENCH_STEPS=100,1000,10000   BENCH_MB=1,10,100   BENCH_HOSTS=10,30,100   BENCH_COMPILE=1000,100
 *   BENCH_LIGHT_FROM=100         fleets of this many hosts or more run sshd-only hosts (bench/light-fleet.ts)
 *   BENCH_OUT=file.json          also write every sample there
 *
 * Needs root, debootstrap, systemd-container, ansible-core and GNU time (.ci/run installs them).
 * Prints markdown: the tables docs/performance.md holds.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { log } from './command.ts';
import { benchInventory } from './inventory.ts';
import { bytes } from './scenarios/bytes.ts';
import { compile } from './scenarios/compile.ts';
import { hosts } from './scenarios/hosts.ts';
import type { Section } from './scenarios/section.ts';
import { startup } from './scenarios/startup.ts';
import { steps } from './scenarios/steps.ts';
import { ratio, secs, table } from './stats.ts';

const SCENARIOS: Record<string, () => Promise<Section>> = { startup, compile, steps, bytes, hosts, inventory };

async function inventory(): Promise<Section> {
  const results = await benchInventory();
  const rows = results.map((r) => [
    r.name,
    secs(r.seconds),
    r.ansibleSeconds === undefined ? '-' : secs(r.ansibleSeconds),
    r.ansibleSeconds === undefined ? '-' : ratio(r.ansibleSeconds, r.seconds),
  ]);
  return { title: 'Inventory', markdown: table(['what (median)', 'bosun', 'ansible-inventory', 'ansible / bosun'], rows), samples: {} };
}

const chosen = (process.env.BENCH ?? Object.keys(SCENARIOS).join(',')).split(',').map((name) => name.trim());
const unknown = chosen.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) throw new Error(`BENCH: unknown scenario ${unknown.join(', ')} (known: ${Object.keys(SCENARIOS).join(', ')})`);

const started = new Date();
const sections: Section[] = [];
for (const name of chosen) {
  log(`== ${name}`);
  const section = await SCENARIOS[name]!();
  sections.push(section);
  // Each table as soon as it is known: a long bench that fails late still shows the early ones.
  console.log(`\n### ${section.title}\n\n${section.markdown}\n`);
}
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`${started.toISOString().slice(0, 10)} on ${machine}; load average at the end ${loadavg()[0]!.toFixed(1)}`);
if (process.env.BENCH_OUT !== undefined) {
  await writeFile(
    process.env.BENCH_OUT,
    JSON.stringify(
      { started: started.toISOString(), machine, sections: sections.map(({ title, samples }) => ({ title, samples })) },
      null,
      2,
    ),
  );
}
