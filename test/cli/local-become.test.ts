import { expect } from 'chai';
import { execa } from 'execa';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalUser, type LocalUser } from '../support/local-user.ts';
import { patience } from '../support/patience.ts';

const PASSWORD = 'pw-$(touch /tmp/bosun-leak)-x';

/**
 * Local become for real: bosun run by an ordinary user of this machine whose
 * sudo rule asks for a password, the way an operator runs it on their own host.
 * The test makes that user and its sudo rule, and removes both afterwards.
 */
describe('bosun CLI: become on the local host, run by a user whose sudo asks for a password @integration', function () {
  this.timeout(patience(120_000));
  let user: LocalUser;
  let root: string;

  before(async () => {
    user = await createLocalUser('bosun-t-become', { password: PASSWORD, sudoRule: 'bosun-t-become ALL=(ALL:ALL) ALL' });
    // The playbook and the tree it manages, readable by the user; written only as root.
    root = await mkdtemp(join(tmpdir(), 'bosun-become-'));
    await chmod(root, 0o755);
    await writeFile(
      join(root, 'playbook.ts'),
      `import { definePlaybook, file } from ${JSON.stringify(join(user.repo, 'index.ts'))};
export default definePlaybook({
  name: 'root-only file',
  plays: [{ name: 'p', hosts: 'all', become: true, roles: [{ name: 'r', resources: [file({ path: ${JSON.stringify(`${root}/owned-by-root`)}, content: 'x\\n', owner: 'root', mode: '0600' })] }] }],
});
`,
    );
  });

  after(async () => {
    await user?.remove();
    await rm(root, { recursive: true, force: true });
  });

  async function bosunAsUser(args: string[], input = '') {
    return user.run([process.execPath, join(user.repo, 'bin/bosun.js'), ...args, join(root, 'playbook.ts'), '--no-typecheck'], {
      input,
      cwd: root,
    });
  }

  it('without -K: the host fails with the reason (sudo wants a password), exit 4', async () => {
    const run = await bosunAsUser(['check']);
    expect(run.exitCode, run.stdout + run.stderr).to.equal(4);
    expect(run.stdout + run.stderr).to.include('sudo requires a password on this host and none was given (use --ask-become-pass)');
  });

  it('with -K and a wrong password: refused, the password printed nowhere', async () => {
    const run = await bosunAsUser(['check', '-K'], 'not-the-password\n');
    expect(run.exitCode, run.stdout + run.stderr).to.equal(4);
    expect(run.stdout + run.stderr).to.include('sudo refused the become password');
    expect(run.stdout + run.stderr).not.to.include('not-the-password');
  });

  it('with -K and the password: check as root (exit 2), apply writes the root-owned file, check then exits 0', async () => {
    const check = await bosunAsUser(['check', '-K'], `${PASSWORD}\n`);
    expect(check.exitCode, check.stdout + check.stderr).to.equal(2);
    const apply = await bosunAsUser(['apply', '-K'], `${PASSWORD}\n`);
    expect(apply.exitCode, apply.stdout + apply.stderr).to.equal(0);
    const owner = await execa('stat', ['-c', '%U %a', `${root}/owned-by-root`]);
    expect(owner.stdout).to.equal('root 600');
    const again = await bosunAsUser(['check', '-K'], `${PASSWORD}\n`);
    expect(again.exitCode, again.stdout + again.stderr).to.equal(0);
    for (const run of [check, apply, again]) expect(run.stdout + run.stderr).not.to.include(PASSWORD);
    expect((await execa('test', ['-e', '/tmp/bosun-leak'], { reject: false })).exitCode).to.equal(1);
  });
});
