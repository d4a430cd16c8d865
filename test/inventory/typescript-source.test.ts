import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { defineInventory, loadInventories, type InventoryDefinition } from '../../inventory/index.ts';
import { rejection } from '../support/thrown.ts';

const fixtures = fileURLToPath(new URL('../fixtures/inventory/typescript/', import.meta.url));

describe('inventory/typescript-source', () => {
  it('loads hosts, groups, children and vars from a typed module', async () => {
    const inventory = await loadInventories([`${fixtures}fleet.ts`], {});
    expect(inventory.hosts().map((h) => h.name)).to.have.members([
      'web01.example.com',
      'web02.example.com',
      'web03.example.com',
      'db1.example.com',
      'bastion.example.com',
    ]);
    expect(inventory.groups.get('prod')!.children).to.deep.equal(['web', 'db']);
    expect(inventory.groups.get('ungrouped')!.hosts).to.deep.equal(['bastion.example.com']);
    const web1 = inventory.host('web01.example.com')!;
    expect(web1.vars).to.deep.equal({ ntp_server: 'ntp.example.com', tier: 'web', env: 'prod', http_port: 80, ansible_user: 'deploy' });
    expect(web1.groups).to.deep.equal(['all', 'prod', 'web']);
    expect(inventory.host('db1.example.com')!.connection).to.deep.equal({
      transport: 'ssh',
      address: '10.0.0.10',
      port: 2222,
      become: { enabled: true },
    });
  });

  it('accepts a default export that is an async function', async () => {
    const inventory = await loadInventories([`${fixtures}computed.ts`], {});
    expect(inventory.select('computed').map((h) => h.name)).to.deep.equal(['node-a', 'node-b']);
  });

  it('refuses an unknown key at run time, naming the field path and the file', async () => {
    const error = await rejection(() => loadInventories([`${fixtures}unknown-key.ts`], {}));
    expect(error.describe!()).to.equal(`${fixtures}unknown-key.ts: groups.web.childen: unknown key (expected hosts, children, vars)`);
  });

  it('refuses membership in an undeclared group', async () => {
    const error = await rejection(() => loadInventories([`${fixtures}undeclared-group.ts`], {}));
    expect(error.message).to.equal(`hosts.h1.groups[0]: group 'missing' is not declared in groups`);
  });

  it('refuses a module without a default export', async () => {
    const error = await rejection(() => loadInventories([`${fixtures}no-default.ts`], {}));
    expect(error.message).to.match(/no default export/);
  });

  it('types the definition (checked by tsc)', () => {
    const definition: InventoryDefinition = defineInventory({ hosts: { h: { vars: { ansible_port: 22, custom: { any: 'thing' } } } } });
    // @ts-expect-error ansible_port is a number
    const wrongPort: InventoryDefinition = { hosts: { h: { vars: { ansible_port: '22' } } } };
    // @ts-expect-error hosts of a group are names, not objects
    const wrongHosts: InventoryDefinition = { groups: { g: { hosts: { h: {} } } } };
    expect([definition, wrongPort, wrongHosts]).to.have.length(3);
  });
});
