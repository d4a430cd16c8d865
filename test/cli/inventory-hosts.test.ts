import { expect } from 'chai';
import { inventoryHosts } from '../../cli/inventory-hosts.ts';
import { BosunError } from '../../compiler/errors.ts';

/** `-i`, `-e` and `-l` as commander hands them to `bosun patch` and `bosun alarms`. */
const flags = (inventory: string[], extraVars: string[] = [], limit?: string): Record<string, unknown> => ({
  inventory,
  extraVars,
  ...(limit !== undefined && { limit }),
});

describe('cli/inventory-hosts', () => {
  it('no source is this machine, with the extra variables', async () => {
    const hosts = await inventoryHosts(flags([], ['stage=nonprod']));
    expect(hosts.map((host) => [host.name, host.connection.transport, host.vars.stage])).to.deep.equal([['localhost', 'local', 'nonprod']]);
  });

  it('every host of the sources, narrowed by --limit', async () => {
    expect((await inventoryHosts(flags(['web1,web2,db1,']))).map((host) => host.name)).to.deep.equal(['web1', 'web2', 'db1']);
    expect((await inventoryHosts(flags(['web1,web2,db1,'], [], 'web*'))).map((host) => host.name)).to.deep.equal(['web1', 'web2']);
  });

  it('a limit that matches no host is refused, naming the limit', async () => {
    const error = await inventoryHosts(flags(['web1,web2,'], [], 'db*')).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(BosunError).and.have.property('message', '--limit db* matches no host of the inventory');
  });
});
