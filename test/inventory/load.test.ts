import { expect } from 'chai';
import { LoadError } from '../../compiler/errors.ts';
import { loadInventories } from '../../inventory/index.ts';
import { rejection } from '../support/thrown.ts';
import { removeTrees, writeTree } from './temp-tree.ts';

describe('inventory/load', () => {
  afterEach(removeTrees);

  it('tells formats apart by extension, and an extensionless file by its content', async () => {
    const dir = writeTree({
      'a.ini': '[ini]\nh1\n',
      'b.yaml': 'yaml:\n  hosts: {h2: }\n',
      'c.json': '{"json": {"hosts": {"h3": {"x": 1}}}}',
      hosts: '[noext_ini]\nh4\n',
      inventory: '# YAML without an extension\nnoext_yaml:\n  hosts:\n    h5:\n',
    });
    const inventory = await loadInventories(['a.ini', 'b.yaml', 'c.json', 'hosts', 'inventory'], { cwd: dir });
    expect([...inventory.groups.keys()]).to.deep.equal(['all', 'ungrouped', 'ini', 'yaml', 'json', 'noext_ini', 'noext_yaml']);
    expect(inventory.host('h3')!.vars).to.deep.equal({ x: 1 });
  });

  it('reads files with Windows line endings and a byte order mark', async () => {
    const dir = writeTree({ 'hosts.ini': '\uFEFF[web]\r\nw1 port=1\r\n' });
    const inventory = await loadInventories([`${dir}/hosts.ini`], {});
    expect(inventory.select('web').map((h) => h.vars)).to.deep.equal([{ port: 1 }]);
  });

  it('merges several sources into one inventory (groups and hosts by name)', async () => {
    const dir = writeTree({ 'one.ini': '[web]\nw1\n[db]\nd1\n', 'two.yml': 'web:\n  hosts:\n    w2:\n    d1:\n' });
    const inventory = await loadInventories([`${dir}/one.ini`, `${dir}/two.yml`], {});
    expect(inventory.select('web').map((h) => h.name)).to.deep.equal(['w1', 'w2', 'd1']);
    expect(inventory.host('d1')!.groups).to.deep.equal(['all', 'db', 'web']);
  });

  it('reads a comma-separated host list, as -i "h1,h2:2222,"', async () => {
    const inventory = await loadInventories(['h1,h2:2222,h[3:4],'], {});
    expect(inventory.hosts().map((h) => h.name)).to.deep.equal(['h1', 'h2', 'h3', 'h4']);
    expect(inventory.host('h2')!.connection).to.deep.equal({ transport: 'ssh', address: 'h2', port: 2222 });
    expect(inventory.groups.get('ungrouped')!.hosts).to.have.length(4);
    expect((await loadInventories(['single,'], {})).hosts().map((h) => h.name)).to.deep.equal(['single']);
  });

  it('reads every inventory file of a directory, with the group_vars/ inside it', async () => {
    const dir = writeTree({
      'inv/01-web.ini': '[web]\nw1\n',
      'inv/02-db.yml': 'db:\n  hosts: {d1: }\n',
      'inv/README.md': '# not an inventory',
      'inv/old.ini~': 'broken [',
      'inv/group_vars/web.yml': 'role: web\n',
    });
    const inventory = await loadInventories([`${dir}/inv`], {});
    expect(inventory.hosts().map((h) => h.name)).to.deep.equal(['w1', 'd1']);
    expect(inventory.host('w1')!.vars).to.deep.equal({ role: 'web' });
  });

  it('with no source, gives the local machine', async () => {
    const inventory = await loadInventories([], { extraVars: { x: '1' } });
    expect(inventory.hosts()).to.deep.equal([
      {
        name: 'localhost',
        groups: ['all', 'ungrouped'],
        vars: { ansible_connection: 'local', x: '1' },
        connection: { transport: 'local' },
      },
    ]);
  });

  it('refuses a missing file, naming it', async () => {
    const dir = writeTree({});
    const error = await rejection(() => loadInventories(['missing.ini'], { cwd: dir }));
    expect(error).to.be.instanceOf(LoadError);
    expect(error.describe!()).to.equal(`${dir}/missing.ini: inventory source not found`);
  });

  it('refuses an unknown format and an unsupported plugin', async () => {
    const dir = writeTree({ 'hosts.toml': '[web]\n', 'gcp.yml': '# dynamic\nplugin: gcp_compute\n' });
    expect((await rejection(() => loadInventories([`${dir}/hosts.toml`], {}))).message).to.match(/unknown inventory format '.toml'/);
    const plugin = await rejection(() => loadInventories([`${dir}/gcp.yml`], {}));
    expect(plugin.describe!()).to.equal(`${dir}/gcp.yml:2:1: plugin: inventory plugin "gcp_compute" is not supported (aws_ec2 is)`);
  });

  it('refuses a bad variables file, naming it and the line', async () => {
    const dir = writeTree({ 'hosts.ini': '[web]\nw1\n', 'group_vars/web.yml': 'ok: 1\nbad: [\n', 'host_vars/w1.yml': '- a list\n' });
    const error = await rejection(() => loadInventories([`${dir}/hosts.ini`], {}));
    expect(error.file).to.equal(`${dir}/group_vars/web.yml`);
    expect(error.line).to.equal(3);
    const dir2 = writeTree({ 'hosts.ini': '[web]\nw1\n', 'host_vars/w1.yml': '- a list\n' });
    expect((await rejection(() => loadInventories([`${dir2}/hosts.ini`], {}))).describe!()).to.equal(
      `${dir2}/host_vars/w1.yml:1:1: variables: must be a mapping, got a list`,
    );
  });

  it('fails the whole load on a bad connection variable: nothing runs', async () => {
    const dir = writeTree({ 'hosts.ini': '[web]\nw1\nw2 ansible_port=twenty\n' });
    const error = await rejection(() => loadInventories([`${dir}/hosts.ini`], {}));
    expect(error.describe!()).to.equal(`${dir}/hosts.ini:3: ansible_port: "twenty" is not a TCP port (1-65535) (host w2)`);
  });
});
