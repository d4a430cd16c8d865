import { expect } from 'chai';
import { execa } from 'execa';
import { directory, file, packages, type Role, systemdUnit } from '../../index.ts';
import { hostname } from '../../roles/hostname/index.ts';
import { initScriptsOff } from '../../roles/init-scripts-off/index.ts';
import { monit } from '../../roles/monit/index.ts';
import { SshTransport } from '../../runner/ssh-transport.ts';
import { compileRole, type Plan } from '../../testing/index.ts';
import { startFleet, type Fleet, type FleetHost } from '../support/fleet.ts';
import { assertConverges, checkWritesNothing, explain, runPlan, statuses } from '../support/plan-harness.ts';
import { patience } from '../support/patience.ts';
import { listing } from './bosun-cli.ts';

const WEB_PORT = 18080;

/** A web app for monit to watch: busybox's httpd under a unit that never restarts it itself (only monit does). */
function webApp(address: string): Role {
  return {
    name: 'web',
    resources: [
      packages({ names: ['busybox'] }),
      directory({ path: '/srv/www', mode: '0755' }),
      file({ path: '/srv/www/health', content: 'ok\n', mode: '0644' }),
      systemdUnit({
        name: 'bosun-web.service',
        unit: { description: 'web app watched by monit' },
        service: { execStart: ['/bin/busybox', 'httpd', '-f', '-p', `${address}:${WEB_PORT}`, '-h', '/srv/www'], restart: 'no' },
        install: { wantedBy: ['multi-user.target'] },
        enabled: true,
        state: 'running',
      }),
    ],
  };
}

/** monit checking the app every second over HTTP, restarting it through systemd. */
function watcher(address: string, cycleSeconds = 1) {
  return monit({
    cycleSeconds,
    checks: [
      {
        name: 'web',
        matching: '^/bin/busybox httpd -f',
        start: { command: '/bin/systemctl start bosun-web', timeoutSeconds: 30 },
        stop: { command: '/bin/systemctl stop bosun-web', timeoutSeconds: 30 },
        http: [{ host: address, port: WEB_PORT, request: '/health', status: 200, timeoutSeconds: 1 }],
      },
    ],
  });
}

/**
 * The roles that act on a running system, on one booted Debian host over real OpenSSH: monit
 * (its control file accepted by monit -t, a killed and a frozen app restarted by monit alone),
 * init scripts off on systemd, and the clone procedure's rename.
 */
describe('system roles on a booted host over SSH @fleet', function () {
  this.timeout(patience(10 * 60_000));
  let fleet: Fleet;
  let host: FleetHost;
  let ssh: SshTransport;
  /**
   * Every entry of the host's filesystem but /proc, /sys, /dev and /run, less what a running monit
   * writes by itself each cycle (its state file and its log): any write of bosun's shows.
   */
  const tree = async (): Promise<string[]> =>
    (await listing(fleet, host)).split('\n').filter((entry) => !/^\/var\/lib\/monit[/ ]|^\/var\/log\/monit\.log /.test(entry));
  const exec = async (script: string): Promise<string> => {
    const result = await execa('ssh', [...fleet.sshArgs(host), '--', script], { reject: false, stdin: 'ignore' });
    if (result.exitCode !== 0) throw new Error(`${script}: exit ${result.exitCode}: ${result.stderr}`);
    return result.stdout;
  };
  const plan = (roles: Role | Role[]): Plan => compileRole(roles);
  /**
   * Polls until `ready` holds. The deadline only stops a hang (scaled by patience, never a
   * measure of speed): the wait ends as soon as the condition does.
   */
  const until = async (what: string, ready: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + patience(3 * 60_000);
    while (!(await ready())) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const webPid = async (): Promise<number> => Number(await exec('systemctl show -P MainPID bosun-web'));
  const answers = async (): Promise<boolean> => {
    try {
      const response = await fetch(`http://${host.address}:${WEB_PORT}/health`, { signal: AbortSignal.timeout(1000) });
      return response.status === 200 && (await response.text()) === 'ok\n';
    } catch {
      return false;
    }
  };

  before(async () => {
    fleet = await startFleet(1, { namePrefix: 'sysroles' });
    host = fleet.hosts[0]!;
    ssh = new SshTransport(fleet.connection(host), { knownHostsFile: fleet.knownHostsFile });
  });
  after(async () => {
    await ssh?.close();
    await fleet?.stop();
  });

  describe('monit', () => {
    let restartsSeen = 0;

    it('converges with the app it watches; monit -t accepts the control file, root 0700; monit sees the app', async () => {
      const roles = [webApp(host.address), watcher(host.address)];
      const p = plan(roles);
      const count = p.steps.length;
      const check = await checkWritesNothing(p, ssh, tree);
      const hostsOk = statuses(check)[count - 3] === 'ok';
      const runs = await assertConverges(p, ssh, tree, {
        // The localhost line may be there already; the handler (reload monit) follows the steps.
        check: [...Array(count - 3).fill('would-change'), hostsOk ? 'ok' : 'would-change', 'would-change', 'would-change', 'would-change'],
        // monit's package starts it: by the service step it runs already.
        apply: [...Array(count - 3).fill('changed'), hostsOk ? 'ok' : 'changed', 'changed', 'ok', 'changed'],
      });
      expect(runs.check.steps[count - 2]!.diff).to.contain('+set daemon 1\n');
      expect(await exec('monit -t && stat -c "%a %U %G" /etc/monit/monitrc'))
        .to.contain('Control file syntax OK')
        .and.to.contain('700 root root');
      expect(await exec('getent hosts localhost')).to.match(/^127\.0\.0\.1\s+localhost/);
      await until('monit to report the app running', async () => /status\s+OK/.test(await exec('monit status web || true')));
      expect(await answers()).to.equal(true);
    });

    it('restarts a killed app within its cycles (systemd never restarts it: Restart=no)', async () => {
      const before = await webPid();
      await exec(`kill -KILL ${before}`);
      await until('monit to start the app again', async () => {
        const now = await webPid();
        return now !== 0 && now !== before && (await answers());
      });
      restartsSeen += 1;
      expect(await exec('cat /var/log/monit.log')).to.match(/'web' process is not running/);
    });

    it('restarts a frozen app (running, pid there, not answering) after its HTTP test fails', async () => {
      const before = await webPid();
      await exec(`kill -STOP ${before}`);
      await until('monit to restart the frozen app', async () => {
        const now = await webPid();
        return now !== 0 && now !== before && (await answers());
      });
      restartsSeen += 1;
      expect(await exec('cat /var/log/monit.log')).to.match(/'web' failed protocol test \[HTTP\]/);
      expect(restartsSeen).to.equal(2);
    });

    it('a hand edit of the control file and a mode change are drift with a diff; the apply repairs them and reloads monit', async () => {
      const p = plan([webApp(host.address), watcher(host.address)]);
      const monitrc = p.steps.length - 2;
      await exec("sed -i 's/^set daemon 1$/set daemon 300/' /etc/monit/monitrc");
      let check = await checkWritesNothing(p, ssh, tree);
      expect(statuses(check)[monitrc], explain(check)).to.equal('would-change');
      expect(check.steps[monitrc]!.diff).to.contain('-set daemon 300\n').and.to.contain('+set daemon 1\n');
      let apply = await runPlan(p, ssh, 'apply');
      expect(statuses(apply).slice(monitrc), explain(apply)).to.deep.equal(['changed', 'ok', 'changed']);
      await exec('chmod 600 /etc/monit/monitrc');
      check = await checkWritesNothing(p, ssh, tree);
      expect(statuses(check)[monitrc], explain(check)).to.equal('would-change');
      expect(check.steps[monitrc]!.diff).to.contain('-mode 600\n+mode 700\n');
      apply = await runPlan(p, ssh, 'apply');
      expect(statuses(apply).slice(monitrc), explain(apply)).to.deep.equal(['changed', 'ok', 'changed']);
      expect(await exec('stat -c %a /etc/monit/monitrc')).to.equal('700');
      check = await checkWritesNothing(p, ssh, tree);
      expect(
        statuses(check).every((s) => s === 'ok'),
        explain(check),
      ).to.equal(true);
    });

    it('a control file monit -t refuses never lands: the apply fails, monit keeps the old one', async () => {
      const old = await exec('cat /etc/monit/monitrc');
      // Valid to bosun, wrong to monit: a dependency cycle.
      const bad = monit({
        cycleSeconds: 1,
        checks: [
          { name: 'a', pidfile: '/run/a.pid', dependsOn: ['b'] },
          { name: 'b', pidfile: '/run/b.pid', dependsOn: ['a'] },
        ],
      });
      const apply = await runPlan(plan(bad), ssh, 'apply');
      const step = apply.steps.find((s) => s.name === 'file /etc/monit/monitrc');
      expect(step?.status, explain(apply)).to.equal('failed');
      expect(step?.output).to.contain('validation refused the new content of /etc/monit/monitrc');
      expect(await exec('cat /etc/monit/monitrc')).to.equal(old);
      expect(await exec('ls -A /etc/monit')).not.to.contain('.bosun.');
    });
  });

  describe('init-scripts-off', () => {
    const LEGACY = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          bosun-legacy
# Required-Start:    $remote_fs
# Required-Stop:     $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: a distribution's daemon that a unit replaces
### END INIT INFO
case "$1" in
  start) start-stop-daemon --start --background --make-pidfile --pidfile /run/bosun-legacy.pid --exec /bin/sleep -- infinity ;;
  stop) start-stop-daemon --stop --remove-pidfile --pidfile /run/bosun-legacy.pid --oknodo ;;
  status) start-stop-daemon --status --pidfile /run/bosun-legacy.pid ;;
esac
`;
    before(async () => {
      await exec(
        `printf '%s' '${LEGACY.replaceAll("'", "'\\''")}' >/etc/init.d/bosun-legacy && chmod 755 /etc/init.d/bosun-legacy && update-rc.d bosun-legacy defaults && systemctl daemon-reload && systemctl start bosun-legacy`,
      );
      expect(await exec('systemctl is-enabled bosun-legacy; systemctl is-active bosun-legacy')).to.equal('enabled\nactive');
    });

    it('turns a SysV script off at boot with systemctl (a script that does not exist is already off)', async () => {
      const p = plan(initScriptsOff({ services: ['bosun-legacy', 'bosun-never-installed'] }));
      await assertConverges(p, ssh, tree, { check: ['would-change', 'ok'], apply: ['changed', 'ok'] });
      expect(await exec('systemctl is-enabled bosun-legacy || true; ls /etc/rc2.d'))
        .to.match(/^disabled\n/)
        .and.to.contain('K01bosun-legacy');
      expect(await exec('ls /etc/rc2.d')).not.to.contain('S01bosun-legacy');
      // Off at boot only, as chkconfig off: it still runs now.
      expect(await exec('systemctl is-active bosun-legacy')).to.equal('active');
    });

    it('masks and stops it when asked', async () => {
      const p = plan(initScriptsOff({ services: ['bosun-legacy'], mask: true, stop: true }));
      await assertConverges(p, ssh, tree);
      expect(await exec('systemctl is-enabled bosun-legacy || true; systemctl is-active bosun-legacy || true')).to.equal(
        'masked\ninactive',
      );
    });

    it('re-enabled by hand, it is drift again; the apply turns it off', async () => {
      await exec('systemctl unmask bosun-legacy && systemctl enable bosun-legacy 2>/dev/null');
      const p = plan(initScriptsOff({ services: ['bosun-legacy'], mask: true }));
      const check = await checkWritesNothing(p, ssh, tree);
      expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
      expect(statuses(await runPlan(p, ssh, 'apply'))).to.deep.equal(['changed']);
      expect(await exec('systemctl is-enabled bosun-legacy || true')).to.equal('masked');
    });
  });

  describe('hostname', () => {
    it('renames the host as the clone procedure does, persisting, and restarts the services that read the name', async () => {
      const before = await webPid();
      const p = plan(hostname({ name: 'supporttest', fqdn: 'supporttest.example.org', restart: ['bosun-web'] }));
      const runs = await assertConverges(p, ssh, tree, { check: ['would-change', 'would-change'], apply: ['changed', 'changed'] });
      expect(runs.check.steps[0]!.diff).to.contain(`-running: ${host.name}\n`).and.to.contain('+running: supporttest\n');
      expect(await exec('cat /etc/hostname; grep ^127.0.1.1 /etc/hosts; hostname; hostnamectl --static')).to.equal(
        'supporttest\n127.0.1.1\tsupporttest.example.org\tsupporttest\nsupporttest\nsupporttest',
      );
      const after = await webPid();
      expect(after).to.not.equal(before);
      expect(after).to.not.equal(0);
      // hostnamectl started systemd-hostnamed, whose idle exit would show as a write in a later listing.
      await exec('systemctl stop systemd-hostnamed');
    });
  });
});
