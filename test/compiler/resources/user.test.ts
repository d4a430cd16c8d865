import { expect } from 'chai';
import { execa } from 'execa';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { group, type UserProps, user } from '../../../index.ts';
import { ValidationError } from '../../../compiler/errors.ts';
import { assertConverges, chrootRoot, explain, planOf, runPlan, statuses, type ChrootRoot } from '../../support/plan-harness.ts';
import { patience } from '../../support/patience.ts';

async function getent(root: string, database: string, key: string): Promise<string> {
  return (await execa('chroot', [root, 'getent', database, key], { reject: false })).stdout;
}

describe('compiler/resources/user (chroot) @integration', function () {
  this.timeout(patience(60_000));
  let root: ChrootRoot;
  before(async () => (root = await chrootRoot()));
  after(() => root?.dispose());

  it('creates a user with uid, primary and supplementary groups, home, shell and comment, and converges', async () => {
    const plan = planOf([
      group({ name: 'ops', gid: 2600 }),
      user({
        name: 'carol',
        uid: 2601,
        group: 'ops',
        groups: ['sudo', 'adm'],
        home: '/home/carol',
        shell: '/bin/sh',
        comment: 'Carol C., ops',
      }),
    ]);
    await assertConverges(plan, root.transport, root.tree);
    expect(await getent(root.root, 'passwd', 'carol')).to.equal('carol:x:2601:2600:Carol C., ops:/home/carol:/bin/sh');
    expect((await getent(root.root, 'group', 'sudo')).split(':')[3]!.split(',')).to.include('carol');
    expect((await lstat(join(root.root, 'home/carol'))).uid).to.equal(2601);
  });

  it('modifies an existing user: comment, shell, and an added group (others kept)', async () => {
    await assertConverges(
      planOf([user({ name: 'carol', comment: 'Carol, on call', shell: '/bin/bash', groups: ['users'] })]),
      root.transport,
      root.tree,
    );
    expect(await getent(root.root, 'passwd', 'carol')).to.equal('carol:x:2601:2600:Carol, on call:/home/carol:/bin/bash');
    expect((await execa('chroot', [root.root, 'id', '-nG', 'carol'])).stdout.split(' ').sort()).to.deep.equal([
      'adm',
      'ops',
      'sudo',
      'users',
    ]);
  });

  it('a system user without a home directory', async () => {
    await assertConverges(
      planOf([user({ name: 'svc-app', system: true, home: '/var/lib/app', shell: '/usr/sbin/nologin' })]),
      root.transport,
      root.tree,
    );
    const [, , uid] = (await getent(root.root, 'passwd', 'svc-app')).split(':');
    expect(Number(uid)).to.be.below(1000);
    expect(
      await lstat(join(root.root, 'var/lib/app')).then(
        () => true,
        () => false,
      ),
    ).to.equal(false);
  });

  it('removes users and groups', async () => {
    await assertConverges(
      planOf([
        user({ name: 'svc-app', state: 'absent' }),
        user({ name: 'carol', state: 'absent' }),
        group({ name: 'ops', state: 'absent' }),
      ]),
      root.transport,
      root.tree,
    );
    expect(await getent(root.root, 'passwd', 'carol')).to.equal('');
    expect(await getent(root.root, 'group', 'ops')).to.equal('');
  });

  it('a primary group that does not exist fails the step', async () => {
    const apply = await runPlan(planOf([user({ name: 'dave', group: 'nosuchgroup' })]), root.transport, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.steps[0]!.output).to.contain('nosuchgroup');
  });

  it('refuses a comment with a colon, a line break or another control character', () => {
    expect(() => planOf([user({ name: 'dave', comment: 'a:b' })])).to.throw(ValidationError, /user\(dave\)\.comment/);
    expect(() => planOf([user({ name: 'dave', comment: 'a\nb' })])).to.throw(ValidationError, /user\(dave\)\.comment/);
    expect(() => planOf([user({ name: 'dave', comment: 'a\tb' })])).to.throw(
      ValidationError,
      /user\(dave\)\.comment: must not contain control characters/,
    );
  });

  it('refuses the fields of an account with state absent (TypeScript refuses them already)', () => {
    const absent = { name: 'dave', state: 'absent', uid: 1234 } as unknown as UserProps;
    expect(() => planOf([user(absent)])).to.throw(ValidationError, /user\(dave\)\.uid: is not a known parameter with state "absent"/);
  });
});
