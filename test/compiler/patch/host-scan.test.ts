import { expect } from 'chai';
import { complianceOf } from '../../../compiler/patch/compliance.ts';
import { readHostScan, ScanError } from '../../../compiler/patch/host-scan.ts';
import { demoParts } from './scan-model.ts';

const facts = { pkg: 'apt', os: 'debian/bookworm' };

describe('reading a scan', () => {
  it('gives each update with versions, origin, security and kept-back flags, and the new dependency', () => {
    const scan = readHostScan(facts, demoParts());
    expect(scan.updates).to.deep.equal([
      { name: 'bosun-demo-a', installed: '1.0', candidate: '1.1', origins: ['bosun-test:12/bookworm'], security: false, keptBack: false },
      { name: 'bosun-demo-kept', installed: '1.0', candidate: '2.0', origins: ['bosun-test:12/bookworm'], security: false, keptBack: true },
      {
        name: 'bosun-demo-sec',
        installed: '1.0',
        candidate: '1.1',
        origins: ['bosun-test-Security:12/bookworm-security'],
        security: true,
        keptBack: false,
      },
    ]);
    expect(scan.newDependencies).to.deep.equal([{ name: 'bosun-demo-newdep', version: '1.0' }]);
    expect(scan.auto).to.deep.equal(['bosun-demo-olddep', 'bosun-demo-sec']);
    expect(scan.bootId).to.equal('3f1c2f4e-0000-4000-8000-000000000001');
    expect(scan.kernel).to.deep.equal({ running: '6.1.0-18-amd64' });
  });

  it('reads the reboot flag with the packages that asked, and the kernels', () => {
    const scan = readHostScan(
      facts,
      demoParts({
        reboot: 'yes\nlinux-image-6.1.0-20-amd64\nlibc6\nlibc6\n',
        kernel: '6.1.0-18-amd64\n6.1.0-9-amd64\n6.1.0-20-amd64\n6.1.0-18-amd64\n',
      }),
    );
    expect(scan.reboot).to.deep.equal({ required: true, packages: ['linux-image-6.1.0-20-amd64', 'libc6'] });
    expect(scan.kernel).to.deep.equal({ running: '6.1.0-18-amd64', newest: '6.1.0-20-amd64', runningNewest: false });
  });

  it("names the command that failed, with apt's own words", () => {
    const parts = demoParts();
    parts.set('dist-upgrade-sim', { rc: 100, text: 'E: Could not open lock file\nE: Unable to lock directory /var/lib/apt/lists/\n' });
    expect(() => readHostScan(facts, parts)).to.throw(
      ScanError,
      /dist-upgrade-sim failed \(exit 100\): E: Could not open lock file\nE: Unable to lock/,
    );
    const missing = demoParts();
    missing.delete('reboot');
    expect(() => readHostScan(facts, missing)).to.throw(ScanError, /the scan sent no reboot/);
    expect(() => readHostScan({ pkg: 'none', os: 'alpine/' }, demoParts())).to.throw(
      ScanError,
      /no supported package manager on this host \(found none\)/,
    );
  });

  it('reads a dnf host: check-update (exit 100 = updates) and the security advisories', () => {
    const parts = demoParts({
      installed: 'openssl-libs\t1:3.0.7-24.el9\tx86_64\tii\n',
      'check-update': 'openssl-libs.x86_64   1:3.0.7-25.el9_3   baseos\n',
      'security-list': 'ALSA-2023:7877 Important/Sec. openssl-libs-1:3.0.7-25.el9_3.x86_64\n',
    });
    parts.set('check-update', { rc: 100, text: parts.get('check-update')!.text });
    const scan = readHostScan({ pkg: 'dnf', os: 'almalinux/' }, parts);
    expect(scan.updates).to.deep.equal([
      {
        name: 'openssl-libs',
        installed: '1:3.0.7-24.el9',
        candidate: '1:3.0.7-25.el9_3',
        origins: ['baseos'],
        security: true,
        keptBack: false,
      },
    ]);
  });

  describe("compliance, in Patch Manager's words", () => {
    it('missing while any update is available; only security ones with securityOnly', () => {
      expect(complianceOf(readHostScan(facts, demoParts()))).to.equal('missing');
      const plainOnly = readHostScan(
        facts,
        demoParts({ 'dist-upgrade-sim': 'Inst bosun-demo-a [1.0] (1.1 bosun-test:12/bookworm [all])\n' }),
      );
      expect(complianceOf(plainOnly, { securityOnly: true })).to.equal('compliant');
      expect(complianceOf(plainOnly)).to.equal('missing');
    });

    it('installed-pending-reboot when the reboot flag is set or a newer kernel is installed; else compliant', () => {
      const none = { 'dist-upgrade-sim': '', 'upgrade-sim': '' };
      expect(complianceOf(readHostScan(facts, demoParts({ ...none, reboot: 'yes\n' })))).to.equal('installed-pending-reboot');
      expect(complianceOf(readHostScan(facts, demoParts({ ...none, kernel: '6.1.0-18-amd64\n6.1.0-20-amd64\n' })))).to.equal(
        'installed-pending-reboot',
      );
      expect(complianceOf(readHostScan(facts, demoParts({ ...none, kernel: '6.1.0-20-amd64\n6.1.0-20-amd64\n' })))).to.equal('compliant');
    });
  });
});
