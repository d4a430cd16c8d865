import { compilePlan } from '../compiler/compile-plan.ts';
import { BosunError } from '../compiler/errors.ts';
import type { Plan } from '../compiler/plan.ts';
import type { Play, Playbook } from '../compiler/playbook.ts';
import { renderPlan, type RenderedPlan } from '../compiler/render.ts';
import type { Host } from '../inventory/host.ts';

/** A host with what bosun will run on it. */
export interface Target {
  readonly host: Host;
  readonly plays: readonly Play[];
  readonly plan: Plan;
  readonly rendered: RenderedPlan;
}

/** The part of an inventory the CLI needs: host patterns. */
export interface HostSelector {
  select(pattern: string): readonly Host[];
}

/**
 * Every host the playbook's plays select (narrowed by --limit), with its plan
 * compiled and rendered. All compiling happens here, before anything runs, so a
 * compile error on any host means nothing runs anywhere.
 */
export function resolveTargets(
  playbook: Playbook,
  inventory: HostSelector,
  options: { readonly limit?: string; readonly tags?: readonly string[] },
): Target[] {
  const allowed = options.limit === undefined ? undefined : new Set(inventory.select(options.limit).map((host) => host.name));
  if (allowed !== undefined && allowed.size === 0) throw new BosunError(`--limit ${options.limit} matches no host of the inventory`);
  const byHost = new Map<string, { host: Host; plays: Play[] }>();
  for (const play of playbook.plays) {
    for (const host of inventory.select(play.hosts)) {
      if (allowed !== undefined && !allowed.has(host.name)) continue;
      const entry = byHost.get(host.name) ?? { host, plays: [] };
      entry.plays.push(play);
      byHost.set(host.name, entry);
    }
  }
  return [...byHost.values()].map(({ host, plays }) => {
    try {
      const plan = compilePlan(host, plays, { ...(options.tags && { tags: options.tags }) });
      return { host, plays, plan, rendered: renderPlan(plan) };
    } catch (error) {
      if (error instanceof BosunError && error.host === undefined) {
        throw new BosunError(`host ${host.name}: ${error.message}`, { cause: error, host: host.name });
      }
      throw error;
    }
  });
}
