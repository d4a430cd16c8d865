import { expect } from 'chai';
import { execa } from 'execa';
import { access, readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { until } from './bosun-child.ts';
import { startFleet, type Fleet } from './fleet.ts';
import { expectNothingStays, startThenInterrupt } from './interrupted-fleet.ts';
import { patience } from './patience.ts';

describe('test/support/fleet @fleet', function () {
  this.timeout(patience(10 * 60_000));
  let fleet: Fleet;

  before(async () => {
    fleet = await startFleet(3);
  });
  after(async () => {
    await fleet?.stop();
  });

  it('boots distinct hosts with systemd and sshd on their own addresses', async () => {
    expect(new Set(fleet.hosts.map((host) => host.address)).size).to.equal(3);
    for (const host of fleet.hosts) {
      const result = await fleet.exec(host, 'hostname; systemctl is-system-running --wait || systemctl --failed');
      expect(result.exitCode, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout.split('\n')).to.deep.equal([host.name, 'running']);
    }
    expect(new Set(fleet.hosts.map((host) => host.hostKey)).size).to.equal(3);
  });

  it("resolves each host's own name without DNS, as a Debian install does (sudo looks it up on every become)", async () => {
    for (const host of fleet.hosts) {
      const result = await fleet.exec(host, 'getent hosts "$(hostname)"');
      expect(result.exitCode, result.stderr).to.equal(0);
      expect(result.stdout.trim().split(/\s+/)).to.deep.equal(['127.0.1.1', host.name]);
    }
  });

  it('counts sessions on the server: one per ssh command', async () => {
    const host = fleet.hosts[0]!;
    const before = await fleet.sessionCounts(host);
    await fleet.exec(host, 'true');
    await fleet.exec(host, 'true');
    const after = await fleet.sessionCounts(host);
    expect(after.sessions - before.sessions).to.equal(2);
    expect(after.connections - before.connections).to.equal(2);
  });

  it('halts a host (its address stops answering) and boots it again', async () => {
    const host = fleet.hosts[2]!;
    await fleet.halt(host);
    const refused = await fleet.exec(host, 'true');
    expect(refused.exitCode).to.equal(255);
    await fleet.boot(host);
    expect((await fleet.exec(host, 'true')).exitCode).to.equal(0);
  });

  it('a host whose systemd reboots (systemd-nspawn exits 133) boots again, with a new boot id', async () => {
    const host = fleet.hosts[2]!;
    const bootId = async (): Promise<string> => (await fleet.exec(host, 'cat /proc/sys/kernel/random/boot_id')).stdout.trim();
    const before = await bootId();
    const boots = host.boots;
    await fleet.exec(host, 'systemctl reboot');
    await until('the host booted again', async () => host.boots > boots, 60_000);
    await fleet.waitForSsh(host);
    const after = await bootId();
    expect(after).to.match(/^[0-9a-f-]{36}$/);
    expect(after).not.to.equal(before);
    const state = await fleet.exec(host, 'systemctl is-system-running --wait');
    expect(state.stdout.trim()).to.equal('running');
  });

  it('kills processes inside one host from outside (systemd then restarts sshd)', async () => {
    const host = fleet.hosts[1]!;
    const other = fleet.hosts[0]!;
    const otherSshd = await fleet.killInside(other, 'sshd', 'SIGCONT');
    const killed = await fleet.killInside(host, 'sshd');
    expect(killed).not.to.be.empty;
    expect(killed.filter((pid) => otherSshd.includes(pid))).to.deep.equal([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const alive = killed.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).to.deep.equal([]);
    // The other host's sshd is untouched.
    expect(await fleet.killInside(other, 'sshd', 'SIGCONT')).to.deep.equal(otherSshd);
    await fleet.waitForSsh(host);
    expect((await fleet.exec(host, 'true')).exitCode).to.equal(0);
  });

  it('stops everything it started: no container, no mount, no files', async () => {
    const other = await startFleet(1, { namePrefix: 'tmp' });
    const host = other.hosts[0]!;
    await other.stop();
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    expect(mounts).not.to.contain(host.root);
    expect(
      await access(host.root).then(
        () => true,
        () => false,
      ),
    ).to.equal(false);
    const nspawn = await execa('sh', ['-c', `ps -eo args | grep -F -- ${JSON.stringify(host.root)} | grep -v grep || true`]);
    expect(nspawn.stdout.trim()).to.equal('');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`a run interrupted by ${signal} leaves nothing of its hosts: no process, mount, files, cgroup or address claim`, async () => {
      const { host, exitCode } = await startThenInterrupt(BOOT_ONE_HOST, signal);
      expect(host.pids).to.have.length(2);
      expect(exitCode).to.equal(128 + constants.signals[signal]);
      await expectNothingStays(host);
    });
  }
});

/** A child's run: boots one host, reports it (interrupted-fleet.ts's StartedHost), then idles until a signal ends it. */
const BOOT_ONE_HOST = `
import { startFleet } from ${JSON.stringify(new URL('./fleet.ts', import.meta.url).href)};
import { startedHost } from ${JSON.stringify(new URL('./interrupted-fleet.ts', import.meta.url).href)};
const fleet = await startFleet(1, { namePrefix: 'cut' });
const host = fleet.hosts[0];
const started = await startedHost({ name: host.name, address: host.address, root: host.root, fleetDir: fleet.dir, nspawnPid: host.pid });
console.log(JSON.stringify(started));
setInterval(() => {}, 60_000);
`;
