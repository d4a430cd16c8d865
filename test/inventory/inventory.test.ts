import { expect } from 'chai';
import { ValidationError } from '../../compiler/errors.ts';
import { loadInventories, type Inventory } from '../../inventory/index.ts';
import { removeTrees, writeTree } from './temp-tree.ts';

describe('inventory/inventory: select and limit', () => {
  let inventory: Inventory;
  before(async () => {
    const dir = writeTree({
      'a.ini': '[web]\nw1\nw2\nw3\n[prod:children]\nweb\n',
      'b.yml': 'db:\n  hosts: {d1: , d2: }\nprod:\n  children: {db: }\n',
    });
    inventory = await loadInventories([`${dir}/a.ini`, `${dir}/b.yml`], {});
  });
  after(removeTrees);

  it('limits across every source', () => {
    const limited = inventory.limit('w1:d2');
    expect(limited.hosts().map((h) => h.name)).to.deep.equal(['w1', 'd2']);
    expect(limited.select('prod').map((h) => h.name)).to.deep.equal(['w1', 'd2']);
    expect(limited.host('w2')).to.equal(undefined);
    expect(limited.host('w1')!.name).to.equal('w1');
    expect(limited.groups.get('web')!.hosts).to.deep.equal(['w1']);
    // The original is untouched.
    expect(inventory.hosts()).to.have.length(5);
  });

  it('composes limits (intersection)', () => {
    expect(
      inventory
        .limit('prod:!d1')
        .limit('db')
        .hosts()
        .map((h) => h.name),
    ).to.deep.equal(['d2']);
  });

  it('refuses a limit that matches nothing, on field limit', () => {
    expect(() => inventory.limit('nosuchhost')).to.throw(ValidationError, "limit: 'nosuchhost' matches no host");
    expect(() => inventory.limit('web').limit('db')).to.throw(ValidationError, /within the current limit/);
  });

  it('selecting a pattern that matches nothing is an empty list', () => {
    expect(inventory.select('nosuchgroup')).to.deep.equal([]);
  });
});
