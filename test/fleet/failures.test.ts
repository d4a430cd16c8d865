import { expect } from 'chai';
import { execa } from 'execa';
import { join } from 'node:path';
import { startFleet, type Fleet, type FleetHost } from '../support/fleet.ts';
import { writeKnownHosts } from '../support/known-hosts.ts';
import { bosun, writeInventory, writeSshConfig } from './bosun-cli.ts';
import { patience } from '../support/patience.ts';

/** Files the baseline playbook manages, whose content must never be seen half-written. */
const MANAGED = [
  '/etc/apt/apt.conf.d/50unattended-upgrades',
  '/etc/apt/apt.conf.d/20auto-upgrades',
  '/etc/logrotate.d/unattended-upgrades',
];

/**
 * What goes wrong on a real fleet: host keys that are unknown or changed, a host
 * that is down, sshd killed in the middle of an apply.
 */
describe('failures on a fleet @fleet', function () {
  this.timeout(patience(15 * 60_000));
  let fleet: Fleet;
  let inventory: string;
  let sshConfig: string;
  const host = (i: number): FleetHost => fleet.hosts[i]!;

  before(async () => {
    fleet = await startFleet(4, { namePrefix: 'fail' });
    inventory = await writeInventory(fleet);
    sshConfig = await writeSshConfig(fleet);
  });
  after(async () => {
    await fleet?.stop();
  });

  describe('host keys', () => {
    it('refuses an unknown host without --accept-new-host-keys, and trusts it with', async () => {
      const partial = join(fleet.dir, 'known_hosts.partial');
      await writeKnownHosts(partial, fleet.hosts.slice(1));
      const config = await writeSshConfig(fleet, partial, 'ssh_config.partial');
      const refused = await bosun('check', fleet, { inventory, sshConfig: config });
      expect(refused.exitCode).to.equal(6);
      const unknown = refused.report.hosts.find((each) => each.host === host(0).name);
      expect(unknown?.status).to.equal('unreachable');
      expect(unknown?.reason).to.match(/host key of .* is not known/);
      expect(refused.report.hosts.filter((each) => each.status === 'would-change')).to.have.length(3);

      const accepted = await bosun('check', fleet, { inventory, sshConfig: config, args: ['--accept-new-host-keys'] });
      expect(accepted.exitCode).to.equal(2);
      expect(accepted.report.hosts.every((each) => each.status === 'would-change')).to.equal(true);
    });

    it('refuses a host whose key changed, even with --accept-new-host-keys, and says so', async () => {
      const forged = join(fleet.dir, 'known_hosts.forged');
      // Record another key for host 0: to OpenSSH, exactly a host whose key changed.
      const other = join(fleet.dir, 'other_host_key');
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
      const otherKey = (await execa('cat', [`${other}.pub`])).stdout.split(' ').slice(0, 2).join(' ');
      await writeKnownHosts(
        forged,
        fleet.hosts.map((each, i) => (i === 0 ? { ...each, hostKey: otherKey } : each)),
      );
      const config = await writeSshConfig(fleet, forged, 'ssh_config.forged');
      for (const args of [[], ['--accept-new-host-keys']]) {
        const run = await bosun('check', fleet, { inventory, sshConfig: config, args });
        expect(run.exitCode).to.equal(6);
        const changed = run.report.hosts.find((each) => each.host === host(0).name);
        expect(changed?.status).to.equal('unreachable');
        expect(changed?.reason).to.match(/host key of .* has CHANGED/);
        expect(run.stdout).to.contain('has CHANGED');
      }
    });
  });

  describe('a stopped host', () => {
    it('is reported unreachable with exit 4, and every other host is still applied', async () => {
      const stopped = host(3);
      await fleet.halt(stopped);
      const run = await bosun('apply', fleet, { inventory, sshConfig, args: ['--forks', '4'] });
      expect(run.exitCode, run.stdout + run.stderr).to.equal(4);
      const statuses = Object.fromEntries(run.report.hosts.map((each) => [each.host, each.status]));
      expect(statuses).to.deep.equal({
        [host(0).name]: 'changed',
        [host(1).name]: 'changed',
        [host(2).name]: 'changed',
        [stopped.name]: 'unreachable',
      });
      expect(run.report.hosts.find((each) => each.host === stopped.name)?.reason).to.match(/Connection refused/);
      expect(run.stdout).to.match(new RegExp(`unreachable +${stopped.name}`));
      await fleet.boot(stopped);
    });
  });

  describe('sshd killed in the middle of an apply', () => {
    it('leaves no managed file partial, and a rerun converges', async () => {
      const victim = host(3);
      const only = await writeInventory(fleet, [victim], 'victim.ini');
      // Old content in every managed file, so "old or new, nothing else" means something.
      // (A comment in each file's own syntax: apt and logrotate must still parse them.)
      const writeOld = `for f in ${MANAGED.join(' ')}; do mkdir -p "$(dirname "$f")"; case $f in */apt.conf.d/*) c=//;; *) c='#';; esac; echo "$c old $f" > "$f"; done`;

      // Kill every sshd of the host (the session's too) the moment the package step
      // is reported: the file steps run then. Their pids are taken while the session
      // runs, so the kill itself is a few synchronous syscalls. The file steps take
      // tens of ms, so a kill can land after the script ended: then try again.
      let run: Awaited<ReturnType<typeof bosun>> | undefined;
      for (let attempt = 0; attempt < 4 && run?.exitCode !== 4; attempt += 1) {
        const old = await fleet.exec(victim, writeOld);
        expect(old.exitCode, old.stderr).to.equal(0);
        let sshd: number[] = [];
        let killed = false;
        let running = true;
        const watch = (async () => {
          while (running) {
            const found = await fleet.killInside(victim, 'sshd', 'SIGCONT');
            if (!killed) sshd = found;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
        run = await bosun('apply', fleet, {
          inventory: only,
          sshConfig,
          onLine: (line) => {
            if (killed || !line.includes(victim.name) || !/package/.test(line)) return;
            killed = true;
            for (const pid of sshd) {
              try {
                process.kill(pid, 'SIGKILL');
              } catch {
                // gone already
              }
            }
          },
        });
        running = false;
        await watch;
        expect(killed, `the package step was reported:\n${run.stdout}${run.stderr}`).to.equal(true);
        if (run.exitCode !== 4) await fleet.waitForSsh(victim);
      }
      expect(run?.exitCode, 'sshd was killed before the apply ended').to.equal(4);
      expect(run?.report.hosts[0]?.status).to.equal('failed');

      await fleet.waitForSsh(victim);
      const afterKill = await contentsOn(fleet, victim);

      const rerun = await bosun('apply', fleet, { inventory: only, sshConfig });
      expect(rerun.exitCode, rerun.stdout + rerun.stderr).to.equal(0);
      const check = await bosun('check', fleet, { inventory: only, sshConfig });
      expect(check.exitCode, check.stdout).to.equal(0);
      const converged = await contentsOn(fleet, victim);
      for (const path of MANAGED) {
        const oldContent = `${path.includes('apt.conf.d') ? '//' : '#'} old ${path}\n`;
        expect(converged[path], `${path} converged`).to.be.a('string').and.not.be.oneOf([oldContent, '<absent>']);
        expect([oldContent, converged[path]], `${path} on ${victim.name} after the kill`).to.include(afterKill[path]);
      }
    });
  });
});

/** The managed files' contents on a host. */
async function contentsOn(fleet: Fleet, host: FleetHost): Promise<Record<string, string>> {
  const entries = await Promise.all(
    MANAGED.map(async (path) => {
      const result = await fleet.exec(host, `cat ${path}`);
      return [path, result.exitCode === 0 ? `${result.stdout}\n` : '<absent>'] as const;
    }),
  );
  return Object.fromEntries(entries);
}
