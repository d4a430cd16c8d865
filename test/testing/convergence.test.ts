import { expect } from 'chai';
import { AssertionError } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { command, file, role } from '../../index.ts';
import { rejection } from '../support/thrown.ts';
import { assertConverges, checkWritesNothing, compileRole, type LocalRoot, localRoot, testHost } from '../../testing/index.ts';

describe('testing/convergence: the contract every role owes, on a target', () => {
  let root: LocalRoot;
  beforeEach(async () => {
    root = await localRoot();
  });
  afterEach(() => root.dispose());

  it('passes a role that converges, and gives back the four runs', async () => {
    const plan = compileRole(role({ name: 'r', resources: [file({ path: `${root.dir}/a`, content: 'a\n', mode: '0600' })] }), {
      host: root.host,
    });
    const runs = await assertConverges(plan, root);
    expect([runs.check, runs.apply, runs.again, runs.recheck].map((run) => run.steps[0]!.status)).to.deep.equal([
      'would-change',
      'changed',
      'ok',
      'ok',
    ]);
  });

  it('fails a role that does not settle: a second apply changes something again', async () => {
    // The command never makes what its guard looks for, so every apply runs it again.
    const never = command({ argv: ['true'], creates: `${root.dir}/never-made` });
    const error = await rejection(() => assertConverges(compileRole(role({ name: 'r', resources: [never] })), root));
    expect(error).to.be.instanceOf(AssertionError);
    expect((error as AssertionError).actual).to.deep.equal(['changed']);
    expect((error as AssertionError).expected).to.deep.equal(['ok']);
  });

  it('fails a check that left the target changed, naming what changed', async () => {
    const plan = compileRole(role({ name: 'r', resources: [file({ path: `${root.dir}/a`, content: 'a' })] }));
    // A target whose listing changes under the check: what a check that writes would look like.
    let calls = 0;
    const target = {
      transport: root.transport,
      tree: async () => {
        calls += 1;
        if (calls === 2) await writeFile(join(root.dir, 'stray'), 'x');
        return root.tree();
      },
    };
    const error = await rejection(() => checkWritesNothing(plan, target));
    expect(error).to.be.instanceOf(AssertionError);
    expect((error as AssertionError).message).to.match(/^check mode wrote to the target:\n/);
    expect((error as AssertionError).message).to.contain('\n+ "/stray" f ');
  });

  it('compiles for a synthetic host: a roles function sees its name, groups and vars', () => {
    const host = testHost({ name: 'web1', groups: ['web'], vars: { motd: 'hello' } });
    expect(host.groups).to.deep.equal(['all', 'web']);
    const plan = compileRole(
      (seen) => [role({ name: 'r', resources: [file({ path: '/etc/motd', content: `${String(seen.vars.motd)} from ${seen.name}\n` })] })],
      { host },
    );
    expect(plan.host).to.equal('web1');
    expect(plan.steps.map((step) => step.name)).to.deep.equal(['file /etc/motd']);
  });
});
