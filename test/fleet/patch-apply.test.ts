import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildAptRepo } from '../support/apt-repo.ts';
import { startFleet, type Fleet, type FleetHost } from '../support/fleet.ts';
import { startMoto } from '../support/moto-server.ts';
import { parseWindow } from '../../compiler/patch/window.ts';
import type { ApplySettings } from '../../runner/patch/apply-host.ts';
import { patchHost } from '../../runner/patch/apply-host.ts';
import { applyPatches } from '../../runner/patch/apply-hosts.ts';
import type { PatchTarget } from '../../runner/patch/patch-target.ts';
import { bootId, DEMO_PACKAGES, installedVersion, setUpDemoRepo, useRepo } from '../support/patch-fleet.ts';
import { writeSshConfig } from './bosun-cli.ts';
import { bosunPatch } from './patch-cli.ts';
import { patience } from '../support/patience.ts';

interface ApplyJson {
  readonly exitCode: number;
  readonly hosts: readonly {
    readonly host: string;
    readonly status: string;
    readonly reason?: string;
    readonly compliance: string;
    readonly installedBefore?: Record<string, string>;
    readonly changes: readonly { name: string; before?: string; after?: string }[];
    readonly keptBack: readonly { name: string; candidate: string; installed: boolean }[];
    readonly transcripts: readonly { step: string; name?: string; rc: number; output: string }[];
    readonly reboot: { performed: boolean; reason: string; durationMs?: number; bootIdBefore?: string; bootIdAfter?: string };
    readonly autoremoved: readonly { name: string; version: string }[];
    readonly snapshot?: { ok: boolean | string; reason?: string };
  }[];
  readonly notRun: readonly string[];
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * `bosun patch apply` on booted hosts with a file:// apt repository built by the test: the
 * reference's monthly procedure (non-prod, then prod pinned to non-prod's versions), with a
 * real reboot (systemd-nspawn exits 133 and the harness boots the host again).
 */
describe('bosun patch apply on a fleet @fleet', function () {
  this.timeout(patience(10 * 60_000));
  let fleet: Fleet;
  let sshConfig: string;
  let nonprod: FleetHost;
  let prod: FleetHost;
  let drifted: FleetHost;
  const baselineFile = (): string => join(fleet.dir, 'baseline.json');

  /** An inventory of some hosts, with variables for each line. */
  const inventory = async (name: string, hosts: readonly FleetHost[], vars = ''): Promise<string> => {
    const lines = hosts.map(
      (host) =>
        `${host.name} ansible_host=${host.address} ansible_port=${host.port} ansible_user=root ansible_ssh_private_key_file=${fleet.privateKeyFile} ${vars}`,
    );
    const path = join(fleet.dir, name);
    await writeFile(path, `[fleet]\n${lines.join('\n')}\n`);
    return path;
  };

  before(async () => {
    fleet = await startFleet(3, { namePrefix: 'patch' });
    [nonprod, prod, drifted] = fleet.hosts as [FleetHost, FleetHost, FleetHost];
    await setUpDemoRepo(fleet, [nonprod, prod]);
    // The third host's repository has a newer bosun-demo-a than non-prod got: its candidates differ.
    const other = join(fleet.dir, 'other-repo');
    await buildAptRepo(other, [...DEMO_PACKAGES, { name: 'bosun-demo-a', version: '1.2', suite: 'bookworm' }]);
    await useRepo(fleet, drifted, other);
    sshConfig = await writeSshConfig(fleet);
  });
  after(async () => {
    await fleet?.stop();
  });

  it('outside its window a host is skipped with the reason, and nothing runs on it', async () => {
    const notToday = DAY_NAMES[(new Date().getUTCDay() + 3) % 7];
    const inv = await inventory('window.ini', [nonprod], `patch_window="${notToday} 01:15-01:55 America/New_York"`);
    const sessions = (await fleet.sessionCounts(nonprod)).sessions;
    const run = await bosunPatch<ApplyJson>(fleet, ['apply', '-i', inv, '-F', sshConfig, '--no-snapshot']);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(2);
    expect(run.report.hosts[0]).to.include({ status: 'skipped', compliance: 'failed' });
    expect(run.report.hosts[0]!.reason).to.match(
      new RegExp(`outside its window \\(${notToday} 01:15-01:55 America/New_York\\); it next opens`),
    );
    expect((await fleet.sessionCounts(nonprod)).sessions - sessions, 'no session').to.equal(0);
  });

  it('without a confirmable backup (not an EC2 instance) a host is skipped, unless --no-snapshot', async () => {
    const inv = await inventory('plain.ini', [nonprod]);
    const run = await bosunPatch<ApplyJson>(fleet, ['apply', '-i', inv, '-F', sshConfig]);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(2);
    expect(run.report.hosts[0]!.status).to.equal('skipped');
    expect(run.report.hosts[0]!.reason).to.match(/no confirmed backup: no instance_id: not an EC2 instance/);
    expect(await installedVersion(fleet, nonprod, 'bosun-demo-a')).to.equal('1.0');
  });

  it('non-prod: upgrades, keeps back, reboots for real, then autoremoves; writes the baseline', async () => {
    const inv = await inventory('nonprod.ini', [nonprod]);
    const bootBefore = await bootId(fleet, nonprod);
    const run = await bosunPatch<ApplyJson>(fleet, [
      'apply',
      '-i',
      inv,
      '-F',
      sshConfig,
      '--no-snapshot',
      '--stage',
      'nonprod',
      '--baseline-out',
      baselineFile(),
    ]);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(2);
    const host = run.report.hosts[0]!;
    expect(host.status, host.reason).to.equal('patched');
    // The kept-back package is still missing: not compliant yet.
    expect(host.compliance).to.equal('missing');
    expect(host.installedBefore?.['bosun-demo-a']).to.equal('1.0');
    expect(host.changes).to.deep.equal([
      { name: 'bosun-demo-a', before: '1.0', after: '1.1' },
      { name: 'bosun-demo-olddep', before: '1.0' },
      { name: 'bosun-demo-sec', before: '1.0', after: '1.1' },
    ]);
    expect(host.keptBack).to.deep.equal([{ name: 'bosun-demo-kept', candidate: '2.0', installed: false }]);
    expect(host.transcripts.find((t) => t.step === 'upgrade')?.output).to.match(
      /The following packages have been kept back:\s+bosun-demo-kept/,
    );
    expect(host.reboot).to.include({ performed: true, reason: 'required by bosun-demo-sec', bootIdBefore: bootBefore });
    expect(host.reboot.bootIdAfter)
      .to.match(/^[0-9a-f-]{36}$/)
      .and.not.equal(bootBefore);
    expect(await bootId(fleet, nonprod)).to.equal(host.reboot.bootIdAfter);
    expect(host.autoremoved).to.deep.equal([{ name: 'bosun-demo-olddep', version: '1.0' }]);
    expect(await installedVersion(fleet, nonprod, 'bosun-demo-olddep')).to.equal('');

    // After the reboot, never before: dpkg upgraded before this boot began, and removed after.
    const log = (await fleet.exec(nonprod, 'cat /var/log/dpkg.log')).stdout;
    const when = (pattern: RegExp): number => Date.parse(`${pattern.exec(log)?.[1]?.replace(' ', 'T')}Z`) / 1000;
    const upgraded = when(/^(\S+ \S+) upgrade bosun-demo-sec:all 1\.0 1\.1$/m);
    const removed = when(/^(\S+ \S+) remove bosun-demo-olddep:all 1\.0 <none>$/m);
    const bootStart = Number((await fleet.exec(nonprod, 'journalctl -b 0 -o short-unix -q | head -1 | cut -d" " -f1')).stdout.trim());
    expect(upgraded, 'upgraded before the boot').to.be.lessThan(bootStart);
    expect(removed, 'removed after the boot').to.be.at.least(Math.floor(bootStart));

    const baseline = JSON.parse(await readFile(baselineFile(), 'utf8'));
    expect(baseline).to.include({ format: 1, stage: 'nonprod', securityOnly: false, keptBack: false });
    expect(baseline.releases['debian/bookworm']).to.deep.equal({
      packages: { 'bosun-demo-a': '1.1', 'bosun-demo-sec': '1.1' },
      hosts: [nonprod.name],
    });
    expect(run.stdout).to.match(/STAGE nonprod: 1 patched; compliance: 1 missing/);
  });

  it('--kept-back installs the kept-back package on its own, with its new dependency; then the host is compliant', async () => {
    const inv = await inventory('nonprod.ini', [nonprod]);
    const run = await bosunPatch<ApplyJson>(fleet, ['apply', '-i', inv, '-F', sshConfig, '--no-snapshot', '--kept-back']);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
    const host = run.report.hosts[0]!;
    expect(host).to.include({ status: 'patched', compliance: 'compliant' });
    expect(host.keptBack).to.deep.equal([{ name: 'bosun-demo-kept', candidate: '2.0', installed: true }]);
    expect(host.transcripts.map((t) => [t.step, t.name])).to.deep.include(['kept-back', 'bosun-demo-kept']);
    expect(host.reboot.performed).to.equal(false);
    expect(await installedVersion(fleet, nonprod, 'bosun-demo-kept')).to.equal('2.0');
    expect(await installedVersion(fleet, nonprod, 'bosun-demo-newdep')).to.equal('1.0');
    const auto = (await fleet.exec(nonprod, 'apt-mark showauto')).stdout.split('\n');
    expect(auto, 'the new dependency stays automatic').to.include('bosun-demo-newdep');
    const scan = await bosunPatch(fleet, ['scan', '-i', inv, '-F', sshConfig]);
    expect(scan.exitCode, scan.stdout).to.equal(0);
  });

  it('prod: a baseline that has not soaked is refused before any host is touched', async () => {
    const inv = await inventory('prod.ini', [prod, drifted]);
    const run = await bosunPatch<ApplyJson>(fleet, ['apply', '-i', inv, '-F', sshConfig, '--no-snapshot', '--baseline', baselineFile()]);
    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.match(
      /the baseline from nonprod is 0\.0 days old, less than the soak time of 7\.0 days \(--force to apply it anyway\)/,
    );
    expect(await installedVersion(fleet, prod, 'bosun-demo-a')).to.equal('1.0');
  });

  it("prod: the baseline installs exactly non-prod's versions; a host whose candidate differs is refused; no autoremove while a reboot is pending", async () => {
    const inv = await inventory('prod.ini', [prod, drifted]);
    const args = [
      'apply',
      '-i',
      inv,
      '-F',
      sshConfig,
      '--no-snapshot',
      '--baseline',
      baselineFile(),
      '--force',
      '--stage',
      'prod',
      '--reboot',
      'never',
    ];
    const run = await bosunPatch<ApplyJson>(fleet, args);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(6);
    const [p, d] = run.report.hosts as [ApplyJson['hosts'][0], ApplyJson['hosts'][0]];
    expect(p.status, p.reason).to.equal('patched');
    // Still missing the kept-back package, which outranks the pending reboot.
    expect(p.compliance).to.equal('missing');
    expect(p.changes).to.deep.equal([
      { name: 'bosun-demo-a', before: '1.0', after: '1.1' },
      { name: 'bosun-demo-sec', before: '1.0', after: '1.1' },
    ]);
    expect(p.reboot.reason).to.equal('required by bosun-demo-sec; --reboot never');
    expect(p.autoremoved).to.deep.equal([]);
    expect(await installedVersion(fleet, prod, 'bosun-demo-olddep'), 'kept until the host has rebooted').to.equal('1.0');
    expect(await installedVersion(fleet, prod, 'bosun-demo-a')).to.equal('1.1');

    expect(d.status).to.equal('refused');
    expect(d.reason).to.match(
      /candidates differ from the nonprod baseline: bosun-demo-a: the candidate here is 1\.2, the baseline has 1\.1/,
    );
    expect(await installedVersion(fleet, drifted, 'bosun-demo-a')).to.equal('1.0');
    expect(run.stdout).to.match(/STAGE prod: 1 patched, 1 refused; compliance: 2 missing/);
  });

  it('an EC2 host: the snapshot of its volume is confirmed (created, through --ec2-endpoint) before it is patched', async () => {
    const moto = await startMoto();
    try {
      const out = await moto.python(
        "i = ec2.run_instances(ImageId='ami-12c6146b', MinCount=1, MaxCount=1)['Instances'][0]\nprint(i['InstanceId'], i['BlockDeviceMappings'][0]['Ebs']['VolumeId'])",
      );
      const [instanceId, volumeId] = out.split(' ');
      const inv = await inventory('ec2.ini', [nonprod], `instance_id=${instanceId} ec2_region=us-east-1`);
      const env = {
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      };
      const run = await bosunPatch<ApplyJson>(fleet, ['apply', '-i', inv, '-F', sshConfig, '--kept-back', '--ec2-endpoint', moto.url], {
        env,
      });
      expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
      const host = run.report.hosts[0]!;
      expect(host.status, host.reason).to.equal('up-to-date');
      expect(host.snapshot).to.deep.include({ ok: true, instanceId });
      const snapshot = (host.snapshot as unknown as { volumes: { volumeId: string; snapshotId: string; created: boolean }[] }).volumes[0]!;
      expect(snapshot).to.include({ volumeId, created: true });
      expect(run.stdout).to.contain(`snapshot: ${volumeId}: ${snapshot.snapshotId} (created now)`);
    } finally {
      await moto.stop();
    }
  });

  it('restarts the declared services in their order, then health checks (a command on the host, a URL) must pass', async () => {
    const services = ['bosun-demo-redis', 'bosun-demo-app', 'bosun-demo-nginx'];
    const units = services
      .map(
        (unit) =>
          `printf '[Service]\\nExecStartPre=/bin/sh -c "echo ${unit} >>/var/log/bosun-order"\\nExecStart=/bin/sleep infinity\\n' >/etc/systemd/system/${unit}.service`,
      )
      .join('\n');
    const setup = await fleet.exec(
      nonprod,
      `${units}\nsystemctl daemon-reload && systemctl start ${services.join(' ')} && : >/var/log/bosun-order`,
    );
    expect(setup.exitCode, setup.stderr).to.equal(0);
    const server = createServer((request, response) => {
      response.statusCode = request.url === '/ok' ? 200 : 503;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const inv = await inventory('nonprod.ini', [nonprod], `patch_restart=${services.join(',')}`);
      const args = ['apply', '-i', inv, '-F', sshConfig, '--no-snapshot', '--kept-back', '--health-timeout', '2'];
      const run = await bosunPatch<ApplyJson & { hosts: { health: { check: string; ok: boolean }[] }[] }>(fleet, [
        ...args,
        '--health',
        'systemctl is-active bosun-demo-app',
        '--health',
        `${url}/ok`,
      ]);
      expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
      expect(run.report.hosts[0]!.transcripts.filter((t) => t.step === 'restart').map((t) => t.name)).to.deep.equal(services);
      expect((await fleet.exec(nonprod, 'cat /var/log/bosun-order')).stdout.trim().split('\n')).to.deep.equal(services);
      expect(run.report.hosts[0]!.health.map((h) => [h.check, h.ok])).to.deep.equal([
        ['systemctl is-active bosun-demo-app', true],
        [`${url}/ok`, true],
      ]);

      const failing = await bosunPatch<ApplyJson>(fleet, [
        ...args,
        '--health',
        'systemctl is-active bosun-demo-missing',
        '--health',
        `${url}/down`,
      ]);
      expect(failing.exitCode, failing.stdout).to.equal(4);
      expect(failing.report.hosts[0]!.status).to.equal('failed');
      expect(failing.report.hosts[0]!.reason).to.match(
        /^health check failed: systemctl is-active bosun-demo-missing \(exit 3: inactive\); http:\/\/127\.0\.0\.1:\d+\/down \(HTTP 503 Service Unavailable\)$/,
      );
    } finally {
      server.close();
    }
  });

  describe('with the runner called directly (a fixed clock)', () => {
    const target = (host: FleetHost): PatchTarget => ({
      host: { name: host.name, groups: ['all'], vars: {}, connection: fleet.connection(host) },
      become: { enabled: true },
    });
    const settings = (now: Date): ApplySettings => ({
      request: { securityOnly: false, keptBack: false },
      reboot: 'required',
      rebootTimeoutMs: 120_000,
      rebootAllowanceMs: 5 * 60_000,
      ignoreWindows: false,
      healthTimeoutMs: 5000,
      now: () => now,
      connection: { sshConfigFile: sshConfig },
    });
    const none = { windows: [], restarts: [], healthUrls: [], healthCommands: [] };

    it('a reboot that would end after the window closes is not started, and nothing is autoremoved', async () => {
      const window = parseWindow('Wed 01:15-01:55 America/New_York');
      // 01:52 in New York: inside the window, three minutes before it closes.
      const report = await patchHost(target(drifted), { ...none, windows: [window] }, settings(new Date('2026-12-02T06:52:00Z')));
      expect(report.status, report.reason).to.equal('patched');
      expect(report.window).to.equal('Wed 01:15-01:55 America/New_York');
      expect(report.reboot).to.deep.equal({
        performed: false,
        reason:
          'required by bosun-demo-sec, but not started: a reboot (up to 5 min) would end after the window closes at 2026-12-02 01:55 America/New_York',
      });
      expect(await installedVersion(fleet, drifted, 'bosun-demo-a')).to.equal('1.2');
      expect(await installedVersion(fleet, drifted, 'bosun-demo-olddep'), 'kept while the reboot is pending').to.equal('1.0');
    });

    it('a failed host stops its stage: the hosts of later batches are not run', async () => {
      const outcome = await applyPatches(
        [
          { target: target(nonprod), config: { ...none, healthCommands: ['false'] } },
          { target: target(prod), config: none },
        ],
        settings(new Date()),
        { forks: 1, serial: 1, maxFailPercentage: 0 },
      );
      expect(outcome.reports.map((r) => [r.host, r.status])).to.deep.equal([[nonprod.name, 'failed']]);
      expect(outcome.reports[0]!.reason).to.equal('health check failed: false (exit 1)');
      expect(outcome.notRun).to.deep.equal([prod.name]);
      expect(outcome.stoppedAfterBatch).to.equal(0);
    });
  });
});
