import { expect } from 'chai';
import { isSecurityOrigin, parseAptSimulation, parseInstalled } from '../../../compiler/patch/apt-output.ts';

// What apt 2.6 printed (LC_ALL=C apt-get -q -s upgrade) on a host of the patch fleet tests.
const UPGRADE = `Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
The following package was automatically installed and is no longer required:
  bosun-demo-olddep
Use 'apt autoremove' to remove it.
The following packages have been kept back:
  bosun-demo-kept libfoo2
  libbar3
The following packages will be upgraded:
  bosun-demo-a bosun-demo-sec
2 upgraded, 0 newly installed, 0 to remove and 1 not upgraded.
Inst bosun-demo-a [1.0] (1.1 bosun-test:12/bookworm [all])
Inst bosun-demo-sec [1.0] (1.1 bosun-test-Security:12/bookworm-security [all])
Inst libc6 [2.36-9+deb12u3] (2.36-9+deb12u4 Debian:12.5/stable, Debian-Security:12/stable-security [amd64])
Inst newpkg (1.0 localhost [amd64])
Conf bosun-demo-a (1.1 bosun-test:12/bookworm [all])
Remv bosun-demo-olddep [1.0]
`;

describe('apt output', () => {
  it('reads Inst lines: name, installed and new version, every origin, the architecture', () => {
    const sim = parseAptSimulation(UPGRADE);
    expect(sim.installs).to.deep.equal([
      { name: 'bosun-demo-a', from: '1.0', to: '1.1', origins: ['bosun-test:12/bookworm'], arch: 'all' },
      { name: 'bosun-demo-sec', from: '1.0', to: '1.1', origins: ['bosun-test-Security:12/bookworm-security'], arch: 'all' },
      {
        name: 'libc6',
        from: '2.36-9+deb12u3',
        to: '2.36-9+deb12u4',
        origins: ['Debian:12.5/stable', 'Debian-Security:12/stable-security'],
        arch: 'amd64',
      },
      { name: 'newpkg', to: '1.0', origins: ['localhost'], arch: 'amd64' },
    ]);
    expect(sim.removals).to.deep.equal([{ name: 'bosun-demo-olddep', version: '1.0' }]);
  });

  it('reads the kept-back list over several lines, and only that list', () => {
    expect(parseAptSimulation(UPGRADE).keptBack).to.deep.equal(['bosun-demo-kept', 'libfoo2', 'libbar3']);
    expect(parseAptSimulation('The following package has been kept back:\n  one\n0 upgraded\n').keptBack).to.deep.equal(['one']);
  });

  it('tells security suites by suite name or label', () => {
    expect(isSecurityOrigin('Debian-Security:12/stable-security')).to.equal(true);
    expect(isSecurityOrigin('Ubuntu:22.04/jammy-security')).to.equal(true);
    expect(isSecurityOrigin('Debian:10/oldoldstable/updates')).to.equal(true);
    expect(isSecurityOrigin('UbuntuESM:16.04/xenial-infra-security')).to.equal(true);
    expect(isSecurityOrigin('Debian:12.5/stable')).to.equal(false);
    expect(isSecurityOrigin('Ubuntu:22.04/jammy-updates')).to.equal(false);
    expect(isSecurityOrigin('localhost')).to.equal(false);
  });

  it('reads dpkg-query lines, keeping installed packages only', () => {
    const text = 'bash\t5.2.15-2+b2\tamd64\tii \nold\t1.0\tall\trc \nheld\t2.0\tall\thi \n\n';
    expect(parseInstalled(text)).to.deep.equal({ bash: '5.2.15-2+b2', held: '2.0' });
  });
});
