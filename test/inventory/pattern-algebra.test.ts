import { expect } from 'chai';
import fc from 'fast-check';
import { InventoryGraph } from '../../inventory/graph.ts';
import { Inventory } from '../../inventory/inventory.ts';
import { resolveInventory } from '../../inventory/resolve.ts';
import { propertyRuns } from '../support/property-runs.ts';

const GROUPS = ['g0', 'g1', 'g2', 'g3'];
const HOSTS = Array.from({ length: 8 }, (_, i) => `h${i}`);

/** An inventory from a membership matrix, built in memory. */
function build(membership: boolean[][]): Inventory {
  const graph = new InventoryGraph();
  const at = { file: 'generated' };
  HOSTS.forEach((host, h) => {
    graph.addHost(host, undefined, at);
    GROUPS.forEach((group, g) => {
      if (membership[h]![g]) graph.addHost(host, group, at);
    });
  });
  for (const group of GROUPS) graph.addGroup(group, at);
  graph.reconcile();
  return new Inventory(resolveInventory(graph, [], {}));
}

const memberships = fc.array(fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), { minLength: 8, maxLength: 8 });
const group = fc.constantFrom(...GROUPS);

// Set algebra of `:`, `:&`, `:!` checked against a plain model on random inventories.
describe('inventory/pattern: set algebra on random inventories', () => {
  it('a:b is the union, a:&b the intersection, a:!b the difference, !a the complement', () => {
    fc.assert(
      fc.property(memberships, group, group, (matrix, a, b) => {
        const inventory = build(matrix);
        const members = (g: string): Set<string> => new Set(HOSTS.filter((_, h) => matrix[h]![GROUPS.indexOf(g)]));
        const select = (pattern: string): Set<string> => new Set(inventory.select(pattern).map((host) => host.name));
        const [A, B] = [members(a), members(b)];
        expect(select(`${a}:${b}`)).to.deep.equal(new Set([...A, ...B]));
        expect(select(`${a},${b}`)).to.deep.equal(new Set([...A, ...B]));
        expect(select(`${a}:&${b}`)).to.deep.equal(new Set([...A].filter((h) => B.has(h))));
        expect(select(`${a}:!${b}`)).to.deep.equal(new Set([...A].filter((h) => !B.has(h))));
        expect(select(`!${a}`)).to.deep.equal(new Set(HOSTS.filter((h) => !A.has(h))));
        expect(select('all')).to.deep.equal(new Set(HOSTS));
        expect(select('ungrouped')).to.deep.equal(new Set(HOSTS.filter((_, h) => !matrix[h]!.some(Boolean))));
        // Operator order does not matter: plain parts, then &, then !.
        expect(select(`!${b}:${a}`)).to.deep.equal(select(`${a}:!${b}`));
      }),
      propertyRuns(200),
    );
  });
});
