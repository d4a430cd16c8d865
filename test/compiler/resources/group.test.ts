import { expect } from 'chai';
import { execa } from 'execa';
import { type GroupProps, group } from '../../../index.ts';
import { ValidationError } from '../../../compiler/errors.ts';
import { assertConverges, chrootRoot, planOf, type ChrootRoot } from '../../support/plan-harness.ts';
import { patience } from '../../support/patience.ts';

async function groupLine(root: string, name: string): Promise<string> {
  return (await execa('chroot', [root, 'getent', 'group', name], { reject: false })).stdout;
}

describe('compiler/resources/group (chroot) @integration', function () {
  this.timeout(patience(60_000));
  let root: ChrootRoot;
  before(async () => (root = await chrootRoot()));
  after(() => root?.dispose());

  it('creates a group with a gid, changes the gid, and removes it', async () => {
    await assertConverges(planOf([group({ name: 'web', gid: 2700 })]), root.transport, root.tree);
    expect(await groupLine(root.root, 'web')).to.equal('web:x:2700:');
    await assertConverges(planOf([group({ name: 'web', gid: 2701 })]), root.transport, root.tree);
    expect(await groupLine(root.root, 'web')).to.equal('web:x:2701:');
    await assertConverges(planOf([group({ name: 'web', state: 'absent' })]), root.transport, root.tree);
    expect(await groupLine(root.root, 'web')).to.equal('');
  });

  it('creates a system group in the system range', async () => {
    await assertConverges(planOf([group({ name: 'svc', system: true })]), root.transport, root.tree);
    expect(Number((await groupLine(root.root, 'svc')).split(':')[2])).to.be.below(1000);
  });

  it('refuses a gid that is not a whole number', () => {
    expect(() => planOf([group({ name: 'g', gid: -1 })])).to.throw(ValidationError, /group\(g\)\.gid/);
    expect(() => planOf([group({ name: 'g', gid: 1.5 })])).to.throw(ValidationError, /group\(g\)\.gid/);
    expect(() => planOf([group({ name: 'g', gid: '10' as unknown as number })])).to.throw(ValidationError, /group\(g\)\.gid/);
  });

  it('refuses a gid with state absent (TypeScript refuses it already)', () => {
    const absent = { name: 'g', state: 'absent', gid: 10 } as unknown as GroupProps;
    expect(() => planOf([group(absent)])).to.throw(ValidationError, /group\(g\)\.gid: is not a known parameter with state "absent"/);
  });
});
