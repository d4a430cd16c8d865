import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { file } from '../../index.ts';
import { type LocalRoot, localRoot, runPlan, statuses } from '../../testing/index.ts';
import { withEnv } from '../support/env.ts';
import { local, planOf, type AbsolutePath } from '../support/plan-harness.ts';
import { rejection } from '../support/thrown.ts';

describe('testing/run-plan: a plan rendered and run in one session', () => {
  // A `shellcheck` first on PATH that refuses every script (a link to `false`): it tells whether runPlan
  // asked it. It reads none of the script, so the script may meet a closed pipe (EPIPE): still its refusal
  // (test/testing/shellcheck.test.ts).
  let root: LocalRoot;
  let refusingPath: string;
  before(async () => {
    root = await localRoot();
    await mkdir(`${root.dir}/bin`);
    await symlink('/bin/false', `${root.dir}/bin/shellcheck`);
    refusingPath = `${root.dir}/bin:${process.env.PATH ?? ''}`;
  });
  after(() => root.dispose());

  const planIn = (name: string) => planOf([file({ path: `${root.dir}/${name}` as AbsolutePath, content: 'x\n' })]);

  it('shellchecks the script before it runs it, and runs nothing that shellcheck refused', async () => {
    await withEnv({ PATH: refusingPath, BOSUN_SHELLCHECK_RUNS: undefined }, async () => {
      const error = await rejection(() => runPlan(planIn('checked'), local, 'apply'));
      expect(error.message, error.message).to.match(/^shellcheck -s sh refused the script of local \(exit 1\)/);
    });
    expect(existsSync(`${root.dir}/checked`)).to.equal(false);
  });

  it('with BOSUN_SHELLCHECK_RUNS=0, runs the script without shellcheck', async () => {
    await withEnv({ PATH: refusingPath, BOSUN_SHELLCHECK_RUNS: '0' }, async () => {
      const run = await runPlan(planIn('unchecked'), local, 'apply');
      expect(statuses(run)).to.deep.equal(['changed']);
      expect(existsSync(`${root.dir}/unchecked`)).to.equal(true);
    });
  });

  it('refuses a BOSUN_SHELLCHECK_RUNS other than 0 or 1, naming it', async () => {
    await withEnv({ BOSUN_SHELLCHECK_RUNS: 'no' }, async () => {
      const error = await rejection(() => runPlan(planIn('never'), local, 'apply'));
      expect(error.message).to.equal("BOSUN_SHELLCHECK_RUNS must be 0 or 1, not 'no'");
    });
  });
});
