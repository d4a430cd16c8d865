import { expect } from 'chai';
import fc from 'fast-check';
import { expandHostPattern } from '../../inventory/host-range.ts';

const at = { file: 'hosts.ini', line: 7 };

describe('inventory/host-range', () => {
  it('expands numeric ranges and keeps zero padding', () => {
    expect(expandHostPattern('web[01:03].example.com', at).names).to.deep.equal([
      'web01.example.com',
      'web02.example.com',
      'web03.example.com',
    ]);
    expect(expandHostPattern('web[8:10]', at).names).to.deep.equal(['web8', 'web9', 'web10']);
  });

  it('expands alphabetic ranges, steps and several ranges in one name', () => {
    expect(expandHostPattern('db-[a:c]', at).names).to.deep.equal(['db-a', 'db-b', 'db-c']);
    expect(expandHostPattern('www[01:09:4]', at).names).to.deep.equal(['www01', 'www05', 'www09']);
    expect(expandHostPattern('r[1:2]n[a:b]', at).names).to.deep.equal(['r1na', 'r1nb', 'r2na', 'r2nb']);
    expect(expandHostPattern('h[:2]', at).names).to.deep.equal(['h0', 'h1', 'h2']);
  });

  it('reads a port after the name, and after a bracketed IPv6 address', () => {
    expect(expandHostPattern('badwolf.example.com:5309', at)).to.deep.equal({ names: ['badwolf.example.com'], port: 5309 });
    expect(expandHostPattern('web[1:2]:2222', at)).to.deep.equal({ names: ['web1', 'web2'], port: 2222 });
    expect(expandHostPattern('[2001:db8::1]:22', at)).to.deep.equal({ names: ['2001:db8::1'], port: 22 });
    expect(expandHostPattern('2001:db8::1', at)).to.deep.equal({ names: ['2001:db8::1'] });
  });

  const bad: [string, RegExp][] = [
    ['web[5:1]', /goes backwards/],
    ['web[c:a]', /goes backwards/],
    ['web[01:100]', /same width/],
    ['web[1:]', /no end/],
    ['web[1:2:3:4]', /begin:end/],
    ['web[1:5:0]', /bad step/],
    ['web[1:x]', /numbers or single letters/],
    ['web[1:3', /no closing/],
    ['host:', /gives no port/],
    ['host:70000', /not a TCP port/],
  ];
  for (const [entry, message] of bad) {
    it(`refuses '${entry}' naming the file and line`, () => {
      try {
        expandHostPattern(entry, at);
        expect.fail('no error');
      } catch (error) {
        expect((error as Error).message).to.match(message);
        expect(error).to.include({ file: 'hosts.ini', line: 7 });
      }
    });
  }
});

describe('inventory/host-range: properties', () => {
  it('a numeric range gives ⌊(end-begin)/step⌋+1 distinct names, in order', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(500), fc.integer({ min: 1, max: 20 }), (begin, length, step) => {
        const end = begin + length;
        const names = expandHostPattern(`n[${begin}:${end}:${step}]x`, at).names;
        expect(names).to.have.length(Math.floor(length / step) + 1);
        expect(new Set(names).size).to.equal(names.length);
        expect(names[0]).to.equal(`n${begin}x`);
      }),
    );
  });
});
