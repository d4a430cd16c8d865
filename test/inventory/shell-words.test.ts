import { expect } from 'chai';
import fc from 'fast-check';
import { quote } from '../../compiler/quote.ts';
import { splitShellWords } from '../../inventory/shell-words.ts';

describe('inventory/shell-words', () => {
  const cases: [string, string[]][] = [
    ['-o StrictHostKeyChecking=no', ['-o', 'StrictHostKeyChecking=no']],
    [`-o ProxyCommand="ssh -W %h:%p -q bastion"`, ['-o', 'ProxyCommand=ssh -W %h:%p -q bastion']],
    [`'$HOME' "$HOME" \`id\``, ['$HOME', '$HOME', '`id`']],
    [`a\\ b "c\\"d" 'e\\f' "g\\h"`, ['a b', 'c"d', 'e\\f', 'g\\h']],
    [`"" ''`, ['', '']],
    ['  spaced\tout \n', ['spaced', 'out']],
  ];
  for (const [input, words] of cases) {
    it(`splits ${JSON.stringify(input)}`, () => expect(splitShellWords(input)).to.deep.equal(words));
  }

  it('ends at an unquoted # only when asked (INI host lines)', () => {
    expect(splitShellWords('h a=1 # note', { comments: true })).to.deep.equal(['h', 'a=1']);
    expect(splitShellWords('h a=1#x', { comments: true })).to.deep.equal(['h', 'a=1']);
    expect(splitShellWords(`h a="1#x"`, { comments: true })).to.deep.equal(['h', 'a=1#x']);
    expect(splitShellWords('h a=1#x')).to.deep.equal(['h', 'a=1#x']);
  });

  it('refuses unterminated quotes and a trailing backslash', () => {
    expect(() => splitShellWords(`"open`)).to.throw(/no closing quotation/);
    expect(() => splitShellWords(`'open`)).to.throw(/no closing quotation/);
    expect(() => splitShellWords('end\\')).to.throw(/no escaped character/);
  });

  it('gives back any words quoted by compiler/quote', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string().filter((s) => !s.includes('\0')),
          { minLength: 1, maxLength: 6 },
        ),
        (words) => {
          expect(splitShellWords(words.map((w) => quote(w)).join(' '))).to.deep.equal(words);
        },
      ),
    );
  });
});
