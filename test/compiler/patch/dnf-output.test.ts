import { expect } from 'chai';
import { parseDnfCheckUpdate, parseDnfSecurityList } from '../../../compiler/patch/dnf-output.ts';

describe('dnf output', () => {
  it('reads check-update, a long name wrapping onto the next line, and stops at obsoletes', () => {
    const text = [
      'Last metadata expiration check: 0:10:01 ago on Tue 01 Dec 2026.',
      '',
      'openssl-libs.x86_64            1:3.0.7-25.el9_3        baseos',
      'a-very-long-package-name-that-wraps.noarch',
      '                               2.1-3.el9               appstream',
      'Obsoleting Packages',
      'grub2-tools.x86_64             1:2.06-70.el9           baseos',
    ].join('\n');
    expect(parseDnfCheckUpdate(text)).to.deep.equal([
      { name: 'openssl-libs', arch: 'x86_64', version: '1:3.0.7-25.el9_3', repository: 'baseos' },
      { name: 'a-very-long-package-name-that-wraps', arch: 'noarch', version: '2.1-3.el9', repository: 'appstream' },
    ]);
  });

  it('reads the packages of security advisories', () => {
    const text =
      'ALSA-2023:7877 Important/Sec. openssl-libs-1:3.0.7-25.el9_3.x86_64\nALSA-2023:7000 Moderate/Sec.  python3-urllib3-1.26.5-3.el9_3.1.noarch\n';
    expect([...parseDnfSecurityList(text)].sort()).to.deep.equal(['openssl-libs', 'python3-urllib3']);
  });
});
