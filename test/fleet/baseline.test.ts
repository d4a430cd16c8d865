import { expect } from 'chai';
import { startFleet, type Fleet } from '../support/fleet.ts';
import { bosun, listing, listingDiff, writeInventory, writeSshConfig } from './bosun-cli.ts';
import { patience } from '../support/patience.ts';

/**
 * The baseline playbook on real hosts over real OpenSSH, through the bosun command:
 * check reports, apply converges, check writes nothing, drift is named, and each
 * host sees exactly one SSH session per run.
 */
describe('baseline playbook on a fleet @fleet', function () {
  this.timeout(patience(10 * 60_000));
  let fleet: Fleet;
  let inventory: string;
  let sshConfig: string;

  before(async () => {
    fleet = await startFleet(3, { namePrefix: 'base' });
    inventory = await writeInventory(fleet);
    sshConfig = await writeSshConfig(fleet);
  });
  after(async () => {
    await fleet?.stop();
  });

  const sessions = () => Promise.all(fleet.hosts.map((host) => fleet.sessionCounts(host).then((counts) => counts.sessions)));
  const listings = () => Promise.all(fleet.hosts.map((host) => listing(fleet, host)));
  const delta = (after: number[], before: number[]) => after.map((n, i) => n - before[i]!);

  it('check on fresh hosts: would-change on every host, exit 2, nothing written, one session each', async () => {
    const filesBefore = await listings();
    const sessionsBefore = await sessions();
    const run = await bosun('check', fleet, { inventory, sshConfig });
    const sessionsAfter = await sessions();
    const filesAfter = await listings();

    expect(run.exitCode, run.stdout + run.stderr).to.equal(2);
    for (const host of fleet.hosts) {
      const result = run.report.hosts.find((each) => each.host === host.name);
      expect(result?.status, host.name).to.equal('would-change');
    }
    expect(delta(sessionsAfter, sessionsBefore)).to.deep.equal([1, 1, 1]);
    fleet.hosts.forEach((host, i) => {
      expect(listingDiff(filesBefore[i]!, filesAfter[i]!), `${host.name} changed on disk during check`).to.deep.equal([]);
    });
  });

  it('apply converges every host (exit 0) in one session per host', async () => {
    const before = await sessions();
    const run = await bosun('apply', fleet, { inventory, sshConfig });
    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    expect(run.report.hosts.map((host) => host.status)).to.deep.equal(['changed', 'changed', 'changed']);
    expect(delta(await sessions(), before)).to.deep.equal([1, 1, 1]);
    const installed = await fleet.exec(fleet.hosts[0]!, `dpkg-query -W -f '\${Status}' unattended-upgrades`);
    expect(installed.stdout).to.equal('install ok installed');
  });

  it('a second check finds nothing to do (exit 0)', async () => {
    const run = await bosun('check', fleet, { inventory, sshConfig });
    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    expect(run.report.hosts.map((host) => host.status)).to.deep.equal(['ok', 'ok', 'ok']);
  });

  it('a managed file edited by hand: check exits 2 naming the host, the step and the diff, and writes nothing', async () => {
    const drifted = fleet.hosts[1]!;
    const edit = await fleet.exec(
      drifted,
      `sed -i 's/"7"/"3"/' /etc/apt/apt.conf.d/20auto-upgrades && grep -c '"3"' /etc/apt/apt.conf.d/20auto-upgrades`,
    );
    expect(edit.stdout, 'the edit took').to.equal('1');
    const filesBefore = await listings();
    const sessionsBefore = await sessions();
    const run = await bosun('check', fleet, { inventory, sshConfig, args: ['--diff'] });
    expect(delta(await sessions(), sessionsBefore)).to.deep.equal([1, 1, 1]);
    const filesAfter = await listings();

    expect(run.exitCode, run.stdout + run.stderr).to.equal(2);
    expect(run.stdout).to.match(new RegExp(`would-change +${drifted.name} +file /etc/apt/apt\\.conf\\.d/20auto-upgrades`));
    expect(run.stdout).to.contain('-APT::Periodic::Update-Package-Lists "3";');
    expect(run.stdout).to.contain('+APT::Periodic::Update-Package-Lists "7";');
    const statuses = Object.fromEntries(run.report.hosts.map((host) => [host.host, host.status]));
    expect(statuses).to.deep.equal({ [fleet.hosts[0]!.name]: 'ok', [drifted.name]: 'would-change', [fleet.hosts[2]!.name]: 'ok' });
    const step = run.report.hosts.find((host) => host.host === drifted.name)?.steps.find((s) => s.status === 'would-change');
    expect(step?.name).to.equal('file /etc/apt/apt.conf.d/20auto-upgrades');
    expect(step?.diff).to.contain('+APT::Periodic::Update-Package-Lists "7";');
    fleet.hosts.forEach((host, i) => {
      expect(listingDiff(filesBefore[i]!, filesAfter[i]!), `${host.name} changed on disk during check`).to.deep.equal([]);
    });
  });
});
