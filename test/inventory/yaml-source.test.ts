import { expect } from 'chai';
import type { BosunError } from '../../compiler/errors.ts';
import { InventoryGraph } from '../../inventory/graph.ts';
import { YamlFile } from '../../inventory/yaml-file.ts';
import { readYamlInventory } from '../../inventory/yaml-source.ts';
import { thrown } from '../support/thrown.ts';

function read(text: string): InventoryGraph {
  const graph = new InventoryGraph();
  readYamlInventory(new YamlFile(text, 'hosts.yml'), graph);
  graph.reconcile();
  return graph;
}

const failure = (text: string) => thrown<BosunError>(() => read(text));

describe('inventory/yaml-source', () => {
  it('reads nested children, host vars, ranges and ports', () => {
    const graph = read(`
all:
  vars: { region: eu }
  children:
    web:
      hosts:
        web[1:2]:
          http_port: 80
        web3:2222:
      children:
        nginx:
          hosts: n1
`);
    expect(graph.groups.get('web')!.hosts).to.deep.equal(['web1', 'web2', 'web3']);
    expect(graph.groups.get('web')!.children).to.deep.equal(['nginx']);
    expect(graph.groups.get('nginx')!.hosts).to.deep.equal(['n1']);
    expect(graph.hosts.get('web2')!.vars.get('http_port')).to.equal(80);
    expect(graph.hosts.get('web3')!.vars.get('ansible_port')).to.equal(2222);
    expect(graph.groups.get('all')!.vars.get('region')).to.equal('eu');
  });

  it('reads YAML 1.1 scalars as Ansible (PyYAML) does', () => {
    const graph = read('g:\n  hosts:\n    h:\n      a: yes\n      b: off\n      c: "yes"\n      d: 0777\n');
    expect(Object.fromEntries(graph.hosts.get('h')!.vars)).to.deep.equal({ a: true, b: false, c: 'yes', d: 511 });
  });

  it('resolves anchors and aliases', () => {
    const graph = read('g:\n  vars: &common\n    x: 1\nh:\n  vars: *common\n');
    expect(graph.groups.get('h')!.vars.get('x')).to.equal(1);
  });

  const errors: [string, string, number, RegExp][] = [
    ['a syntax error', 'all:\n  hosts:\n    h1: [unclosed\n', 4, /YAML syntax error/],
    ['an unknown key in a group', 'web:\n  hosts:\n    h1:\n  host_vars:\n    x: 1\n', 4, /host_vars: unknown key in group 'web'/],
    ['a group that is a list', 'web:\n  - h1\n', 2, /must be a mapping/],
    ['hosts given as a list', 'web:\n  hosts:\n    - h1\n', 3, /web\.hosts: must be a mapping/],
    ['host vars that are not a mapping', 'web:\n  hosts:\n    h1: 5\n', 3, /must be a mapping/],
    ['a bad range', 'web:\n  hosts:\n    web[3:1]:\n', 3, /goes backwards/],
    ['a group that is its own child', 'web:\n  children:\n    web:\n', 3, /its own child/],
    ['a cycle', 'a:\n  children:\n    b:\n      children:\n        a:\n', 5, /cycle/],
    ['a duplicate key', 'web:\n  hosts:\n    h1:\n    h1:\n', 4, /duplicate key 'h1'/],
  ];
  for (const [what, text, line, message] of errors) {
    it(`refuses ${what}, naming the file and line`, () => {
      const error = failure(text);
      expect(error.describe()).to.match(message);
      expect(error.file).to.equal('hosts.yml');
      expect(error.line).to.equal(line);
    });
  }

  it('refuses an empty file and a top level that is not a mapping', () => {
    expect(failure('').message).to.match(/empty/);
    expect(failure('# only a comment\n').message).to.match(/empty/);
    expect(failure('- a\n- b\n').describe()).to.match(/^hosts\.yml:1:1: inventory: must be a mapping/);
  });
});
