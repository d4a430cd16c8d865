import { expect } from 'chai';
import { execa } from 'execa';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { unattendedUpgrades } from '../../roles/unattended-upgrades/index.ts';
import { exitCode } from '../../runner/results.ts';
import {
  assertConverges,
  compileRole,
  type Convergence,
  type DebianRoot,
  debianRoot,
  explain,
  type Plan,
  renderChecked,
  statuses,
} from '../../testing/index.ts';
import { testBaseRecipe } from '../support/debian-base.ts';
import { patience } from '../support/patience.ts';

// The role tested as a user tests theirs (bosun/testing): the convergence contract on an
// overlay of the Debian base, then the tools that own the formats: unattended-upgrade
// --dry-run and logrotate -d.
describe('roles/unattended-upgrades (chroot of Debian bookworm) @integration', function () {
  this.timeout(patience(15 * 60_000));
  let root: DebianRoot;
  let plan: Plan;
  let runs: Convergence;

  before(async () => {
    // The test base: its apt cache holds the role's packages already.
    root = await debianRoot(testBaseRecipe());
    plan = compileRole(unattendedUpgrades(), { host: root.host });
    // The one slow part: apt installs the packages.
    runs = await assertConverges(plan, root);
  });
  after(() => root?.dispose());

  const inRoot = (...argv: string[]) =>
    execa('chroot', [root.root, ...argv], {
      reject: false,
      all: true,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' },
      extendEnv: false,
    });

  it('converges: a check on the fresh image would change every step and writes nothing, the apply changes them, then all is ok', () => {
    expect(statuses(runs.check), explain(runs.check)).to.deep.equal(Array(5).fill('would-change'));
    expect(runs.check.steps[1]!.diff).to.contain('+Unattended-Upgrade::Origins-Pattern {');
    expect(runs.apply.status, explain(runs.apply)).to.equal('changed');
    expect(exitCode([runs.recheck], { reportChanges: true })).to.equal(0);
  });

  it('renders a script shellcheck accepts for a host with variables of its own', () => {
    const withVars = compileRole(unattendedUpgrades({ automaticReboot: true, logRotateFrequency: 'weekly' }), {
      host: { ...root.host, vars: { env: 'prod' } },
    });
    expect(renderChecked(withVars).script).to.contain('Automatic-Reboot-Time');
  });

  it('unattended-upgrade --dry-run reads the allowed origins and exits 0', async () => {
    // unattended-upgrade lowers itself to nice 19 while it computes the upgrade (os.nice). Beside
    // a loaded machine's nice-0 work (stress-ng --cpu 4) that left it about 0.5 % of a CPU, and
    // this one test took 9 minutes. Its priority is not what is tested: it runs with os.nice a no-op.
    const result = await inRoot(
      'python3',
      '-c',
      'import os, runpy, sys; os.nice = lambda increment: 0; sys.argv[0] = "/usr/bin/unattended-upgrade"; runpy.run_path(sys.argv[0], run_name="__main__")',
      '--dry-run',
      '-d',
    );
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
});
