import { expect } from 'chai';
import { parseIniValue } from '../../inventory/python-literal.ts';

describe('inventory/python-literal (INI values as ast.literal_eval)', () => {
  const cases: [string, unknown][] = [
    ['22', 22],
    ['-5', -5],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['0x1f', 31],
    ['0o17', 15],
    ['1_000', 1000],
    ['True', true],
    ['False', false],
    ['None', null],
    ['"quoted"', 'quoted'],
    [`'single'`, 'single'],
    [`'a\\tb'`, 'a\tb'],
    [`r'a\\tb'`, 'a\\tb'],
    [`'a' "b"`, 'ab'],
    ['[1, "two", [3]]', [1, 'two', [3]]],
    ['(1, 2)', [1, 2]],
    ['(7)', 7],
    [`{'a': 1, 2: [True]}`, { a: 1, '2': [true] }],
    ['8080 # a trailing comment', 8080],
    ['True # comment', true],
    // Not literals: kept as written.
    ['010', '010'],
    ['10.0.0.1', '10.0.0.1'],
    ['bar', 'bar'],
    ['true', 'true'],
    ['yes', 'yes'],
    ['1 2', '1 2'],
    ['--1', '--1'],
    ['-True', '-True'],
    ['{1, 2}', '{1, 2}'],
    ['proxy.example.com # comment', 'proxy.example.com # comment'],
    [`"unterminated`, `"unterminated`],
    ['', ''],
  ];
  for (const [input, value] of cases) {
    it(`reads ${JSON.stringify(input)} as ${JSON.stringify(value)}`, () => expect(parseIniValue(input)).to.deep.equal(value));
  }
});
