import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { spawnBosun, until } from '../support/bosun-child.ts';
import { type Fleet, type FleetHost, startFleet } from '../support/fleet.ts';
import { writeSshConfig } from './bosun-cli.ts';
import { patience } from '../support/patience.ts';

const INDEX = JSON.stringify(resolve('index.ts'));

/**
 * What an operator must be able to trust on real hosts over SSH: an interrupted or
 * timed-out run ends on the host too, a lost connection is named as such and loses no
 * handler, a saved plan applies exactly what was checked where it was checked, and a
 * host whose sudoers says `Defaults requiretty` can be managed.
 */
describe('operator trust on a fleet @fleet', function () {
  this.timeout(patience(10 * 60_000));
  let fleet: Fleet;
  let sshConfig: string;
  const host = (i: number): FleetHost => fleet.hosts[i]!;
  const hostLine = (each: FleetHost, vars = ''): string =>
    `${each.name} ansible_host=${each.address} ansible_port=${each.port} ansible_user=root ansible_ssh_private_key_file=${fleet.privateKeyFile} ${vars}`;
  const inventoryOf = async (name: string, lines: readonly string[]): Promise<string> => {
    const path = join(fleet.dir, name);
    await writeFile(path, `[fleet]\n${lines.join('\n')}\n`);
    return path;
  };
  const playbookOf = async (name: string, body: string): Promise<string> => {
    const path = join(fleet.dir, name);
    await writeFile(path, `import { command, definePlaybook, file, handler } from ${INDEX};\n${body}`);
    return path;
  };
  const exists = async (each: FleetHost, path: string): Promise<boolean> => (await fleet.exec(each, `test -e ${path}`)).exitCode === 0;
  /** Whether a process whose command line contains `marker` runs on the host (the [x] keeps pgrep from finding itself). */
  const running = async (each: FleetHost, marker: string): Promise<boolean> =>
    (await fleet.exec(each, `pgrep -f '${marker.slice(0, -1)}[${marker.slice(-1)}]'`)).exitCode === 0;

  before(async () => {
    fleet = await startFleet(3, { namePrefix: 'trust' });
    sshConfig = await writeSshConfig(fleet);
  });
  after(async () => {
    await fleet?.stop();
  });

  /** A playbook whose second step blocks on the host until /tmp/go-MARK exists, then writes /etc/late-MARK. */
  const blocking = (mark: string): Promise<string> =>
    playbookOf(
      `block-${mark}.ts`,
      `export default definePlaybook({ name: 'b', plays: [{ name: 'b', hosts: 'all', roles: [{ name: 'r', resources: [
  file({ path: '/etc/early-${mark}', content: 'x\\n' }),
  command({ name: 'block', script: 'while [ ! -e /tmp/go-${mark} ]; do sleep 0.1; done; touch /etc/late-${mark} # blocker-${mark}', creates: '/etc/late-${mark}' }),
] }] }] });
`,
    );

  describe('interruption and timeouts (issue: --timeout and Ctrl-C did not stop runs)', () => {
    it('SIGINT: no new host starts, the running script ends on its host, the recap says what ran, exit 130', async () => {
      const playbook = await blocking('int');
      const inventory = await inventoryOf('int.ini', [hostLine(host(0)), hostLine(host(1))]);
      const run = spawnBosun(['apply', playbook, '-i', inventory, '-F', sshConfig, '--forks', '1', '--no-typecheck']);
      await run.line(new RegExp(`changed +${host(0).name} +file /etc/early-int`));
      await until('the blocking step runs on the host', () => running(host(0), 'blocker-int'));
      run.child.kill('SIGINT');
      const result = await run.done();
      expect(result.code, result.stdout + result.stderr).to.equal(130);
      expect(result.stdout).to.match(new RegExp(`failed +${host(0).name} +interrupted by SIGINT; session ended`));
      expect(result.stdout).to.match(/RECAP \(apply\)/);
      expect(result.stdout).to.contain(`interrupted by SIGINT: 1 host(s) not run (${host(1).name})`);
      await until('the interrupted script is gone from its host', async () => !(await running(host(0), 'blocker-int')));
      // Released now, the step cannot go on: nothing on the host runs it any more.
      await fleet.exec(host(0), 'touch /tmp/go-int');
      expect(await exists(host(0), '/etc/late-int')).to.equal(false);
      expect(await exists(host(1), '/etc/early-int')).to.equal(false);
    });

    it('--timeout: the host fails with the reason, and its script ends on the host', async () => {
      const playbook = await blocking('tmo');
      const inventory = await inventoryOf('tmo.ini', [hostLine(host(0))]);
      const result = await spawnBosun(['apply', playbook, '-i', inventory, '-F', sshConfig, '--timeout', '3', '--no-typecheck']).done();
      expect(result.code, result.stdout + result.stderr).to.equal(4);
      expect(result.stdout).to.match(new RegExp(`failed +${host(0).name} +timed out after 3 s; session ended`));
      await until('the timed-out script is gone from its host', async () => !(await running(host(0), 'blocker-tmo')));
      await fleet.exec(host(0), 'touch /tmp/go-tmo');
      expect(await exists(host(0), '/etc/late-tmo')).to.equal(false);
    });
  });

  describe('a connection lost in the middle of a step that notifies a handler', () => {
    it('is reported as a lost connection; the script ends on the host; the next run runs the handler', async () => {
      const playbook = await playbookOf(
        'lost.ts',
        `export default definePlaybook({ name: 'l', plays: [{ name: 'l', hosts: 'all', roles: [{ name: 'r',
  resources: [command({ name: 'configure', script: 'touch /etc/made-lost; while [ ! -e /tmp/go-lost ]; do sleep 0.1; done # blocker-lost', creates: '/etc/made-lost', notify: ['restart'] })],
  handlers: [handler('restart', command({ argv: ['sh', '-c', 'echo restarted >>/var/log/restarts-lost'] }))] }] }] });
`,
      );
      const victim = host(2);
      const inventory = await inventoryOf('lost.ini', [hostLine(victim)]);
      const run = spawnBosun([
        'apply',
        playbook,
        '-i',
        inventory,
        '-F',
        sshConfig,
        '--no-typecheck',
        '--json',
        join(fleet.dir, 'lost.json'),
      ]);
      // The change is made and the step is blocked: now the connection goes (every sshd of the host is killed).
      await until(
        'the step made its change and blocks',
        async () => (await exists(victim, '/etc/made-lost')) && (await running(victim, 'blocker-lost')),
      );
      await fleet.killInside(victim, 'sshd');
      const result = await run.done();
      expect(result.code, result.stdout + result.stderr).to.equal(4);
      expect(result.stdout).to.match(new RegExp(`failed +${victim.name} +connection lost mid-run`));
      await fleet.waitForSsh(victim);
      await until('the orphaned script ended on the host', async () => !(await running(victim, 'blocker-lost')));
      expect((await fleet.exec(victim, 'cat /var/lib/bosun/pending-handlers')).stdout).to.equal('restart');

      const next = await spawnBosun(['apply', playbook, '-i', inventory, '-F', sshConfig, '--no-typecheck']).done();
      expect(next.code, next.stdout + next.stderr).to.equal(0);
      expect(next.stdout).to.match(/changed +\S+ +handler restart: .*\(pending from an earlier run\)/);
      expect((await fleet.exec(victim, 'cat /var/log/restarts-lost')).stdout).to.equal('restarted');
      expect(await exists(victim, '/var/lib/bosun/pending-handlers')).to.equal(false);
    });
  });

  describe('saved plans (issue: apply plan.json ignored flags and pinned only the script)', () => {
    const env = { ...process.env, BOSUN_PLAN_KEY: 'fleet-plan-key-0123456789abcdef' } as Record<string, string>;

    it('apply plan.json -l applies only the hosts it names; -i is refused; a changed target, user or become is refused', async () => {
      const playbook = await playbookOf(
        'plan.ts',
        `export default definePlaybook({ name: 'p', plays: [{ name: 'p', hosts: 'all', roles: [{ name: 'r', resources: [file({ path: '/etc/planned', content: 'planned\\n' })] }] }] });\n`,
      );
      const inventory = await inventoryOf('plan.ini', [hostLine(host(0)), hostLine(host(1))]);
      const plan = join(fleet.dir, 'plan.json');
      const bosun = (...args: string[]) => spawnBosun([...args, '--no-typecheck'], { env }).done();
      expect((await bosun('check', playbook, '-i', inventory, '-F', sshConfig, '--out', plan)).code).to.equal(2);

      const limited = await bosun('apply', plan, '-l', host(0).name);
      expect(limited.code, limited.stdout + limited.stderr).to.equal(0);
      expect(await exists(host(0), '/etc/planned')).to.equal(true);
      expect(await exists(host(1), '/etc/planned')).to.equal(false);

      const otherInventory = await bosun('apply', plan, '-i', join(fleet.dir, 'nosuchfile'));
      expect(otherInventory.code).to.equal(1);
      expect(otherInventory.stderr).to.match(/-i cannot be used with a saved plan/);
      expect(await exists(host(1), '/etc/planned')).to.equal(false);

      // The same host names, reached otherwise: as another user with become, and at another address.
      await inventoryOf('plan.ini', [
        hostLine(host(0), 'ansible_user=deploy ansible_become=true'),
        hostLine(host(1)).replace(`ansible_host=${host(1).address}`, `ansible_host=${host(2).address}`),
      ]);
      const changed = await bosun('apply', plan, '--json', join(fleet.dir, 'plan-report.json'));
      expect(changed.code, changed.stdout + changed.stderr).to.equal(4);
      expect(changed.stdout).to.match(
        new RegExp(
          `failed +${host(0).name} +changed since the plan was saved \\(user "root" → "deploy"; become \\{"enabled":false\\} → \\{"enabled":true\\}\\)`,
        ),
      );
      expect(changed.stdout).to.match(
        new RegExp(`failed +${host(1).name} +changed since the plan was saved \\(address "${host(1).address}" → "${host(2).address}"\\)`),
      );
      expect(await exists(host(1), '/etc/planned')).to.equal(false);
      expect(await exists(host(2), '/etc/planned')).to.equal(false);
    });
  });

  describe('a host whose sudoers says Defaults requiretty (reference 001)', () => {
    it('is managed with become, as a user whose sudo needs a terminal, in one session, results intact', async () => {
      const target = host(1);
      await fleet.exec(
        target,
        "echo 'Defaults requiretty' >/etc/sudoers.d/zz-requiretty && chmod 0440 /etc/sudoers.d/zz-requiretty && visudo -c",
      );
      const refused = await fleet.exec(target, "su deploy -c 'sudo -n true'");
      expect(refused.stderr, 'the host really requires a tty').to.match(/must have a tty/);
      const playbook = await playbookOf(
        'tty.ts',
        `export default definePlaybook({ name: 't', plays: [{ name: 't', hosts: 'all', become: true, roles: [{ name: 'r', resources: [
  file({ path: '/etc/tty-managed', content: 'managed through sudo under requiretty\\n', owner: 'root', mode: '0600' })] }] }] });\n`,
      );
      const inventory = await inventoryOf('tty.ini', [hostLine(target).replace('ansible_user=root', 'ansible_user=deploy')]);
      const before = await fleet.sessionCounts(target);
      const check = await spawnBosun(['check', playbook, '-i', inventory, '-F', sshConfig, '--no-typecheck', '--diff']).done();
      expect(check.code, check.stdout + check.stderr).to.equal(2);
      expect(check.stdout).to.contain('+managed through sudo under requiretty');
      expect((await fleet.sessionCounts(target)).sessions - before.sessions, 'one session for the check').to.equal(1);
      const apply = await spawnBosun(['apply', playbook, '-i', inventory, '-F', sshConfig, '--no-typecheck']).done();
      expect(apply.code, apply.stdout + apply.stderr).to.equal(0);
      expect((await fleet.exec(target, 'stat -c %U:%a /etc/tty-managed')).stdout).to.equal('root:600');
      const again = await spawnBosun(['check', playbook, '-i', inventory, '-F', sshConfig, '--no-typecheck']).done();
      expect(again.code, again.stdout + again.stderr).to.equal(0);

      // The host's own ansible_become (here from -e) wins over the play's, as in Ansible: no sudo, the file stays root's.
      const unbecome = await spawnBosun([
        'check',
        playbook,
        '-i',
        inventory,
        '-F',
        sshConfig,
        '--no-typecheck',
        '-e',
        'ansible_become=false',
      ]).done();
      expect(unbecome.code, unbecome.stdout + unbecome.stderr).to.equal(2);
      await fleet.exec(target, 'rm /etc/sudoers.d/zz-requiretty');
    });
  });
});
