import { expect } from 'chai';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startFleet, type Fleet, type FleetHost } from '../support/fleet.ts';
import { createLocalUser, type LocalUser } from '../support/local-user.ts';
import { patience } from '../support/patience.ts';

/**
 * bosun run by an ordinary user whose own ~/.ssh/config says how to reach a host:
 * the inventory names only an alias, and OpenSSH (reading the user's config, as it
 * does for every user) supplies address, port, login, key and known_hosts.
 */
describe('a user’s own ~/.ssh/config reaches a host the inventory names by alias @fleet', function () {
  this.timeout(patience(5 * 60_000));
  let fleet: Fleet;
  let user: LocalUser;
  let work: string;
  const host = (): FleetHost => fleet.hosts[0]!;

  before(async () => {
    fleet = await startFleet(1, { namePrefix: 'cfg' });
    user = await createLocalUser('bosun-t-ssh');
    const ssh = join(user.home, '.ssh');
    await mkdir(ssh, { mode: 0o700 });
    await copyFile(fleet.privateKeyFile, join(ssh, 'fleet_key'));
    await copyFile(fleet.knownHostsFile, join(ssh, 'known_hosts'));
    await writeFile(
      join(ssh, 'config'),
      [
        'Host web-alias',
        `  HostName ${host().address}`,
        `  Port ${host().port}`,
        '  User root',
        '  IdentityFile ~/.ssh/fleet_key',
        '',
      ].join('\n'),
    );
    await execa('chown', ['-R', `${user.name}:`, ssh]);
    await chmod(join(ssh, 'fleet_key'), 0o600);
    // Inventory and playbook in a folder the user can read.
    work = await mkdtemp(join(tmpdir(), 'bosun-user-'));
    await chmod(work, 0o755);
    await writeFile(join(work, 'inventory.ini'), '[web]\nweb-alias\n');
    await writeFile(
      join(work, 'playbook.ts'),
      `import { definePlaybook, file } from ${JSON.stringify(join(user.repo, 'index.ts'))};
export default definePlaybook({
  name: 'motd',
  plays: [{ name: 'p', hosts: 'web', become: true, roles: [{ name: 'r', resources: [file({ path: '/etc/motd', content: 'reached through ~/.ssh/config\\n' })] }] }],
});
`,
    );
  });

  after(async () => {
    await user?.remove();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
    await fleet?.stop();
  });

  const bosun = (command: string) =>
    user.run(
      [
        process.execPath,
        join(user.repo, 'bin/bosun.js'),
        command,
        join(work, 'playbook.ts'),
        '-i',
        join(work, 'inventory.ini'),
        '--no-typecheck',
      ],
      { cwd: work },
    );

  it('check reaches the aliased host (one session on it) and apply converges it', async () => {
    const before = await fleet.sessionCounts(host());
    const check = await bosun('check');
    expect(check.exitCode, check.stdout + check.stderr).to.equal(2);
    expect(check.stdout).to.match(/would-change +web-alias +file \/etc\/motd/);
    expect((await fleet.sessionCounts(host())).sessions - before.sessions).to.equal(1);

    const apply = await bosun('apply');
    expect(apply.exitCode, apply.stdout + apply.stderr).to.equal(0);
    // exec trims its output: the x keeps the file's own last newline in view.
    const motd = await fleet.exec(host(), 'cat /etc/motd; echo x');
    expect(motd.stdout).to.equal('reached through ~/.ssh/config\nx');
  });

  it('without the user’s config the alias does not resolve: unreachable, exit 4', async () => {
    await execa('mv', [join(user.home, '.ssh/config'), join(user.home, '.ssh/config.off')]);
    try {
      const check = await bosun('check');
      expect(check.exitCode, check.stdout + check.stderr).to.equal(4);
      expect(check.stdout + check.stderr).to.match(/unreachable/);
    } finally {
      await execa('mv', [join(user.home, '.ssh/config.off'), join(user.home, '.ssh/config')]);
    }
  });
});
