import { expect } from 'chai';
import { execa } from 'execa';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compilePlan } from '../../compiler/compile-plan.ts';
import type { Plan } from '../../compiler/plan.ts';
import type { Host } from '../../compiler/host.ts';
import { unattendedUpgrades } from '../../roles/unattended-upgrades/index.ts';
import { exitCode } from '../../runner/results.ts';
import { checkWritesNothing, chrootRoot, explain, runPlan, statuses, type ChrootRoot, type Run } from '../support/plan-harness.ts';
import { patience } from '../support/patience.ts';

// The role applied for real to an overlay of the Debian base, checked by the tools
// that own the formats: unattended-upgrade --dry-run and logrotate -d.
describe('roles/unattended-upgrades (chroot of Debian bookworm) @integration', function () {
  this.timeout(patience(15 * 60_000));
  let root: ChrootRoot;
  let plan: Plan;
  let first: Run;
  let initialCheck: Run;

  before(async () => {
    root = await chrootRoot();
    const host: Host = { name: 'image', groups: ['all'], vars: {}, connection: { transport: 'chroot', root: root.root } };
    plan = compilePlan(host, [{ name: 'baseline', hosts: 'all', roles: [unattendedUpgrades()] }]);
    initialCheck = await checkWritesNothing(plan, root.transport, root.tree);
    // The one slow part: apt downloads and installs the packages.
    first = await runPlan(plan, root.transport, 'apply');
  });
  after(() => root?.dispose());

  const inRoot = (...argv: string[]) =>
    execa('chroot', [root.root, ...argv], {
      reject: false,
      all: true,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' },
      extendEnv: false,
    });

  it('a check on the fresh image would change every step and writes nothing', () => {
    expect(statuses(initialCheck), explain(initialCheck)).to.deep.equal([
      'would-change',
      'would-change',
      'would-change',
      'would-change',
      'would-change',
    ]);
    expect(initialCheck.steps[1]!.diff).to.contain('+Unattended-Upgrade::Origins-Pattern {');
  });

  it('installs the packages and writes its files on the first apply', () => {
    expect(first.status, explain(first)).to.equal('changed');
    expect(statuses(first), explain(first)).to.deep.equal(['changed', 'changed', 'changed', 'changed', 'changed']);
  });

  it('unattended-upgrade --dry-run reads the allowed origins and exits 0', async () => {
    const result = await inRoot('unattended-upgrade', '--dry-run', '-d');
    expect(result.exitCode, result.all).to.equal(0);
    expect(result.all).to.match(/Allowed origins are: .*origin=Debian,codename=bookworm,label=Debian-Security/);
    expect(result.all).to.contain('origin=Debian,codename=bookworm-security,label=Debian-Security');
  });

  it('apt reads the periodic settings', async () => {
    const result = await inRoot('apt-config', 'dump', 'APT::Periodic');
    expect(result.stdout).to.contain('APT::Periodic::Update-Package-Lists "7";').and.to.contain('APT::Periodic::Unattended-Upgrade "1";');
    expect(await readFile(join(root.root, 'etc/apt/apt.conf.d/20auto-upgrades'), 'utf8')).to.contain('Unattended-Upgrade "1"');
  });

  it('logrotate -d accepts the log rotation file', async () => {
    const result = await inRoot('logrotate', '-d', '/etc/logrotate.d/unattended-upgrades');
    expect(result.exitCode, result.all).to.equal(0);
    expect(result.all).to.contain('/var/log/unattended-upgrades/unattended-upgrades.log');
    expect(result.all).not.to.match(/error/i);
    const mode = (await stat(join(root.root, 'etc/logrotate.d/unattended-upgrades'))).mode & 0o777;
    expect(mode).to.equal(0o644);
  });

  it('a second apply is all ok and changes nothing; a check after it is all ok (exit status ok)', async () => {
    const before = await root.tree();
    const again = await runPlan(plan, root.transport, 'apply');
    expect(statuses(again), explain(again)).to.deep.equal(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(await root.tree()).to.deep.equal(before);
    const check = await runPlan(plan, root.transport, 'check');
    expect(statuses(check), explain(check)).to.deep.equal(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(check.status).to.equal('ok');
    expect(exitCode([check], { reportChanges: true })).to.equal(0);
    expect(await root.tree()).to.deep.equal(before);
  });
});
