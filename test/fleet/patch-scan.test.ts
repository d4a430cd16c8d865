import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { spawnBosun } from '../support/bosun-child.ts';
import { startFleet, type Fleet } from '../support/fleet.ts';
import { setUpDemoRepo } from '../support/patch-fleet.ts';
import { listing, listingDiff, writeInventory, writeSshConfig } from './bosun-cli.ts';
import { bosunPatch } from './patch-cli.ts';
import { patience } from '../support/patience.ts';

interface ScanJson {
  readonly exitCode: number;
  readonly hosts: readonly {
    readonly host: string;
    readonly status: string;
    readonly compliance: string;
    readonly refresh?: { rc: number };
    readonly scan: {
      readonly updates: readonly {
        name: string;
        installed: string;
        candidate: string;
        security: boolean;
        keptBack: boolean;
        origins: string[];
      }[];
      readonly newDependencies: readonly { name: string; version: string }[];
      readonly autoremovable: readonly { name: string }[];
      readonly reboot: { required: boolean };
      readonly installed: Record<string, string>;
      readonly bootId: string;
    };
  }[];
}

/** `bosun patch scan` on a booted host whose apt repository (file://, built by the test) has newer packages. */
describe('bosun patch scan on a fleet host @fleet', function () {
  this.timeout(patience(5 * 60_000));
  let fleet: Fleet;
  let inventory: string;
  let sshConfig: string;

  before(async () => {
    fleet = await startFleet(1, { namePrefix: 'scan' });
    await setUpDemoRepo(fleet, fleet.hosts);
    inventory = await writeInventory(fleet);
    sshConfig = await writeSshConfig(fleet);
  });
  after(async () => {
    await fleet?.stop();
  });

  it('lists each update with its versions, the security one, the kept-back one and its new dependency; exit 2; writes nothing', async () => {
    const host = fleet.hosts[0]!;
    const before = await listing(fleet, host);
    const sessions = (await fleet.sessionCounts(host)).sessions;
    const run = await bosunPatch<ScanJson>(fleet, ['scan', '-i', inventory, '-F', sshConfig]);
    const sessionsAfter = (await fleet.sessionCounts(host)).sessions;
    const after = await listing(fleet, host);

    expect(run.exitCode, run.stdout + run.stderr).to.equal(2);
    const report = run.report.hosts[0]!;
    expect(report.status).to.equal('scanned');
    expect(report.compliance).to.equal('missing');
    const updates = Object.fromEntries(report.scan.updates.map((u) => [u.name, u]));
    expect(Object.keys(updates).sort()).to.deep.equal(['bosun-demo-a', 'bosun-demo-kept', 'bosun-demo-sec']);
    expect(updates['bosun-demo-a']).to.include({ installed: '1.0', candidate: '1.1', security: false, keptBack: false });
    expect(updates['bosun-demo-sec']).to.include({ installed: '1.0', candidate: '1.1', security: true, keptBack: false });
    expect(updates['bosun-demo-sec']!.origins).to.deep.equal(['bosun-test-Security:12/bookworm-security']);
    expect(updates['bosun-demo-kept']).to.include({ installed: '1.0', candidate: '2.0', security: false, keptBack: true });
    expect(report.scan.newDependencies).to.deep.equal([{ name: 'bosun-demo-newdep', version: '1.0' }]);
    expect(report.scan.installed['bosun-demo-olddep']).to.equal('1.0');
    expect(report.scan.reboot.required).to.equal(false);
    expect(report.scan.bootId).to.match(/^[0-9a-f-]{36}$/);
    expect(run.stdout).to.match(/bosun-demo-sec +1\.0 -> 1\.1 +security +bosun-test-Security:12\/bookworm-security/);
    expect(run.stdout).to.match(/bosun-demo-kept +1\.0 -> 2\.0 +kept back \(new: bosun-demo-newdep\)/);

    expect(sessionsAfter - sessions, 'one session').to.equal(1);
    expect(listingDiff(before, after), 'the scan changed the host on disk').to.deep.equal([]);
  });

  it('--security-only counts only the security update as missing', async () => {
    const run = await bosunPatch<ScanJson>(fleet, ['scan', '-i', inventory, '-F', sshConfig, '--security-only']);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(2);
    expect(run.report.hosts[0]!.compliance).to.equal('missing');
  });

  it('--refresh refreshes the lists in apply mode and reports it as the one write', async () => {
    const run = await bosunPatch<ScanJson>(fleet, ['scan', '-i', inventory, '-F', sshConfig, '--refresh']);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(2);
    expect(run.report.hosts[0]!.refresh?.rc).to.equal(0);
    expect(run.stdout).to.contain('refreshed the package lists');
  });

  it('--json - prints the JSON report alone on stdout', async () => {
    const result = await spawnBosun(['patch', 'scan', '-i', inventory, '-F', sshConfig, '--json', '-'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    }).done();
    expect(result.code, result.stderr).to.equal(2);
    const report = JSON.parse(result.stdout) as ScanJson;
    expect(report.exitCode).to.equal(2);
    expect(report.hosts.map((h) => h.compliance)).to.deep.equal(['missing']);
  });
});
