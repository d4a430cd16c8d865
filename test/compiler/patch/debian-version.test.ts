import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { compareDebianVersions } from '../../../compiler/patch/debian-version.ts';

/** Pairs checked against dpkg itself (`dpkg --compare-versions`), the tool that owns the order. */
const PAIRS: [string, string][] = [
  ['1.0', '1.1'],
  ['1.0', '1.0'],
  ['1.0~rc1', '1.0'],
  ['1.0', '1.0+deb12u1'],
  ['2:1.0', '1:9.9'],
  ['1.0-1', '1.0-1~bpo1'],
  ['6.1.0-18-amd64', '6.1.0-9-amd64'],
  ['1.2.3a', '1.2.3'],
  ['1.2.3', '1.2.3.0'],
  ['20230101123456789', '20230101123456790'],
  ['0.9.8zh', '0.9.8zg'],
  ['1:2.36-9+deb12u4', '1:2.36-9+deb12u10'],
];

function dpkgSays(a: string, b: string): number {
  const lt = (x: string, y: string): boolean => {
    try {
      execFileSync('dpkg', ['--compare-versions', x, 'lt', y]);
      return true;
    } catch {
      return false;
    }
  };
  if (lt(a, b)) return -1;
  return lt(b, a) ? 1 : 0;
}

describe('Debian version order', () => {
  for (const [a, b] of PAIRS) {
    it(`${a} vs ${b}: as dpkg orders them`, () => {
      expect(Math.sign(compareDebianVersions(a, b))).to.equal(dpkgSays(a, b));
      expect(Math.sign(compareDebianVersions(b, a))).to.equal(dpkgSays(b, a));
    });
  }
});
