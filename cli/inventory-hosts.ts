import type { Host } from '../compiler/host.ts';
import { parseExtraVars } from '../inventory/extra-vars.ts';
import { loadInventories } from '../inventory/load.ts';
import { parseLimit } from '../inventory/limit.ts';
import { limitedHosts } from './targets.ts';

/**
 * The hosts that `-i`, `-e` and `-l` select, for the commands that act on an inventory's hosts
 * without a playbook (`bosun patch`, `bosun alarms`): the sources loaded with the extra
 * variables over every inventory variable, narrowed by `--limit` (default all). A limit that
 * matches no host is refused.
 */
export async function inventoryHosts(flags: Record<string, unknown>): Promise<readonly Host[]> {
  const extraVars = await parseExtraVars(flags.extraVars as string[]);
  // No source is this machine: loadInventories gives defaultInventory() then.
  const inventory = await loadInventories(flags.inventory as string[], { extraVars });
  const limit = typeof flags.limit === 'string' ? await parseLimit(flags.limit) : 'all';
  return limitedHosts(inventory, limit);
}
