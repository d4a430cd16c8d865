import { expect } from 'chai';
import { batchSize, batchStopsRun, parseSerial, serialBatches } from '../../runner/batches.ts';

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);
const sizes = (n: number, serial: Parameters<typeof serialBatches>[1]) => serialBatches(hosts(n), serial).map((b) => b.length);

describe('runner/batches', () => {
  describe('serialBatches (Ansible serial)', () => {
    const cases: [string, number, Parameters<typeof serialBatches>[1], number[]][] = [
      ['absent: one batch', 5, undefined, [5]],
      ['0: one batch', 5, 0, [5]],
      ['empty list: one batch', 5, [], [5]],
      ['a count', 5, 2, [2, 2, 1]],
      ['a count above the host count', 3, 10, [3]],
      ['a percentage of all hosts, rounded down', 10, '25%', [2, 2, 2, 2, 2]],
      ['a small percentage is at least 1', 3, '10%', [1, 1, 1]],
      ['a list, last value repeating', 20, [1, '25%', '100%'], [1, 5, 14]],
      ['a list of counts', 10, [1, 3], [1, 3, 3, 3]],
      ['a list with a percentage that repeats', 10, [1, '30%'], [1, 3, 3, 3]],
      ['numeric strings', 4, '2', [2, 2]],
      ['no hosts', 0, 3, []],
    ];
    for (const [name, n, serial, expected] of cases) {
      it(name, () => expect(sizes(n, serial)).to.deep.equal(expected));
    }

    it('keeps host order and loses no host', () => {
      expect(serialBatches(hosts(5), [2, 1])).to.deep.equal([['h1', 'h2'], ['h3'], ['h4'], ['h5']]);
    });

    it('refuses nonsense with the field named', () => {
      expect(() => serialBatches(hosts(3), 'half')).to.throw(/serial: "half"/);
      expect(() => serialBatches(hosts(3), -1)).to.throw(/serial/);
      expect(() => batchSize(1.5, 3)).to.throw(/serial/);
    });
  });

  describe('batchStopsRun (max_fail_percentage: strictly more than)', () => {
    it('stops only when MORE than the limit failed', () => {
      expect(batchStopsRun(1, 4, 25)).to.equal(false);
      expect(batchStopsRun(2, 4, 25)).to.equal(true);
      expect(batchStopsRun(1, 2, 50)).to.equal(false);
      expect(batchStopsRun(2, 3, 50)).to.equal(true);
    });
    it('0% stops at the first failure and never without one', () => {
      expect(batchStopsRun(1, 10, 0)).to.equal(true);
      expect(batchStopsRun(0, 10, 0)).to.equal(false);
    });
    it('100% never stops', () => {
      expect(batchStopsRun(10, 10, 100)).to.equal(false);
    });
    it('without a limit, stops only when the whole batch failed', () => {
      expect(batchStopsRun(2, 3, undefined)).to.equal(false);
      expect(batchStopsRun(3, 3, undefined)).to.equal(true);
    });
  });

  describe('parseSerial (--serial)', () => {
    it('reads a count, a percentage and a list', () => {
      expect(parseSerial('3')).to.equal(3);
      expect(parseSerial('25%')).to.equal('25%');
      expect(parseSerial('1, 25%,100%')).to.deep.equal([1, '25%', '100%']);
    });
    it('refuses nonsense', () => {
      expect(() => parseSerial('1,,2')).to.throw(/--serial/);
      expect(() => parseSerial('x')).to.throw(/serial/);
    });
  });
});
