import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { ValidationError } from '../../compiler/errors.ts';
import { quote } from '../../compiler/quote.ts';
import { shellText } from '../support/arbitraries.ts';
import { propertyRuns } from '../support/property-runs.ts';

/** Runs `SHELL -c 'printf "%s\0" WORDS'` and returns the words it printed, split on NUL. */
function echoBack(shell: readonly string[], quoted: readonly string[]): string[] {
  const result = spawnSync(shell[0]!, [...shell.slice(1), '-c', `printf '%s\\0' ${quoted.join(' ')}`], { encoding: 'buffer' });
  expect(result.status, result.stderr.toString()).to.equal(0);
  return result.stdout.toString('utf8').split('\0').slice(0, -1);
}

describe('compiler/quote', () => {
  it('leaves plain words alone and single-quotes everything else', () => {
    expect(quote('/etc/apt/apt.conf.d/20auto-upgrades')).to.equal('/etc/apt/apt.conf.d/20auto-upgrades');
    expect(quote('a b')).to.equal(`'a b'`);
    expect(quote('')).to.equal(`''`);
    expect(quote(`it's`)).to.equal(`'it'\\''s'`);
    expect(quote('$(rm -rf /)')).to.equal(`'$(rm -rf /)'`);
    expect(quote('*')).to.equal(`'*'`);
    expect(quote('~root')).to.equal(`'~root'`);
  });

  it('refuses a NUL byte with an error naming the field', () => {
    const error = (() => {
      try {
        quote('a\0b', 'file.content');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).field).to.equal('file.content');
    expect((error as Error).message).to.match(/file\.content: .*NUL/);
  });

  for (const shell of [['sh'], ['dash'], ['busybox', 'sh']]) {
    it(`round-trips any text byte-exact through real ${shell.join(' ')} -c 'printf %s …'`, () => {
      fc.assert(
        fc.property(fc.array(shellText, { minLength: 1, maxLength: 20 }), (values) => {
          expect(
            echoBack(
              shell,
              values.map((value) => quote(value)),
            ),
          ).to.deep.equal(values);
        }),
        propertyRuns(40),
      );
    });
  }

  it('keeps a quoted word one word, whatever IFS and globbing would do to it', () => {
    const values = ['a b', '*', '-n', '', ' ', '\n', 'x\ty', '$IFS', '"', "'", '\\', '`id`'];
    expect(
      echoBack(
        ['sh'],
        values.map((value) => quote(value)),
      ),
    ).to.deep.equal(values);
  });
});

describe('compiler/quote: reserved words', () => {
  it('quotes shell reserved words, so they read as data wherever they land', () => {
    for (const word of ['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in']) {
      expect(quote(word)).to.equal(`'${word}'`);
    }
    expect(quote('done2')).to.equal('done2');
  });
});

describe('compiler/quote: shapes shellcheck reads as mistakes', () => {
  it('puts backslashes before a quote outside the quotes, and quotes a leading =', () => {
    expect(quote('\\')).to.equal('\\\\');
    expect(quote('a\\')).to.equal(`'a'\\\\`);
    expect(quote("a\\'b")).to.equal(`'a'\\\\\\''b'`);
    expect(quote("'")).to.equal(`\\'`);
    expect(quote('=x')).to.equal(`'=x'`);
    expect(quote('a=b')).to.equal('a=b');
  });
});
