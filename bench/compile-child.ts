/**
 * One measured compile, in a process of its own (a fresh JIT, as a CLI run has): loads the
 * bench's files playbook and an inventory, then times compiling and rendering every host's
 * plan (cli/targets.ts resolveTargets), the work `bosun check` does before it connects.
 * Prints one JSON line. Usage: node --import tsx bench/compile-child.ts INVENTORY
 */
import { resolveTargets } from '../cli/targets.ts';
import { loadInventories } from '../inventory/index.ts';
import playbook from './playbooks/files.ts';

const inventoryFile = process.argv[2];
if (inventoryFile === undefined) throw new Error('usage: compile-child.ts INVENTORY');
const loadStarted = performance.now();
const inventory = await loadInventories([inventoryFile], { extraVars: {} });
const loaded = performance.now();
const cpu = process.cpuUsage();
const targets = resolveTargets(playbook, inventory, {});
const compiled = performance.now();
const used = process.cpuUsage(cpu);
const steps = targets.reduce((sum, target) => sum + target.plan.steps.length, 0);
const bytes = targets.reduce((sum, target) => sum + target.rendered.script.length, 0);
console.log(
  JSON.stringify({
    inventorySeconds: (loaded - loadStarted) / 1000,
    compileSeconds: (compiled - loaded) / 1000,
    // CPU time of this process (user + system): what the compile costs, whatever else the machine runs.
    compileCpuSeconds: (used.user + used.system) / 1e6,
    hosts: targets.length,
    steps,
    scriptBytes: bytes,
  }),
);
