import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { inventoryCommand } from '../../cli/inventory-command.ts';
import { removeTrees, writeTree } from './temp-tree.ts';

const fixtures = fileURLToPath(new URL('../fixtures/inventory/', import.meta.url));

async function run(argv: string[], cwd = fixtures): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await inventoryCommand(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
  });
  return { code, stdout, stderr };
}

// cli/inventory-command.ts: `bosun inventory list | graph | host NAME`.
describe('cli/inventory-command', () => {
  afterEach(removeTrees);

  it('list --json prints ansible-inventory --list JSON (sorted keys, 4 spaces)', async () => {
    const { code, stdout } = await run(['list', '-i', 'ansible-docs/group-vars.ini', '--json']);
    expect(code).to.equal(0);
    expect(stdout).to.equal(
      [
        '{',
        '    "_meta": {',
        '        "hostvars": {',
        '            "host1": {',
        '                "ntp_server": "ntp.atlanta.example.com",',
        '                "proxy": "proxy.atlanta.example.com"',
        '            },',
        '            "host2": {',
        '                "ntp_server": "ntp.atlanta.example.com",',
        '                "proxy": "proxy.atlanta.example.com"',
        '            }',
        '        }',
        '    },',
        '    "all": {',
        '        "children": [',
        '            "ungrouped",',
        '            "atlanta"',
        '        ]',
        '    },',
        '    "atlanta": {',
        '        "hosts": [',
        '            "host1",',
        '            "host2"',
        '        ]',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('list prints a table of hosts, connections and groups', async () => {
    const { code, stdout } = await run(['list', '-i', 'precedence/hosts.ini', '-e', 'ansible_user=ops']);
    expect(code).to.equal(0);
    expect(stdout.split('\n')).to.deep.equal([
      'HOST  CONNECTION                     GROUPS',
      'web1  ssh ops@web1                   prod, web',
      'web2  ssh ops@10.0.0.2:2202          prod, web',
      'db1   ssh ops@db1 (become postgres)  prod, db',
      '',
    ]);
  });

  it('graph prints the tree as ansible-inventory --graph, from all or a group', async () => {
    const { stdout } = await run(['graph', '-i', 'ansible-docs/inheriting.ini']);
    expect(stdout).to.equal(
      [
        '@all:',
        '  |--@ungrouped:',
        '  |--@usa:',
        '  |  |--@southeast:',
        '  |  |  |--@atlanta:',
        '  |  |  |  |--host1',
        '  |  |  |  |--host2',
        '  |  |  |--@raleigh:',
        '  |  |  |  |--host2',
        '  |  |  |  |--host3',
        '  |  |--@northeast:',
        '  |  |--@southwest:',
        '  |  |--@northwest:',
        '',
      ].join('\n'),
    );
    const sub = await run(['graph', 'raleigh', '-i', 'ansible-docs/inheriting.ini', '--json']);
    expect(JSON.parse(sub.stdout)).to.deep.equal({ name: 'raleigh', hosts: ['host2', 'host3'], children: [] });
  });

  it('host NAME prints its variables (--json as ansible-inventory --host)', async () => {
    const json = await run(['host', 'web2', '-i', 'precedence/hosts.ini', '--json']);
    expect(JSON.parse(json.stdout)).to.include({ ansible_host: '10.0.0.2', ansible_port: 2202, level: 'child_inline' });
    const text = await run(['host', 'web2', '-i', 'precedence/hosts.ini']);
    expect(text.stdout).to.match(/^web2\n {2}connection: ssh deploy@10\.0\.0\.2:2202\n {2}groups: all, prod, web\n {2}vars:\n/);
  });

  it('takes several -i and a --limit that applies to all of them', async () => {
    const dir = writeTree({ 'a.ini': '[web]\nw1\nw2\n', 'b.yml': 'db:\n  hosts: {d1: }\n' });
    const { code, stdout } = await run(['list', '-i', 'a.ini', '-i', 'b.yml', '--limit', 'w2:db', '--json'], dir);
    expect(code).to.equal(0);
    const list = JSON.parse(stdout);
    expect(list.web).to.deep.equal({ hosts: ['w2'] });
    expect(list.db).to.deep.equal({ hosts: ['d1'] });
  });

  it('accepts options before the subcommand too (as ansible-inventory -i FILE --list)', async () => {
    const dir = writeTree({ 'a.ini': '[web]\nw1\nw2\n', 'b.yml': 'db:\n  hosts: {d1: }\n' });
    const { code, stdout } = await run(['-i', 'a.ini', '--json', 'list', '-i', 'b.yml', '-l', 'w1:d1'], dir);
    expect(code).to.equal(0);
    expect(Object.keys(JSON.parse(stdout)._meta.hostvars)).to.deep.equal([]);
    expect(JSON.parse(stdout).web).to.deep.equal({ hosts: ['w1'] });
    expect(JSON.parse(stdout).db).to.deep.equal({ hosts: ['d1'] });
  });

  it('reads --limit @file as a list of host names', async () => {
    const dir = writeTree({ 'a.ini': '[web]\nw1\nw2\nw3\n', retry: 'w1\nw3\n' });
    const { stdout } = await run(['graph', '-i', 'a.ini', '-l', '@retry'], dir);
    expect(stdout).to.contain('|--w1').and.contain('|--w3').and.not.contain('w2');
  });

  it('with no -i, shows the local machine', async () => {
    const { stdout } = await run(['list']);
    expect(stdout).to.equal('HOST       CONNECTION  GROUPS\nlocalhost  local       ungrouped\n');
  });

  const failures: [string, string[], RegExp][] = [
    [
      'a --limit matching nothing',
      ['list', '-i', 'patterns.ini', '--limit', 'nosuch'],
      /^bosun inventory: limit: 'nosuch' matches no host\n$/,
    ],
    ['a missing inventory', ['list', '-i', 'nowhere.ini'], /nowhere\.ini: inventory source not found/],
    ['a bad inventory', ['list', '-i', 'ansible-docs/undefined-child.ini'], /undefined-child\.ini:17: children:/],
    ['an unknown host', ['host', 'ghost', '-i', 'patterns.ini'], /host: no host named 'ghost'/],
    ['an unknown group for graph', ['graph', 'ghost', '-i', 'patterns.ini'], /group: no group named 'ghost'/],
    ['an unknown subcommand', ['lsit'], /unknown command 'lsit'/],
    ['an unknown option', ['list', '--frobnicate'], /unknown option '--frobnicate'/],
    ['host without a name', ['host'], /missing required argument 'name'/],
    ['a bad -e', ['list', '-e', 'novalue'], /-e: expected key=value/],
  ];
  for (const [what, argv, message] of failures) {
    it(`exits 1 on ${what}`, async () => {
      const { code, stdout, stderr } = await run(argv);
      expect(code).to.equal(1);
      expect(stderr).to.match(message);
      expect(stdout).to.equal('');
    });
  }
});
