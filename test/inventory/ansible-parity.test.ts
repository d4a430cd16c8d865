import { expect } from 'chai';
import { execa } from 'execa';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventories } from '../../inventory/index.ts';
import { listOutput } from '../../inventory/output.ts';
import { patience } from '../support/patience.ts';

const fixtures = fileURLToPath(new URL('../fixtures/inventory/', import.meta.url));
const docs = join(fixtures, 'ansible-docs');
// Every example from Ansible's "How to build your inventory" and the ini/yaml plugin docs,
// except the one Ansible itself rejects (checked below).
const examples = readdirSync(docs)
  .filter((f) => /\.(ini|yml)$/.test(f) && f !== 'undefined-child.ini')
  .map((f) => join(docs, f));
const cases: { file: string; extraVars: string[] }[] = [
  ...examples.map((file) => ({ file, extraVars: [] })),
  { file: join(fixtures, 'precedence/hosts.ini'), extraVars: [] },
  { file: join(fixtures, 'precedence/hosts.yml'), extraVars: [] },
  { file: join(fixtures, 'precedence/hosts.ini'), extraVars: ['level=cli', 'both=cli'] },
];

/** Environment for Debian's Ansible: an empty config of our own, state under `home`, failing on any source it cannot parse. */
function ansibleEnv(home: string): Record<string, string> {
  return {
    ANSIBLE_CONFIG: join(home, 'ansible.cfg'),
    ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true',
    ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'true',
    ANSIBLE_HOME: home,
    ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
    ANSIBLE_NOCOLOR: '1',
  };
}

async function ansibleInventory(args: string[], home: string): Promise<string> {
  const result = await execa('ansible-inventory', args, { env: ansibleEnv(home), reject: false });
  if (result.exitCode !== 0) throw new Error(`ansible-inventory ${args.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout;
}

describe('inventory: same hosts, groups and vars as ansible-inventory --list @integration', function () {
  this.timeout(patience(120_000));
  let home: string;
  const expected = new Map<string, unknown>();

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'bosun-ansible-'));
    writeFileSync(join(home, 'ansible.cfg'), '[defaults]\n');
    // ansible-inventory takes about a second to start: run them all at once.
    await Promise.all(
      cases.map(async (c) => {
        const args = ['-i', c.file, '--list', ...c.extraVars.flatMap((e) => ['-e', e])];
        expected.set(c.file + c.extraVars.join(' '), JSON.parse(await ansibleInventory(args, home)));
      }),
    );
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  for (const c of cases) {
    const name = `${c.file.slice(fixtures.length)}${c.extraVars.length > 0 ? ` -e ${c.extraVars.join(' -e ')}` : ''}`;
    it(name, async () => {
      const extraVars = Object.fromEntries(c.extraVars.map((e) => e.split('=') as [string, string]));
      const ours = listOutput(await loadInventories([c.file], { extraVars }));
      const theirs = expected.get(c.file + c.extraVars.join(' ')) as Record<string, unknown>;
      expect(Object.keys(theirs)).to.include('all');
      expect(ours).to.deep.equal(theirs);
    });
  }

  it('rejects the example Ansible rejects (undeclared children), at the same line', async () => {
    const file = join(docs, 'undefined-child.ini');
    // Ansible wraps its warnings at the terminal width, wherever a space or a
    // dash falls: run it from the fixture's folder so the path is short, and
    // read the line number across any wrap.
    const theirs = await execa('ansible-inventory', ['-i', 'undefined-child.ini', '--list'], {
      cwd: docs,
      env: ansibleEnv(home),
      reject: false,
    });
    expect(theirs.exitCode).to.not.equal(0);
    const line = /undefined-child\.ini:(\d+):/.exec(theirs.stderr.replace(/\n/g, ''))?.[1];
    expect(line, theirs.stderr).to.be.a('string');
    try {
      await loadInventories([file], {});
      expect.fail('bosun accepted it');
    } catch (error) {
      expect((error as { line?: number }).line).to.equal(Number(line));
      expect((error as Error).message).to.match(/names group 'northeast', which is never declared/);
    }
  });

  describe('host patterns select what `ansible PATTERN --list-hosts` selects', () => {
    const file = join(fixtures, 'patterns.ini');
    const patterns = [
      'all',
      '*',
      'webservers',
      'prod',
      'webservers:dbservers',
      'webservers,dbservers',
      'webservers:&staging',
      'webservers:!staging',
      'webservers,dbservers,!staging,&prod',
      '!staging',
      'web*',
      '*.example.com:!web*',
      'db?.example.com',
      'web[13].example.com',
      '~(web|db)1\\.',
      'webservers[0]',
      'webservers[-1]',
      'webservers[1:2]',
      'nothing:webservers',
      'ungrouped',
    ];
    const theirs = new Map<string, string[]>();
    before(async () => {
      await Promise.all(
        patterns.map(async (pattern) => {
          const result = await execa('ansible', [pattern, '-i', file, '--list-hosts'], { env: ansibleEnv(home) });
          theirs.set(
            pattern,
            result.stdout
              .split('\n')
              .slice(1)
              .map((l) => l.trim())
              .filter((l) => l !== ''),
          );
        }),
      );
    });
    for (const pattern of patterns) {
      it(`'${pattern}'`, async () => {
        const inventory = await loadInventories([file], {});
        expect(inventory.select(pattern).map((h) => h.name)).to.deep.equal(theirs.get(pattern));
      });
    }
  });
});
