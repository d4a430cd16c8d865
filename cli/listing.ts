import type { Playbook } from '../compiler/playbook.ts';
import { printable } from '../runner/printable.ts';
import type { Listing } from './options.ts';
import type { Target } from './targets.ts';

/**
 * What `--list-hosts`, `--list-tasks`, `--list-tags` and `--syntax-check` print, in
 * the shape of Ansible's output: play by play, for the hosts the run targets (after
 * `--limit`) and the steps it selects (after `--tags`, `--skip-tags`, `--start-at-task`).
 * A play whose roles depend on the host lists every step any of its hosts has, and
 * says on how many hosts a step is when not on all of them.
 */
export function listing(kind: Listing, playbookPath: string, playbook: Playbook, targets: readonly Target[], typechecked: boolean): string {
  const head = `\nplaybook: ${printable(playbookPath)}\n`;
  if (kind === 'syntax') {
    const checks = typechecked ? 'loaded, type-checked' : 'loaded (not type-checked: --no-typecheck)';
    return `${head}\nsyntax ok: ${checks} and compiled for ${targets.length} host(s); nothing was run\n`;
  }
  const plays = playbook.plays.map((play, index) => {
    const hosts = targets.filter((target) => target.plays.includes(play));
    const title = `  play #${index + 1} (${printable(play.hosts)}): ${printable(play.name)}`;
    if (kind === 'hosts')
      return `${title}\n    hosts (${hosts.length}):\n${hosts.map((t) => `      ${printable(t.host.name)}\n`).join('')}`;
    const steps = stepsOf(play.name, hosts);
    if (kind === 'tags') {
      const tags = [...new Set(steps.flatMap((step) => step.tags))].sort();
      return `${title}\n      TASK TAGS: [${tags.map((tag) => printable(tag)).join(', ')}]\n`;
    }
    const lines = steps.map((step) => {
      const where = step.hosts < hosts.length ? `  (${step.hosts} of ${hosts.length} hosts)` : '';
      const role = step.role === undefined ? '' : `${printable(step.role)} : `;
      return `      ${role}${printable(step.name)}\tTAGS: [${step.tags.map((tag) => printable(tag)).join(', ')}]${where}\n`;
    });
    return `${title}\n    tasks:\n${lines.join('')}`;
  });
  return `${head}\n${plays.join('\n')}`;
}

interface ListedStep {
  readonly name: string;
  readonly role?: string;
  readonly tags: readonly string[];
  /** How many of the play's hosts run it. */
  readonly hosts: number;
}

/** The steps a play gives its hosts, in the order they first appear, each with how many hosts run it. */
function stepsOf(play: string, hosts: readonly Target[]): ListedStep[] {
  const steps = new Map<string, ListedStep>();
  for (const target of hosts) {
    const counted = new Set<string>();
    for (const step of target.plan.steps.filter((each) => each.play === play)) {
      const key = `${step.role ?? ''}\u0000${step.name}`;
      const seen = steps.get(key);
      const again = counted.has(key);
      counted.add(key);
      steps.set(key, {
        name: step.name,
        ...(step.role !== undefined && { role: step.role }),
        tags: [...new Set([...(seen?.tags ?? []), ...step.tags])].sort(),
        hosts: (seen?.hosts ?? 0) + (again ? 0 : 1),
      });
    }
  }
  return [...steps.values()];
}
