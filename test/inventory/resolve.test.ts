import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { loadInventories } from '../../inventory/index.ts';
import { removeTrees, writeTree } from './temp-tree.ts';

const precedence = fileURLToPath(new URL('../fixtures/inventory/precedence/', import.meta.url));

describe('inventory/resolve: variable precedence', () => {
  afterEach(removeTrees);

  for (const file of ['hosts.ini', 'hosts.yml']) {
    describe(`precedence fixture ${file}`, () => {
      it('all < parent group < child group < host, inline', async () => {
        const inventory = await loadInventories([precedence + file], {});
        const vars = inventory.host('web1')!.vars;
        expect(vars.level).to.equal('child_inline'); // web (child) beats prod (parent) beats all
        expect(vars.parent_only).to.equal('parent');
        expect(vars.all_only).to.equal('yes');
        expect(vars.both).to.equal('host_file'); // host_vars/ file beats the inline host var
        expect(vars.only_host).to.equal(1);
      });

      it('group_vars files: all < parent < child, each after every inline group var', async () => {
        const inventory = await loadInventories([precedence + file], {});
        const web1 = inventory.host('web1')!.vars;
        expect(web1.level_file).to.equal('web-base');
        expect(web1.parent_file).to.equal(true);
        expect(web1.from_all_file).to.equal(1);
        // Ansible's order: group_vars/all.yml beats the inline [web:vars].
        expect(web1.shadow).to.equal('all_file');
        expect(inventory.host('db1')!.vars.level_file).to.equal('db-noext');
      });

      it('a group_vars folder is read in sorted order; hidden, backup and other files are skipped', async () => {
        const inventory = await loadInventories([precedence + file], {});
        const web1 = inventory.host('web1')!.vars;
        expect(web1.folder).to.equal('second');
        // Keys are replaced whole, not deep-merged (Ansible's hash_behaviour=replace).
        expect(web1.nested).to.deep.equal({ b: 2 });
      });

      it('-e beats everything', async () => {
        const inventory = await loadInventories([precedence + file], { extraVars: { level: 'cli', both: 'cli' } });
        for (const host of inventory.hosts()) expect(host.vars.level).to.equal('cli');
        expect(inventory.host('web1')!.vars.both).to.equal('cli');
      });
    });
  }

  it('ansible_group_priority orders groups of equal depth, and is not a variable', async () => {
    const dir = writeTree({
      'hosts.yml':
        'a_group:\n  hosts: {h: }\n  vars: {testvar: a, ansible_group_priority: 10}\nb_group:\n  hosts: {h: }\n  vars: {testvar: b}\n',
    });
    const inventory = await loadInventories([`${dir}/hosts.yml`], {});
    expect(inventory.host('h')!.vars).to.deep.equal({ testvar: 'a' });
    expect(inventory.groups.get('a_group')!.priority).to.equal(10);
  });

  it('among groups of equal depth and priority, the later name wins', async () => {
    const dir = writeTree({ 'hosts.ini': '[zeta]\nh\n[alpha]\nh\n[zeta:vars]\nx=zeta\n[alpha:vars]\nx=alpha\n' });
    const inventory = await loadInventories([`${dir}/hosts.ini`], {});
    expect(inventory.host('h')!.vars.x).to.equal('zeta');
  });

  it('depth is the longest path from all: a deeper group wins even when also a direct child of all', async () => {
    const dir = writeTree({
      'hosts.ini':
        '[top:children]\nmid\n[mid:children]\ndeep\n[deep]\nh\n[other]\nh\n[deep:vars]\nx=deep\n[other:vars]\nx=other\n[mid:vars]\nx=mid\n',
    });
    const inventory = await loadInventories([`${dir}/hosts.ini`], {});
    expect(inventory.host('h')!.vars.x).to.equal('deep');
    expect(inventory.host('h')!.groups).to.deep.equal(['all', 'other', 'top', 'mid', 'deep']);
  });

  it('later sources override earlier ones at the same level', async () => {
    const dir = writeTree({ 'a.ini': '[web]\nh x=1 y=1\n', 'b.yml': 'web:\n  hosts:\n    h: {x: 2}\n' });
    const inventory = await loadInventories([`${dir}/a.ini`, `${dir}/b.yml`], {});
    expect(inventory.host('h')!.vars).to.deep.equal({ x: 2, y: 1 });
  });
});
