import { InventoryGraph } from './graph.ts';
import { Inventory } from './inventory.ts';
import { resolveInventory } from './resolve.ts';

/**
 * The inventory used when no source is given: the machine bosun runs on, as
 * host `localhost` (groups all and ungrouped) reached by the local transport.
 */
export function defaultInventory(extraVars: Readonly<Record<string, unknown>> = {}): Inventory {
  const graph = new InventoryGraph();
  const at = { file: '(default inventory)' };
  graph.addHost('localhost', undefined, at);
  graph.setHostVar('localhost', 'ansible_connection', 'local', at);
  graph.reconcile();
  return new Inventory(resolveInventory(graph, [], extraVars));
}
