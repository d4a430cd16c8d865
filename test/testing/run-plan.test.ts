import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { file } from '../../index.ts';
import { type LocalRoot, localRoot, runPlan, statuses } from '../../testing/index.ts';
import { withEnv } from '../support/env.ts';
import { type RefusingShellcheck, refusingShellcheck } from '../support/refusing-shellcheck.ts';
import { local, planOf, type AbsolutePath } from '../support/plan-harness.ts';
import { rejection } from '../support/thrown.ts';

describe('testing/run-plan: a plan rendered and run in one session', () => {
  // A `shellcheck` first on PATH that refuses every script: it tells whether runPlan asked it.
  let root: LocalRoot;
  let refusing: RefusingShellcheck;
  before(async () => {
    root = await localRoot();
    refusing = await refusingShellcheck();
  });
  after(async () => {
    await root.dispose();
    await refusing.dispose();
  });

  const planIn = (name: string) => planOf([file({ path: `${root.dir}/${name}` as AbsolutePath, content: 'x\n' })]);

  it('shellchecks the script before it runs it, and runs nothing that shellcheck refused', async () => {
    await withEnv({ PATH: refusing.path, BOSUN_SHELLCHECK_RUNS: undefined }, async () => {
      const error = await rejection(() => runPlan(planIn('checked'), local, 'apply'));
      expect(error.message, error.message).to.match(/^shellcheck -s sh refused the script of local \(exit 1\)/);
    });
    expect(existsSync(`${root.dir}/checked`)).to.equal(false);
  });

  it('with BOSUN_SHELLCHECK_RUNS=0, runs the script without shellcheck', async () => {
    await withEnv({ PATH: refusing.path, BOSUN_SHELLCHECK_RUNS: '0' }, async () => {
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
