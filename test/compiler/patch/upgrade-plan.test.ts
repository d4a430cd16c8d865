import { expect } from 'chai';
import { readHostScan } from '../../../compiler/patch/host-scan.ts';
import { candidateSet, upgradePlan } from '../../../compiler/patch/upgrade-plan.ts';
import { demoParts } from './scan-model.ts';

const scan = readHostScan({ pkg: 'apt', os: 'debian/bookworm' }, demoParts());

describe('the upgrade of a host', () => {
  it('by default: apt-get upgrade, the kept-back package left and reported, nothing re-marked', () => {
    const plan = upgradePlan(scan, { securityOnly: false, keptBack: false });
    expect(plan.main).to.deep.equal({ kind: 'upgrade' });
    expect(plan.keptBack).to.deep.equal([]);
    expect(plan.leftKeptBack.map((u) => u.name)).to.deep.equal(['bosun-demo-kept']);
    expect(plan.markAuto).to.deep.equal([]);
    expect(candidateSet(scan, { securityOnly: false, keptBack: false })).to.deep.equal({ 'bosun-demo-a': '1.1', 'bosun-demo-sec': '1.1' });
  });

  it('--kept-back: each kept-back package on its own after the upgrade; the candidate set gains its new dependency', () => {
    const plan = upgradePlan(scan, { securityOnly: false, keptBack: true });
    expect(plan.keptBack).to.deep.equal([{ name: 'bosun-demo-kept', version: '2.0' }]);
    expect(plan.leftKeptBack).to.deep.equal([]);
    expect(candidateSet(scan, { securityOnly: false, keptBack: true })).to.deep.equal({
      'bosun-demo-a': '1.1',
      'bosun-demo-kept': '2.0',
      'bosun-demo-newdep': '1.0',
      'bosun-demo-sec': '1.1',
    });
  });

  it('security only: exactly the security updates at their scanned versions, re-marked automatic when they were', () => {
    const plan = upgradePlan(scan, { securityOnly: true, keptBack: false });
    expect(plan.main).to.deep.equal({ kind: 'install', packages: [{ name: 'bosun-demo-sec', version: '1.1' }] });
    expect(plan.markAuto).to.deep.equal(['bosun-demo-sec']);
    expect(plan.leftKeptBack).to.deep.equal([]);
  });

  it('pinned (a baseline): one install of every candidate at its version; automatic and new packages re-marked', () => {
    const plan = upgradePlan(scan, { securityOnly: false, keptBack: true, pinned: true });
    expect(plan.main).to.deep.equal({
      kind: 'install',
      packages: [
        { name: 'bosun-demo-a', version: '1.1' },
        { name: 'bosun-demo-kept', version: '2.0' },
        { name: 'bosun-demo-sec', version: '1.1' },
        { name: 'bosun-demo-newdep', version: '1.0' },
      ],
    });
    expect(plan.keptBack).to.deep.equal([]);
    expect([...plan.markAuto].sort()).to.deep.equal(['bosun-demo-newdep', 'bosun-demo-sec']);
  });

  it('nothing to upgrade: no transaction', () => {
    const upToDate = readHostScan({ pkg: 'apt', os: 'debian/bookworm' }, demoParts({ 'upgrade-sim': '', 'dist-upgrade-sim': '' }));
    expect(upgradePlan(upToDate, { securityOnly: false, keptBack: true })).to.deep.equal({ keptBack: [], markAuto: [], leftKeptBack: [] });
  });
});
