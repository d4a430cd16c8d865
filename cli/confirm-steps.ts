import { printable } from '../runner/printable.ts';
import type { Questions } from './prompt.ts';
import type { Target } from './targets.ts';

/**
 * `--step`: asks, step by step in plan order, whether to run it, before any host starts
 * (Ansible's `(N)o/(y)es/(c)ontinue`: no is the default, continue runs this step and all
 * the rest unasked). Returns the names of the declined steps.
 *
 * bosun sends each host its whole plan as one script on the session's stdin, so a script
 * cannot stop between two steps to wait for a reply; asking first, for all hosts at once as
 * Ansible asks once per task for all the hosts of a play, means the script that runs is
 * exactly the steps that were confirmed. Run `bosun check` first to see what each would do.
 */
export async function confirmSteps(targets: readonly Target[], questions: Questions): Promise<Set<string>> {
  const hostsOf = new Map<string, number>();
  for (const target of targets) {
    for (const name of new Set(target.plan.steps.map((step) => step.name))) hostsOf.set(name, (hostsOf.get(name) ?? 0) + 1);
  }
  const declined = new Set<string>();
  let rest = false;
  for (const [name, hosts] of hostsOf) {
    if (rest) continue;
    const where = hosts === targets.length ? '' : ` (on ${hosts} of ${targets.length} hosts)`;
    const answer = (await questions.ask(`Perform step: ${printable(name)}${where} (N)o/(y)es/(c)ontinue: `)).trim().toLowerCase();
    if (answer === 'c' || answer === 'continue') rest = true;
    else if (answer !== 'y' && answer !== 'yes') declined.add(name);
  }
  return declined;
}
