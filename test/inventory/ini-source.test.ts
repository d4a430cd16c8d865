import { expect } from 'chai';
import type { LoadError, ValidationError } from '../../compiler/errors.ts';
import { InventoryGraph } from '../../inventory/graph.ts';
import { readIniInventory } from '../../inventory/ini-source.ts';
import { thrown } from '../support/thrown.ts';

function read(text: string): InventoryGraph {
  const graph = new InventoryGraph();
  readIniInventory(text, 'hosts.ini', graph);
  graph.reconcile();
  return graph;
}

const failure = (text: string) => thrown<LoadError | ValidationError>(() => read(text));

describe('inventory/ini-source', () => {
  it('reads groups, children, vars, ranges and ungrouped hosts', () => {
    const graph = read(
      [
        'mail.example.com',
        '',
        '[web]',
        'web[1:2] http_port=80 ; still part of the value? no: shlex splits words',
        '',
        '[web:vars]',
        'ntp = ntp.example.com',
        '',
        '[prod:children]',
        'web',
      ]
        .join('\n')
        .replace(' ; still part of the value? no: shlex splits words', ''),
    );
    expect(graph.groups.get('ungrouped')!.hosts).to.deep.equal(['mail.example.com']);
    expect(graph.groups.get('web')!.hosts).to.deep.equal(['web1', 'web2']);
    expect(graph.groups.get('prod')!.children).to.deep.equal(['web']);
    expect(graph.groups.get('all')!.children).to.deep.equal(['ungrouped', 'prod']);
    expect(Object.fromEntries(graph.groups.get('web')!.vars)).to.deep.equal({ ntp: 'ntp.example.com' });
    expect(Object.fromEntries(graph.hosts.get('web2')!.vars)).to.deep.equal({ http_port: 80 });
  });

  it('accepts children declared before their group, and comments after headers', () => {
    const graph = read(['[parent:children]  # later', 'kid', '', '[kid]', 'h1'].join('\n'));
    expect(graph.groups.get('parent')!.children).to.deep.equal(['kid']);
    expect(graph.groups.get('kid')!.hosts).to.deep.equal(['h1']);
  });

  it('records the line of every variable', () => {
    const graph = read(['[web]', 'h1 a=1', '[web:vars]', 'b=2'].join('\n'));
    expect(graph.hosts.get('h1')!.varOrigins.get('a')).to.deep.equal({ file: 'hosts.ini', line: 2 });
    expect(graph.groups.get('web')!.varOrigins.get('b')).to.deep.equal({ file: 'hosts.ini', line: 4 });
  });

  const errors: [string, string, number, RegExp][] = [
    ['an unknown section type', '[web]\nh1\n[web:hostz]\n', 3, /unknown type 'hostz'/],
    ['a section with spaces', 'h0\n[web servers]\n', 2, /invalid section header/],
    ['a host var without =', '[web]\nh1 ansible_port\n', 2, /expected key=value/],
    ['an unterminated quote', '[web]\nh1 a="open\n', 2, /no closing quotation/],
    ['a bad range', '\n[web]\nweb[9:1]\n', 3, /goes backwards/],
    ['a vars line without =', '[web]\nh1\n[web:vars]\njust words\n', 4, /expected key=value/],
    ['vars for an undeclared group', '[ghost:vars]\na=1\n', 1, /never declared/],
    ['a child that is never declared', '[web]\nh1\n[prod:children]\nweb\nghost\n', 5, /names group 'ghost'/],
    ['a group that is its own child', '[web:children]\nweb\n', 2, /its own child/],
    ['a cycle through two groups', '[a:children]\nb\n[b:children]\na\n', 4, /cycle: b → a → b/],
    ['a YAML document', '---\nall:\n', 1, /YAML/],
    ['a bad port', '[web]\nh1:99999\n', 2, /not a TCP port/],
  ];
  for (const [what, text, line, message] of errors) {
    it(`refuses ${what}, naming the file and line`, () => {
      const error = failure(text);
      expect(error.message).to.match(message);
      expect(error.file).to.equal('hosts.ini');
      expect(error.line).to.equal(line);
      expect(error.describe()).to.match(new RegExp(`^hosts\\.ini:${line}: `));
    });
  }
});
