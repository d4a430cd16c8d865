import { expect } from 'chai';
import { execa } from 'execa';
import { directory, file, packages } from '../../index.ts';
import { nginxSite } from '../../roles/nginx-site/index.ts';
import { serviceUnit } from '../../roles/service-unit/index.ts';
import { solr } from '../../roles/solr/index.ts';
import { SshTransport } from '../../runner/ssh-transport.ts';
import { compileRole, type Plan } from '../../testing/index.ts';
import { type Fleet, type FleetHost, startFleet } from '../support/fleet.ts';
import { patience } from '../support/patience.ts';
import { solrStandIn } from '../support/solr-standin.ts';
import { assertConverges, checkWritesNothing, explain, runPlan, statuses } from '../support/plan-harness.ts';
import { listing } from './bosun-cli.ts';

/**
 * The service roles on one booted Debian host over real OpenSSH: each converges (check writes
 * nothing, apply, a second apply and a last check all ok), the tool that owns its result accepts
 * it (systemd-analyze verify and systemctl is-active, nginx -t, Solr's stand-in answering as the
 * solr user), and a hand edit is reported as drift with a diff, then repaired.
 */
describe('roles service-unit, nginx-site and solr on a booted host over SSH @fleet', function () {
  this.timeout(patience(15 * 60_000));
  let fleet: Fleet;
  let host: FleetHost;
  let ssh: SshTransport;
  const tree = async (): Promise<string[]> => (await listing(fleet, host)).split('\n');
  const exec = async (script: string): Promise<string> => {
    const result = await execa('ssh', [...fleet.sshArgs(host), '--', script], { reject: false, stdin: 'ignore' });
    if (result.exitCode !== 0) throw new Error(`${script}: exit ${result.exitCode}: ${result.stderr}${result.stdout}`);
    return result.stdout;
  };
  /** Waits until `probe` resolves true (a service coming up), never a fixed sleep. */
  const waitFor = async (what: string, probe: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + patience(60_000);
    while (!(await probe().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const get = async (url: string): Promise<{ status: number; body: string }> => {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return { status: response.status, body: await response.text() };
  };
  const planFor = (roles: Parameters<typeof compileRole>[0]): Plan => compileRole(roles);

  before(async () => {
    fleet = await startFleet(1, { namePrefix: 'svc' });
    host = fleet.hosts[0]!;
    ssh = new SshTransport(fleet.connection(host), { knownHostsFile: fleet.knownHostsFile });
  });
  after(async () => {
    await ssh?.close();
    await fleet?.stop();
  });

  describe('service-unit', () => {
    const role = (marker: string) =>
      serviceUnit({
        name: 'bosun-sleeper',
        description: `bosun sleeper ${marker}`,
        command: ['/bin/sh', '-c', 'echo "started $0" >>/tmp/bosun-sleeper.log; exec sleep infinity', marker],
        user: 'deploy',
        restart: 'on-failure',
      });

    it('converges on systemd: the unit is verified, enabled and active, the upstart job is not written', async () => {
      const plan = planFor(role('v1'));
      // The upstart job and its state are ok: this host runs systemd.
      const runs = await assertConverges(plan, ssh, tree, {
        check: ['would-change', 'would-change', 'ok', 'ok', 'would-change'],
        apply: ['changed', 'changed', 'ok', 'ok', 'changed'],
      });
      expect(runs.check.steps[0]!.diff, explain(runs.check)).to.contain('+Description=bosun sleeper v1');
      expect(await exec('systemctl is-active bosun-sleeper.service; systemctl is-enabled bosun-sleeper.service')).to.equal(
        'active\nenabled',
      );
      expect(await exec('systemd-analyze verify /etc/systemd/system/bosun-sleeper.service 2>&1; echo "rc=$?"')).to.equal('rc=0');
      expect(await exec('ps -o user= -C sleep')).to.equal('deploy');
      expect(await exec('test ! -e /etc/init/bosun-sleeper.conf && echo absent')).to.equal('absent');
    });

    it('a hand edit of the unit is drift with a diff; apply restores it and restarts the service', async () => {
      await exec("sed -i 's/^Restart=on-failure/Restart=no/' /etc/systemd/system/bosun-sleeper.service && systemctl daemon-reload");
      const plan = planFor(role('v1'));
      const check = await checkWritesNothing(plan, ssh, tree);
      expect(statuses(check), explain(check)).to.deep.equal(['would-change', 'ok', 'ok', 'ok', 'would-change']);
      expect(check.steps[0]!.diff).to.contain('-Restart=no').and.to.contain('+Restart=on-failure');
      const starts = (await exec('grep -c started /tmp/bosun-sleeper.log')).trim();
      const apply = await runPlan(plan, ssh, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed', 'ok', 'ok', 'ok', 'changed']);
      expect(await exec('systemctl show -P Restart bosun-sleeper.service; systemctl is-active bosun-sleeper.service')).to.equal(
        'on-failure\nactive',
      );
      expect(Number(await exec('grep -c started /tmp/bosun-sleeper.log'))).to.equal(Number(starts) + 1);
      const again = await runPlan(plan, ssh, 'check');
      expect(statuses(again), explain(again)).to.deep.equal(['ok', 'ok', 'ok', 'ok']);
    });
  });

  describe('nginx-site', () => {
    const site = (greeting: string) => `server {
    listen ${host.address}:8080;
    server_name bosun.test;
    root /var/www/bosun;
    add_header X-Greeting "${greeting}";
}
`;
    const roles = (greeting: string) => [
      nginxSite({ name: 'bosun', content: site(greeting), removeDefault: true }),
      {
        name: 'docroot',
        resources: [
          directory({ path: '/var/www/bosun', mode: '0755' }),
          file({ path: '/var/www/bosun/index.html', content: 'served by bosun\n', mode: '0644' }),
        ],
      },
    ];

    before(async () => {
      // The package's own start would bind the default site to *:80 of the machine these hosts share.
      await exec("printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d");
    });

    it("converges: nginx from the host's apt, the site accepted by nginx -t and served, the default site gone", async () => {
      const plan = planFor(roles('hello'));
      // The default site is not there yet in check mode (the package that brings it is not installed): absent is ok then.
      const runs = await assertConverges(plan, ssh, tree, {
        check: ['would-change', 'would-change', 'would-change', 'ok', 'would-change', 'would-change', 'would-change', 'unknown'],
        apply: ['changed', 'changed', 'changed', 'changed', 'changed', 'changed', 'changed', 'changed'],
      });
      expect(runs.check.steps[1]!.diff, explain(runs.check)).to.contain('+    server_name bosun.test;');
      expect(await exec('nginx -t 2>&1')).to.contain('test is successful');
      expect(await exec('ls /etc/nginx/sites-enabled')).to.equal('bosun');
      await waitFor('nginx to serve the site', async () => (await get(`http://${host.address}:8080/`)).status === 200);
      const response = await fetch(`http://${host.address}:8080/`);
      expect(response.headers.get('x-greeting')).to.equal('hello');
      expect(await response.text()).to.equal('served by bosun\n');
    });

    it('a hand edit of the site is drift with a diff; apply restores it and nginx reloads', async () => {
      await exec('sed -i \'s/"hello"/"edited by hand"/\' /etc/nginx/sites-available/bosun && nginx -s reload');
      await waitFor(
        'the hand edit to be served',
        async () => (await fetch(`http://${host.address}:8080/`)).headers.get('x-greeting') === 'edited by hand',
      );
      const plan = planFor(roles('hello'));
      const check = await checkWritesNothing(plan, ssh, tree);
      expect(statuses(check), explain(check)).to.deep.equal(['ok', 'would-change', 'ok', 'ok', 'ok', 'ok', 'ok', 'unknown']);
      expect(check.steps[1]!.diff)
        .to.contain('-    add_header X-Greeting "edited by hand";')
        .and.to.contain('+    add_header X-Greeting "hello";');
      const apply = await runPlan(plan, ssh, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['ok', 'changed', 'ok', 'ok', 'ok', 'ok', 'ok', 'changed']);
      await waitFor(
        'nginx to serve the site as written',
        async () => (await fetch(`http://${host.address}:8080/`)).headers.get('x-greeting') === 'hello',
      );
    });

    it('a site nginx -t refuses never lands: the old file stays and nginx keeps serving', async () => {
      const broken = [nginxSite({ name: 'bosun', content: 'server {\n    listen 8080\n    no_such_directive on;\n}\n' })];
      const apply = await runPlan(planFor(broken), ssh, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['ok', 'failed', 'skipped', 'skipped']);
      expect(explain(apply)).to.match(/no_such_directive|unexpected/);
      expect(await exec('cat /etc/nginx/sites-available/bosun')).to.contain('X-Greeting "hello"');
      expect((await get(`http://${host.address}:8080/`)).body).to.equal('served by bosun\n');
    });
  });

  describe('solr', () => {
    let archive: string;

    before(async () => {
      archive = await solrStandIn(fleet.dir);
      // The reference's old install and the crontab line that started it (cron from the host's apt).
      const cron = await runPlan(planFor({ name: 'cron', resources: [packages({ names: ['cron'] })] }), ssh, 'apply');
      expect(cron.status, explain(cron)).to.equal('changed');
      await exec(
        "useradd -m webadmin && mkdir -p /home/webadmin/solr-5.2.1/bin && printf '%s\\n' '@reboot cd $HOME/solr-5.2.1 && bin/solr start -f > $HOME/solr.log 2>&1' '0 3 * * * /usr/bin/true keep' | crontab -u webadmin -",
      );
    });

    const role = (heap: string) =>
      solr({
        version: '9.4.0',
        archive: archive as `/${string}`,
        packages: ['python3', 'cron'],
        heap,
        settings: { SOLR_JETTY_HOST: host.address },
        removeOld: { path: '/home/webadmin/solr-5.2.1', crontabUser: 'webadmin' },
      });

    it('converges: /opt/solr-9.4.0 owned by root, /var/solr by solr, the old install and its crontab line gone', async () => {
      const plan = planFor(role('512m'));
      const runs = await assertConverges(plan, ssh, tree, {
        check: Array(15).fill('would-change'),
        apply: Array(15).fill('changed'),
      });
      expect(explain(runs.check)).to.contain('solr.in.sh');
      expect(await exec('stat -c "%U:%G %a" /opt/solr-9.4.0 /opt/solr-9.4.0/bin/solr /var/solr /var/solr/data /var/solr/logs')).to.equal(
        'root:root 755\nroot:root 755\nsolr:solr 750\nsolr:solr 750\nsolr:solr 750',
      );
      expect(await exec('readlink /opt/solr; stat -c %U /opt/solr')).to.equal('/opt/solr-9.4.0\nroot');
      expect(await exec('find / -xdev -user solr | sort')).to.equal(
        [
          '/var/solr',
          '/var/solr/data',
          '/var/solr/data/solr.xml',
          '/var/solr/logs',
          '/var/solr/logs/solr.log',
          '/var/solr/solr-8983.pid',
        ].join('\n'),
      );
      expect(await exec('test ! -e /home/webadmin/solr-5.2.1 && crontab -u webadmin -l')).to.equal('0 3 * * * /usr/bin/true keep');
    });

    it('answers on its port, as the solr user, serving its home', async () => {
      await waitFor('solr to answer', async () => (await get(`http://${host.address}:8983/solr.xml`)).status === 200);
      expect((await get(`http://${host.address}:8983/solr.xml`)).body).to.equal('<solr>stand-in</solr>\n');
      expect(await exec('systemctl is-active solr.service; ps -o user= -p "$(cat /var/solr/solr-8983.pid)"')).to.equal('active\nsolr');
    });

    it('a hand edit of solr.in.sh (with its diff) and an owner changed by hand are drift; apply repairs both and restarts solr', async () => {
      await exec("sed -i 's/^SOLR_HEAP=.*/SOLR_HEAP=2g/' /etc/default/solr.in.sh && chown root /var/solr/logs");
      const plan = planFor(role('512m'));
      const check = await checkWritesNothing(plan, ssh, tree);
      const drifted = check.steps.filter((step) => step.status !== 'ok').map((step) => step.name);
      expect(drifted, explain(check)).to.deep.equal([
        'directory /var/solr/logs',
        'file /etc/default/solr.in.sh',
        'service solr.service restarted',
      ]);
      expect(check.steps.find((step) => step.name === 'file /etc/default/solr.in.sh')!.diff)
        .to.contain('-SOLR_HEAP=2g')
        .and.to.contain('+SOLR_HEAP=512m');
      const pid = await exec('cat /var/solr/solr-8983.pid');
      const apply = await runPlan(plan, ssh, 'apply');
      expect(apply.status, explain(apply)).to.equal('changed');
      expect(await exec('stat -c %U /var/solr/logs; grep HEAP /etc/default/solr.in.sh')).to.equal('solr\nSOLR_HEAP=512m');
      await waitFor('solr to come back', async () => (await get(`http://${host.address}:8983/solr.xml`)).status === 200);
      expect(await exec('cat /var/solr/solr-8983.pid')).not.to.equal(pid);
    });
  });
});
