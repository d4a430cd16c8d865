import { expect } from 'chai';
import { execa } from 'execa';
import fc from 'fast-check';
import { posixEre } from '../../compiler/ere.ts';
import { ValidationError } from '../../compiler/errors.ts';
import { propertyRuns, propertyTimeout } from '../support/property-runs.ts';
import { thrown } from '../support/thrown.ts';

/** Whether an awk compiles `pattern` as a dynamic regexp (mawk and busybox exit non-zero when they cannot). */
async function awkAccepts(awk: readonly string[], pattern: string): Promise<boolean> {
  const result = await execa(awk[0]!, [...awk.slice(1), 'BEGIN { if ("" ~ ENVIRON["R"]) x = 1 }'], {
    env: { R: pattern },
    reject: false,
    stdin: 'ignore',
  });
  return result.exitCode === 0 && result.stderr === '';
}

describe('compiler/ere: POSIX extended regular expressions', () => {
  it('accepts what POSIX defines, and tells whether intervals are used', () => {
    for (const pattern of [
      '^PermitRootLogin ',
      'a|b',
      '(ab|cd)+$',
      '^\\[main\\]$',
      '[]a]',
      '[^]a-z]',
      '[[:alpha:][:digit:]_-]+',
      'x?y*z+',
      '\\.\\*\\{',
      'a{2}',
      'a{1,}',
      'a{1,3}',
      '}',
      ']',
      'a^b$c',
      '[[:alpha:]-]',
      '[a-c-]',
      '[--a]',
    ]) {
      expect(() => posixEre(pattern, 'line.regexp'), pattern).not.to.throw();
    }
    expect(posixEre('a{2,3}', 'f').intervals).to.equal(true);
    expect(posixEre('a\\{2\\}', 'f').intervals).to.equal(false);
  });

  it('refuses what POSIX leaves undefined or forbids, naming the field and the problem', () => {
    const cases: [string, RegExp][] = [
      ['(', /never closed/],
      ['a)', /closes no group/],
      ['()', /empty/],
      ['a|', /alternative is empty/],
      ['|a', /alternative is empty/],
      ['(a|)', /empty/],
      ['*a', /nothing before it to repeat/],
      ['^*', /nothing before it to repeat/],
      ['a**', /follows another repetition/],
      ['a+?', /follows another repetition/],
      ['a{', /starts no interval/],
      ['a{x}', /starts no interval/],
      ['a{3,1}', /backwards/],
      ['a{256}', /above 255/],
      ['[a', /never closed with \]/],
      ['[[:foo:]]', /not a character class/],
      ['[[:alpha:]', /never closed/],
      ['[z-a]', /runs backwards/],
      // busybox's awk (regcomp) refuses these three ("Invalid range end"); mawk takes them.
      ['[[:alpha:]-a]', /range starts at a class/],
      ['[[=a=]-z]', /range starts at a class/],
      ['[a-c-e]', /range starts at a class, a collating element or the end of another range/],
      ['(a)\\1', /backreference/],
      ['a\\', /ends with a backslash/],
      ['$(a)', /matches nothing/],
      ['[\\]a]', /backslash inside/],
    ];
    for (const [pattern, problem] of cases) {
      const error = thrown(() => posixEre(pattern, 'line(/etc/hosts).regexp'));
      expect(error, pattern).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).field, pattern).to.equal('line(/etc/hosts).regexp');
      expect((error as Error).message, pattern).to.match(problem);
    }
  });

  describe('against the awks scripts run under', function () {
    this.timeout(propertyTimeout(120_000));
    for (const awk of [['mawk'], ['busybox', 'awk']]) {
      it(`${awk.join(' ')} compiles every pattern bosun accepts (random patterns from regex syntax)`, async () => {
        const token = fc.constantFrom(
          'a',
          'b',
          '.',
          '*',
          '+',
          '?',
          '|',
          '(',
          ')',
          '[',
          ']',
          '^',
          '$',
          '{',
          '}',
          '2',
          ',',
          '\\',
          '-',
          ':',
          '[:alpha:]',
        );
        let accepted = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(token, { minLength: 1, maxLength: 8 }), async (tokens) => {
            const pattern = tokens.join('');
            let ok = true;
            try {
              posixEre(pattern, 'p');
            } catch {
              ok = false;
            }
            if (!ok) return;
            accepted += 1;
            expect(await awkAccepts(awk, pattern), `${awk.join(' ')} refuses ${JSON.stringify(pattern)}, which bosun accepts`).to.equal(
              true,
            );
          }),
          // At least 100 runs at any BOSUN_PROPERTY_SCALE: about a third of the patterns are accepted, and the
          // check below (that the property was not vacuous) needs enough of them to hold with every seed.
          { numRuns: Math.max(100, propertyRuns(300).numRuns) },
        );
        expect(accepted, 'the property tried some accepted patterns').to.be.above(10);
      });
    }
  });
});
