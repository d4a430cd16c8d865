import { expect } from 'chai';
import { ValidationError } from '../../../compiler/errors.ts';
import { compileResource } from '../../../compiler/resource.ts';
import { command, file } from '../../../index.ts';
import { explain, local, planOf, runPlan, statuses, tempDir } from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/index.ts';

// This machine runs no systemd as PID 1 and no upstart: the prelude finds `sysv`, so a resource
// for sysv hosts acts here and one for systemd or upstart hosts does nothing, in both modes.
describe('onInit: a resource only for hosts of some init systems, decided on the host', () => {
  let dir: string;
  let dispose: () => Promise<void>;
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  it('acts where the probed init system is listed', async () => {
    const plan = planOf([file({ path: `${dir}/here` as `/${string}`, content: 'x\n', onInit: ['sysv', 'upstart'] })]);
    const check = await runPlan(plan, local, 'check');
    expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
    expect(await listTree(dir as `/${string}`)).to.have.length.greaterThan(0);
  });

  it('is ok and writes nothing where it is not, in check and in apply mode', async () => {
    const plan = planOf([
      file({ path: `${dir}/elsewhere` as `/${string}`, content: 'x\n', onInit: ['upstart'] }),
      command({ argv: ['touch', `${dir}/ran`], onInit: ['systemd'] }),
    ]);
    const before = await listTree(dir as `/${string}`);
    for (const mode of ['check', 'apply'] as const) {
      const run = await runPlan(plan, local, mode);
      expect(statuses(run), explain(run)).to.deep.equal(['ok', 'ok']);
    }
    expect(await listTree(dir as `/${string}`)).to.deep.equal(before);
  });

  it('keeps a command without a guard unknown in check mode where it applies, and runs it in apply mode', async () => {
    const plan = planOf([command({ argv: ['touch', `${dir}/ran`], onInit: ['sysv'] })]);
    const check = await runPlan(plan, local, 'check');
    expect(statuses(check), explain(check)).to.deep.equal(['unknown']);
    expect((await listTree(dir as `/${string}`)).join('\n')).not.to.contain('ran');
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
    expect((await listTree(dir as `/${string}`)).join('\n')).to.contain('ran');
  });

  it('refuses an empty list or an init system it cannot tell apart, naming the field', () => {
    for (const onInit of [[], ['openrc'], 'systemd']) {
      expect(() => compileResource(file({ path: '/etc/x', content: '', onInit: onInit as never })))
        .to.throw(ValidationError)
        .with.property('field')
        .that.matches(/^file\.onInit/);
    }
  });
});
