import { expect } from 'chai';
import { execa } from 'execa';
import fc from 'fast-check';
import { ValidationError } from '../../compiler/errors.ts';
import { compileResource } from '../../compiler/resource.ts';
import { git, handler, hostname, packages, service, sysctl, systemdUnit, type SystemdUnitProps } from '../../index.ts';
import { SshTransport } from '../../runner/ssh-transport.ts';
import { quote } from '../../compiler/quote.ts';
import type { AbsolutePath } from '../../compiler/validate.ts';
import { fileName, shellText } from '../support/arbitraries.ts';
import { startFleet, type Fleet, type FleetHost } from '../support/fleet.ts';
import { assertConverges, checkWritesNothing, explain, planOf, runPlan, statuses } from '../support/plan-harness.ts';
import { propertyRuns } from '../support/property-runs.ts';
import { listing } from './bosun-cli.ts';
import { patience } from '../support/patience.ts';

/**
 * The resources that act on a running system (systemd units, the host name, kernel
 * parameters, git checkouts) on a booted Debian host over real OpenSSH: one fleet for all of
 * them, booted once. Each run is one SSH session of the SSH transport.
 */
describe('resources on a booted host over SSH @fleet', function () {
  this.timeout(patience(10 * 60_000));
  let fleet: Fleet;
  let host: FleetHost;
  let ssh: SshTransport;
  /** Every entry of the host's filesystem but /proc, /sys, /dev and /run: any write shows. */
  const tree = async (): Promise<string[]> => (await listing(fleet, host)).split('\n');
  /** Runs a shell command on the host as root; its whole stdout (final newline kept). */
  const exec = async (script: string): Promise<string> => {
    const result = await execa('ssh', [...fleet.sshArgs(host), '--', script], { reject: false, stdin: 'ignore', stripFinalNewline: false });
    if (result.exitCode !== 0) throw new Error(`${script}: exit ${result.exitCode}: ${result.stderr}`);
    return result.stdout;
  };

  before(async () => {
    fleet = await startFleet(1, { namePrefix: 'res' });
    host = fleet.hosts[0]!;
    ssh = new SshTransport(fleet.connection(host), { knownHostsFile: fleet.knownHostsFile });
  });
  after(async () => {
    await ssh?.close();
    await fleet?.stop();
  });

  describe('systemdUnit', () => {
    const web = (version: string, extra: Partial<SystemdUnitProps> = {}): SystemdUnitProps =>
      ({
        name: 'bosun-web.service',
        unit: { description: `bosun web ${version}`, after: ['network.target'] },
        service: {
          execStart: ['/bin/sh', '-c', 'echo "$0 $1" >>/var/log/bosun-web.log && exec sleep infinity', 'bosun-web', version],
          restart: 'on-failure',
        },
        install: { wantedBy: ['multi-user.target'] },
        ...extra,
      }) as SystemdUnitProps;

    it('a new unit is loaded in the step that writes it: a later step starts it in the same run', async () => {
      const plan = planOf([systemdUnit(web('v1', { enabled: true })), service({ name: 'bosun-web.service', state: 'running' })]);
      await assertConverges(plan, ssh, tree);
      expect(await exec('systemctl is-enabled bosun-web.service; systemctl is-active bosun-web.service')).to.equal('enabled\nactive\n');
      expect(await exec('cat /var/log/bosun-web.log')).to.equal('bosun-web v1\n');
    });

    it('a changed unit is reloaded in its own step, so the handler it notifies restarts the new one', async () => {
      const restart = handler('restart web', service({ name: 'bosun-web.service', state: 'restarted' }));
      const plan = planOf([systemdUnit(web('v2', { state: 'running', notify: ['restart web'] }))], { handlers: [restart] });
      const check = await checkWritesNothing(plan, ssh, tree);
      expect(statuses(check), explain(check)).to.deep.equal(['would-change', 'would-change']);
      expect(check.steps[0]!.diff).to.contain('-Description=bosun web v1').and.to.contain('+Description=bosun web v2');
      const apply = await runPlan(plan, ssh, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed', 'changed']);
      expect(await exec('tail -n 1 /var/log/bosun-web.log; systemctl show -P Description bosun-web.service')).to.equal(
        'bosun-web v2\nbosun web v2\n',
      );
      const again = await runPlan(plan, ssh, 'apply');
      expect(statuses(again), explain(again)).to.deep.equal(['ok']);
    });

    it('a unit file changed behind systemd (not reloaded) is would-change, and the apply reloads it', async () => {
      await exec('touch /etc/systemd/system/bosun-web.service');
      expect(await exec('systemctl show -P NeedDaemonReload bosun-web.service')).to.equal('yes\n');
      const plan = planOf([systemdUnit(web('v2', { state: 'running' }))]);
      await assertConverges(plan, ssh, tree);
      expect(await exec('systemctl show -P NeedDaemonReload bosun-web.service')).to.equal('no\n');
    });

    it('a drop-in overrides a setting of the running unit, and verify refuses a bad one on the booted host too', async () => {
      await assertConverges(
        planOf([systemdUnit({ name: 'bosun-web.service', dropIn: '10-env', service: { environment: { BOSUN_MODE: 'drop-in' } } })]),
        ssh,
        tree,
      );
      expect(await exec('systemctl show -P Environment bosun-web.service')).to.equal('BOSUN_MODE=drop-in\n');
      const bad = await runPlan(
        planOf([systemdUnit({ name: 'bosun-web.service', dropIn: '10-env', service: { execStartPre: [['/usr/bin/bosun-nonexistent']] } })]),
        ssh,
        'apply',
      );
      expect(statuses(bad), explain(bad)).to.deep.equal(['failed']);
      expect(await exec('cat /etc/systemd/system/bosun-web.service.d/10-env.conf')).to.contain('BOSUN_MODE=drop-in');
    });

    it('a drop-in written but never loaded (a session that died before the reload) is would-change; the apply reloads it', async () => {
      // systemd's NeedDaemonReload misses a drop-in directory made after the unit was loaded.
      const unit = systemdUnit({ name: 'bosun-late.service', service: { execStart: ['/bin/sleep', 'infinity'] }, state: 'running' });
      expect(statuses(await runPlan(planOf([unit]), ssh, 'apply'))).to.deep.equal(['changed']);
      const late = systemdUnit({ name: 'bosun-late.service', dropIn: '20-late', service: { environment: { BOSUN_LATE: 'yes' } } });
      const content = compileResource(late)[0]?.diff?.desired ?? '';
      await exec(
        `mkdir /etc/systemd/system/bosun-late.service.d && printf '%s' '${content}' >/etc/systemd/system/bosun-late.service.d/20-late.conf`,
      );
      expect(await exec('systemctl show -P NeedDaemonReload bosun-late.service')).to.equal('no\n');
      const check = await checkWritesNothing(planOf([late]), ssh, tree);
      expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
      const apply = await runPlan(planOf([late]), ssh, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
      expect(await exec('systemctl show -P Environment bosun-late.service')).to.equal('BOSUN_LATE=yes\n');
      expect(statuses(await runPlan(planOf([late]), ssh, 'check'))).to.deep.equal(['ok']);
    });

    it('a timer enabled and started fires its service', async () => {
      const plan = planOf([
        systemdUnit({
          name: 'bosun-tick.service',
          service: { type: 'oneshot', execStart: ['/bin/sh', '-c', 'date +%s >>/var/log/bosun-tick.log'] },
        }),
        systemdUnit({
          name: 'bosun-tick.timer',
          timer: { onActiveSec: 1, accuracySec: '1s' },
          install: { wantedBy: ['timers.target'] },
          enabled: true,
          state: 'running',
        }),
      ]);
      const apply = await runPlan(plan, ssh, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed', 'changed']);
      await exec('for i in $(seq 1 100); do [ -s /var/log/bosun-tick.log ] && exit 0; sleep 0.2; done; exit 1');
      expect(await exec('systemctl is-enabled bosun-tick.timer')).to.equal('enabled\n');
    });

    it('random text through descriptions, arguments, environment values, working directories, syslog names and extra settings comes back byte-exact (property)', async () => {
      let run = 0;
      const read = async (path: string): Promise<string[]> => (await exec(`cat ${path}`)).split('\0').slice(0, -1);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(shellText, fc.array(shellText, { maxLength: 4 }), shellText, shellText, fileName, shellText), {
            minLength: 3,
            maxLength: 3,
          }),
          async (values) => {
            run += 1;
            const units = values.map(([description, args, env, extra, dir, ident], k) => ({
              name: `bosun-prop-${run}-${k}.service` as const,
              description,
              args,
              env,
              extra,
              directory: `/run/bosun-wd/${run}-${k}-${dir}` as AbsolutePath,
              ident,
            }));
            const accepted = units.filter((u) => {
              const props = unitOf(u);
              try {
                planOf([systemdUnit(props)]);
                return true;
              } catch (error) {
                expect(error, JSON.stringify(u)).to.be.instanceOf(ValidationError);
                expect((error as ValidationError).field).to.match(
                  /\.(unit\.(description|extra\.X-Bosun)|service\.(workingDirectory|syslogIdentifier))$/,
                );
                return false;
              }
            });
            if (accepted.length === 0) return;
            for (const u of accepted) await exec(`mkdir -p ${quote(u.directory)}`);
            const apply = await runPlan(planOf(accepted.map((u) => systemdUnit(unitOf(u)))), ssh, 'apply');
            expect(statuses(apply), explain(apply)).to.deep.equal(accepted.map(() => 'changed'));
            for (const u of accepted) {
              expect(await read(`/run/${u.name}.argv`)).to.deep.equal(u.args);
              expect(await read(`/run/${u.name}.env`)).to.deep.equal([u.env]);
              expect(await exec(`systemctl show -P Description ${u.name}`)).to.equal(`${u.description}\n`);
              expect(await exec(`grep '^X-Bosun=' /etc/systemd/system/${u.name}`)).to.equal(`X-Bosun=${u.extra}\n`);
              expect(await exec(`cat /run/${u.name}.pwd`)).to.equal(`${u.directory}\n`);
              expect(await exec(`systemctl show -P SyslogIdentifier ${u.name}`)).to.equal(`${u.ident}\n`);
            }
          },
        ),
        propertyRuns(10),
      );
    });
  });

  describe('hostname', () => {
    it('renames the booted host: /etc/hostname, /etc/hosts and the running name, as hostnamectl sees them', async () => {
      const plan = planOf([hostname({ name: 'bosun-renamed', fqdn: 'bosun-renamed.example.org' })]);
      const runs = await assertConverges(plan, ssh, tree);
      expect(runs.check.steps[0]!.diff).to.contain(`-running: ${host.name}\n`).and.to.contain('+running: bosun-renamed\n');
      expect(await exec('cat /etc/hostname; grep ^127.0.1.1 /etc/hosts; hostname; hostnamectl --static; hostnamectl --transient')).to.equal(
        'bosun-renamed\n127.0.1.1\tbosun-renamed.example.org\tbosun-renamed\nbosun-renamed\nbosun-renamed\nbosun-renamed\n',
      );
      expect(await exec('hostname --fqdn')).to.equal('bosun-renamed.example.org\n');
      // hostnamectl started systemd-hostnamed, which exits when idle and removes its private
      // /tmp dirs then: the later suites' listings must not see that as a write of theirs.
      await exec('systemctl stop systemd-hostnamed');
    });
  });

  describe('sysctl', () => {
    // A container's /proc/sys is read-only: the host keeps the file, and a live value it cannot change is said to be so.
    it('a value the kernel already has: the file is written, the live value compared over SSH', async () => {
      const current = (await exec('cat /proc/sys/kernel/msgmni')).trim();
      const plan = planOf([sysctl({ name: '60-bosun', settings: { 'kernel.msgmni': Number(current) } })]);
      const runs = await assertConverges(plan, ssh, tree);
      expect(runs.check.steps[0]!.diff).to.contain(`+kernel.msgmni = ${current}`);
      expect(await exec('cat /etc/sysctl.d/60-bosun.conf')).to.equal(`# Managed by bosun.\nkernel.msgmni = ${current}\n`);
    });

    it('a value this host cannot change (read-only /proc/sys) fails in check mode too, saying why, and writes nothing', async () => {
      const current = Number((await exec('cat /proc/sys/kernel/msgmni')).trim());
      const plan = planOf([sysctl({ name: '61-bosun', settings: { 'kernel.msgmni': current + 1 } })]);
      for (const mode of ['check', 'apply'] as const) {
        const before = await tree();
        const run = await runPlan(plan, ssh, mode);
        expect(statuses(run), explain(run)).to.deep.equal(['failed']);
        expect(run.steps[0]!.output).to.contain('kernel.msgmni cannot be changed on this host');
        expect(await tree()).to.deep.equal(before);
      }
    });
  });

  describe('git', () => {
    // The upstream lives on the host, owned by the deploy user: the Blot deploy's `git pull`, without the internet.
    const upstream = (script: string): Promise<string> =>
      exec(`runuser -u deploy -- sh -c ${JSON.stringify(`cd /srv/upstream/work && ${script}`)}`);
    const commit = (content: string): Promise<string> =>
      upstream(
        `echo ${content} >app.js && git add -A && git -c user.name=bosun -c user.email=t@bosun.invalid commit -qm ${content} && git push -q origin HEAD:main && git rev-parse HEAD`,
      );
    before(async function () {
      this.timeout(patience(5 * 60_000));
      const install = await runPlan(planOf([packages({ names: ['git'] })]), ssh, 'apply');
      expect(statuses(install), explain(install)).to.deep.equal(['changed']);
      await exec('mkdir -p /srv/upstream && chown deploy: /srv/upstream');
      await exec('runuser -u deploy -- git init -q --bare -b main /srv/upstream/remote.git');
      await exec('runuser -u deploy -- git clone -q /srv/upstream/remote.git /srv/upstream/work 2>/dev/null');
    });

    it('clones as the deploy user, follows the branch as git pull does, and pins a commit checked without the remote', async () => {
      const first = (await commit('v1')).trim();
      const props = { repo: 'file:///srv/upstream/remote.git', dest: '/var/www/blot', ref: { branch: 'main' }, owner: 'deploy' } as const;
      await assertConverges(planOf([git(props)]), ssh, tree);
      expect(await exec('stat -c %U /var/www/blot /var/www/blot/app.js; cat /var/www/blot/app.js')).to.equal('deploy\ndeploy\nv1\n');
      const second = (await commit('v2')).trim();
      const runs = await assertConverges(planOf([git(props)]), ssh, tree);
      expect(runs.check.steps[0]!.diff).to.contain(`-commit: ${first}`).and.to.contain(`+commit: ${second}`);
      expect(await exec('cat /var/www/blot/app.js')).to.equal('v2\n');
      const pinned = planOf([git({ ...props, ref: { commit: first } })]);
      await assertConverges(pinned, ssh, tree);
      await exec('mv /srv/upstream/remote.git /srv/upstream/gone.git');
      try {
        const check = await checkWritesNothing(pinned, ssh, tree);
        expect(statuses(check), explain(check)).to.deep.equal(['ok']);
        const branch = await checkWritesNothing(planOf([git(props)]), ssh, tree);
        expect(statuses(branch), explain(branch)).to.deep.equal(['unknown']);
      } finally {
        await exec('mv /srv/upstream/gone.git /srv/upstream/remote.git');
      }
    });
  });
});

/** A oneshot unit that writes its arguments and one variable to /run, NUL-separated. */
function unitOf(u: {
  name: `${string}.service`;
  description: string;
  args: string[];
  env: string;
  extra: string;
  directory: AbsolutePath;
  ident: string;
}): SystemdUnitProps {
  const out = `/run/${u.name}`;
  return {
    name: u.name,
    unit: { description: u.description, extra: { 'X-Bosun': u.extra } },
    service: {
      type: 'oneshot',
      remainAfterExit: true,
      environment: { BOSUN_V: u.env },
      workingDirectory: u.directory,
      syslogIdentifier: u.ident,
      execStart: [
        '/bin/sh',
        '-c',
        'for a; do printf "%s\\0" "$a"; done >"$0.argv"; printf "%s\\0" "$BOSUN_V" >"$0.env"; pwd >"$0.pwd"',
        out,
        ...u.args,
      ],
    },
    state: 'running',
  };
}
