import { expect } from 'chai';
import { loadInventories, type Inventory } from '../../inventory/index.ts';
import { splitPattern } from '../../inventory/pattern.ts';
import { removeTrees, writeTree } from './temp-tree.ts';

describe('inventory/pattern', () => {
  let inventory: Inventory;
  before(async () => {
    const dir = writeTree({
      'hosts.ini': [
        'mail.example.com',
        '[web]',
        'web1.example.com',
        'web2.example.com',
        'web3.example.com',
        '[db]',
        'db1.example.com',
        'db2.example.com',
        '[staging]',
        'web3.example.com',
        'db2.example.com',
        '[east]',
        'web1.example.com',
        'db1.example.com',
        '[prod:children]',
        'east',
        '[webservers-legacy]',
        'old.example.com',
      ].join('\n'),
    });
    inventory = await loadInventories([`${dir}/hosts.ini`], {});
  });
  after(removeTrees);

  const names = (pattern: string): string[] => inventory.select(pattern).map((h) => h.name);
  const everyone = [
    'mail.example.com',
    'web1.example.com',
    'web2.example.com',
    'web3.example.com',
    'db1.example.com',
    'db2.example.com',
    'old.example.com',
  ];

  const cases: [string, string[]][] = [
    ['all', everyone],
    ['*', everyone],
    ['web', ['web1.example.com', 'web2.example.com', 'web3.example.com']],
    ['prod', ['web1.example.com', 'db1.example.com']],
    ['db1.example.com', ['db1.example.com']],
    ['ungrouped', ['mail.example.com']],
    ['web:db', ['web1.example.com', 'web2.example.com', 'web3.example.com', 'db1.example.com', 'db2.example.com']],
    ['web,db', ['web1.example.com', 'web2.example.com', 'web3.example.com', 'db1.example.com', 'db2.example.com']],
    ['web:&staging', ['web3.example.com']],
    ['web:!staging', ['web1.example.com', 'web2.example.com']],
    ['web,db,!staging,&prod', ['web1.example.com', 'db1.example.com']],
    ['!staging:web', ['web1.example.com', 'web2.example.com']],
    ['!web', ['mail.example.com', 'db1.example.com', 'db2.example.com', 'old.example.com']],
    ['&db', ['db1.example.com', 'db2.example.com']],
    ['web*', ['web1.example.com', 'web2.example.com', 'web3.example.com', 'old.example.com']],
    ['*.example.com:!web*', ['mail.example.com', 'db1.example.com', 'db2.example.com']],
    ['db?.example.com', ['db1.example.com', 'db2.example.com']],
    ['web[13].example.com', ['web1.example.com', 'web3.example.com']],
    ['web[!13].example.com', ['web2.example.com']],
    ['~(web|db)1\\.', ['web1.example.com', 'db1.example.com']],
    ['~web', ['web1.example.com', 'web2.example.com', 'web3.example.com', 'old.example.com']],
    ['~.*legacy', ['old.example.com']],
    ['web[0]', ['web1.example.com']],
    ['web[-1]', ['web3.example.com']],
    ['web[1:2]', ['web2.example.com', 'web3.example.com']],
    ['web[1:]', ['web2.example.com', 'web3.example.com']],
    ['nothing', []],
    ['nothing*:~^zzz', []],
    ['web:&nothing', []],
    [' web , db1.example.com ', ['web1.example.com', 'web2.example.com', 'web3.example.com', 'db1.example.com']],
  ];
  for (const [pattern, expected] of cases) {
    it(`'${pattern}'`, () => expect(names(pattern)).to.deep.equal(expected));
  }

  it('refuses a bad regex and an index past the end', () => {
    expect(() => names('~web(')).to.throw(/not a valid regular expression/);
    expect(() => names('web[7]')).to.throw(/asks for host 7 of 3/);
  });

  it('splits as Ansible: commas first, colons outside brackets, addresses whole', () => {
    expect(splitPattern('a:b:&c:!d')).to.deep.equal(['a', 'b', '&c', '!d']);
    expect(splitPattern('a,b:c')).to.deep.equal(['a', 'b:c']);
    expect(splitPattern('web[1:3]:db')).to.deep.equal(['web[1:3]', 'db']);
    expect(splitPattern('web[1:3]')).to.deep.equal(['web[1:3]']);
    expect(splitPattern('fe80::1')).to.deep.equal(['fe80::1']);
    expect(splitPattern('host:22')).to.deep.equal(['host:22']);
  });
});
