import { CompileMemo } from '../compiler/compile-memo.ts';
import { compilePlan } from '../compiler/compile-plan.ts';
import { BosunError } from '../compiler/errors.ts';
import type { Plan } from '../compiler/plan.ts';
import type { Play, Playbook } from '../compiler/playbook.ts';
import { type RenderedPlan, renderPlan } from '../compiler/render.ts';
import type { Become, Host } from '../compiler/host.ts';
import { assertSelectionMatches, type StepSelection, selectSteps } from '../compiler/selection.ts';
import type { Serial } from '../runner/batches.ts';
import { diskFiles } from '../loader/local-files.ts';

/** A host with what bosun will run on it. */
export interface Target {
  readonly host: Host;
  readonly plays: readonly Play[];
  readonly plan: Plan;
  readonly rendered: RenderedPlan;
  /** Whether (and as whom) the script runs under sudo: the host's own variables, else its plays'. */
  readonly become: Become;
}

/** The part of an inventory the CLI needs: host patterns. */
export interface HostSelector {
  select(pattern: string): readonly Host[];
}

/** The hosts `--limit pattern` selects; a limit that matches none is refused, as a mistyped name would be. */
export function limitedHosts(inventory: HostSelector, pattern: string): readonly Host[] {
  const hosts = inventory.select(pattern);
  if (hosts.length === 0) throw new BosunError(`--limit ${pattern} matches no host of the inventory`);
  return hosts;
}

/**
 * Every host the playbook's plays select (narrowed by --limit), with its plan
 * compiled and rendered. All compiling happens here, before anything runs, so a
 * compile error on any host means nothing runs anywhere.
 */
export function resolveTargets(
  playbook: Playbook,
  inventory: HostSelector,
  options: StepSelection & { readonly limit?: string },
): Target[] {
  const allowed = options.limit === undefined ? undefined : new Set(limitedHosts(inventory, options.limit).map((host) => host.name));
  const byHost = new Map<string, { host: Host; plays: Play[] }>();
  for (const play of playbook.plays) {
    for (const host of inventory.select(play.hosts)) {
      if (allowed !== undefined && !allowed.has(host.name)) continue;
      const entry = byHost.get(host.name) ?? { host, plays: [] };
      entry.plays.push(play);
      byHost.set(host.name, entry);
    }
  }
  // One reader for the whole run: a role's local files are read once, however many hosts it targets.
  const files = diskFiles();
  // Hosts with the same roles share their compiled steps and their script.
  const memo = new CompileMemo();
  const compiled = [...byHost.values()].map(({ host, plays }) =>
    forHost(host, () => ({ host, plays, full: compilePlan(host, plays, { files, memo }), become: becomeOf(host, plays) })),
  );
  assertSelectionMatches(
    compiled.map((each) => each.full),
    options,
  );
  return compiled.map(({ full, ...target }) => forHost(target.host, () => rendered({ ...target, plan: selectSteps(full, options) }, memo)));
}

/**
 * The targets without the steps the operator declined (`--step`): their scripts are rendered
 * again, so what runs is exactly what was confirmed.
 */
export function withoutSteps(targets: readonly Target[], declined: ReadonlySet<string>): Target[] {
  return targets.map((target) =>
    forHost(target.host, () =>
      rendered({ ...target, plan: { ...target.plan, steps: target.plan.steps.filter((step) => !declined.has(step.name)) } }),
    ),
  );
}

function rendered(target: Omit<Target, 'rendered'>, memo?: CompileMemo): Target {
  const render = () => renderPlan(target.plan);
  return { ...target, rendered: memo === undefined ? render() : memo.rendered(target.plan, render) };
}

/** Runs `make` for a host; a compile error that names no host gets this one's name. */
function forHost<T>(host: Host, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof BosunError && error.host === undefined) {
      const { file, line, column } = error;
      throw new BosunError(`host ${host.name}: ${error.message}`, { cause: error, host: host.name, file, line, column });
    }
    throw error;
  }
}

/**
 * Become for a host: its own `ansible_become`/`bosun_become` (and `_user`) variables win, as
 * in Ansible; otherwise its plays say, and since one script runs all of them, they must agree.
 */
function becomeOf(host: Host, plays: readonly Play[]): Become {
  const own = host.connection.transport === 'chroot' ? undefined : host.connection.become;
  const enabled = own?.enabled ?? agreed(plays, 'become', (play) => play.become === true);
  const user = own?.user ?? agreed(plays, 'becomeUser', (play) => play.becomeUser);
  return { enabled, ...(user !== undefined && { user }) };
}

/** How the run is paced: batches and the failure limit. */
export interface Schedule {
  readonly serial?: Serial;
  readonly maxFailPercentage?: number;
}

/**
 * The schedule of a run: what the command line says, else what the plays of these targets
 * ask for, on which they must then agree (plays that target no host have no say).
 */
export function scheduleOf(targets: readonly Target[], given: Schedule): Schedule {
  const plays = [...new Set(targets.flatMap((target) => target.plays))];
  const serial = given.serial ?? agreed(plays, 'serial', (play) => play.serial);
  const maxFailPercentage = given.maxFailPercentage ?? agreed(plays, 'maxFailPercentage', (play) => play.maxFailPercentage);
  return { ...(serial !== undefined && { serial }), ...(maxFailPercentage !== undefined && { maxFailPercentage }) };
}

/**
 * The one value `setting` has across `plays`; plays that differ are refused by name rather
 * than flattened silently (bosun runs one script per host and one fan-out per run).
 */
function agreed<T>(plays: readonly Play[], setting: string, valueIn: (play: Play) => T): T {
  const values = plays.map((play) => ({ play: play.name, value: valueIn(play), key: JSON.stringify(valueIn(play)) ?? 'unset' }));
  const first = values[0];
  const other = values.find((each) => each.key !== first?.key);
  if (first === undefined) return undefined as T;
  if (other !== undefined) {
    throw new BosunError(
      `plays ${JSON.stringify(first.play)} (${setting}: ${first.key}) and ${JSON.stringify(other.play)} (${setting}: ${other.key}) disagree: ` +
        `bosun runs the plays of a host as one script, in one fan-out, so they must agree on ${setting} ` +
        `(split them into separate runs${setting.startsWith('become') ? ', or set ansible_become / ansible_become_user for the host' : ''})`,
    );
  }
  return first.value;
}
