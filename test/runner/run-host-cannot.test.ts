import { expect } from 'chai';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { CANNOT_APPLY } from '../../compiler/protocol.ts';
import { command, directory, file, line } from '../../index.ts';
import {
  type AbsolutePath,
  assertConverges,
  checkWritesNothing,
  chrootRoot,
  explain,
  local,
  planOf,
  runPlan,
  statuses,
  tempDir,
} from '../support/plan-harness.ts';
import { listTree } from '../../testing/tree.ts';
import { patience } from '../support/patience.ts';

/**
 * A step that cannot be applied (a file it edits is missing, a directory stands where
 * its file goes) is reported failed by check mode too, with its reason, and apply does
 * not try it: unless an earlier step that would change may still make it possible.
 */
describe('runner/run-host: steps that cannot be applied @integration', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  it('a line in a missing file (no create, nothing before it makes the file) fails in check and in apply, writing nothing', async () => {
    const plan = planOf([line({ path: `${dir}/hosts`, line: '127.0.0.1 localhost' }), file({ path: `${dir}/after`, content: 'x' })]);
    const check = await checkWritesNothing(plan, local, tree);
    expect(statuses(check), explain(check)).to.deep.equal(['failed', 'skipped']);
    expect(check.status).to.equal('failed');
    expect(check.steps[0]).to.include({ rc: CANNOT_APPLY });
    expect(check.steps[0]!.output).to.equal(`${dir}/hosts does not exist (set create: true to create it)\n`);
    expect(check.steps[0]).not.to.have.property('diff');
    const before = await tree();
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed', 'skipped']);
    expect(apply.steps[0]!.output).to.contain('does not exist');
    expect(await tree(), 'apply wrote something').to.deep.equal(before);
  });

  it('a line in a file an earlier step makes would change, and converges', async () => {
    const plan = planOf([
      line({ path: `${dir}/hosts`, line: '# hosts', create: true }),
      line({ path: `${dir}/hosts`, line: '127.0.0.1 localhost' }),
    ]);
    await assertConverges(plan, local, tree);
    expect(await readFile(`${dir}/hosts`, 'utf8')).to.equal('# hosts\n127.0.0.1 localhost\n');
  });

  it('a file in a missing directory fails in check, unless an earlier step makes the directory (or a parent of it)', async () => {
    const alone = await checkWritesNothing(planOf([file({ path: `${dir}/app/conf`, content: 'a' })]), local, tree);
    expect(statuses(alone), explain(alone)).to.deep.equal(['failed']);
    expect(alone.steps[0]!.output).to.contain(`directory ${dir}/app does not exist`);

    const made = planOf([directory({ path: `${dir}/app/sub` }), file({ path: `${dir}/app/conf`, content: 'a' })]);
    await assertConverges(made, local, tree);
  });

  it('a directory an earlier step makes is found however its path is spelled (repeated or trailing slashes)', async () => {
    const plan = planOf([
      directory({ path: `${dir}//app/` as AbsolutePath }),
      file({ path: `${dir}/app//conf` as AbsolutePath, content: 'a' }),
      line({ path: `${dir}/app/conf`, line: 'b' }),
    ]);
    const check = await checkWritesNothing(plan, local, tree);
    expect(statuses(check), explain(check)).to.deep.equal(['would-change', 'would-change', 'would-change']);
  });

  it('after an earlier step whose effects are unbounded (a command) would change, a missing file is not called a failure in check', async () => {
    const plan = planOf([
      command({ argv: ['sh', '-c', `echo '# made' >${dir}/hosts`], creates: `${dir}/hosts` }),
      line({ path: `${dir}/hosts`, line: 'x' }),
    ]);
    const check = await checkWritesNothing(plan, local, tree);
    expect(statuses(check), explain(check)).to.deep.equal(['would-change', 'would-change']);
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed', 'changed']);
    expect(await readFile(`${dir}/hosts`, 'utf8')).to.equal('# made\nx\n');
  });

  it('a directory where a file goes, or a file where a directory goes, fails in check; apply leaves both untouched', async () => {
    await mkdir(`${dir}/conf`);
    await writeFile(`${dir}/data`, 'not a directory');
    const plan = planOf([file({ path: `${dir}/conf`, content: 'a' })]);
    const check = await checkWritesNothing(plan, local, tree);
    expect(statuses(check), explain(check)).to.deep.equal(['failed']);
    expect(check.steps[0]!.output).to.contain('is a directory');
    const before = await tree();
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(await tree(), 'a temp file was left in the directory').to.deep.equal(before);

    const dirPlan = planOf([directory({ path: `${dir}/data` })]);
    const dirCheck = await checkWritesNothing(dirPlan, local, tree);
    expect(statuses(dirCheck), explain(dirCheck)).to.deep.equal(['failed']);
    expect(dirCheck.steps[0]!.output).to.contain('exists and is not a directory');
  });

  describe('regexps the host awk cannot run (chroot of Debian bookworm: mawk 1.3.4 20200120)', function () {
    this.timeout(patience(120_000));
    it('an interval {m,n}, which this mawk reads as literal text, fails in check with the reason', async () => {
      const root = await chrootRoot();
      try {
        await writeFile(`${root.root}/etc/app.conf`, 'aa\n');
        const plan = planOf([line({ path: '/etc/app.conf', line: 'b', regexp: '^a{2}$' })]);
        const check = await checkWritesNothing(plan, root.transport, root.tree);
        expect(statuses(check), explain(check)).to.deep.equal(['failed']);
        expect(check.steps[0]!.output).to.contain('reads {m,n} as literal text');
        const apply = await runPlan(plan, root.transport, 'apply');
        expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
        expect(await readFile(`${root.root}/etc/app.conf`, 'utf8')).to.equal('aa\n');
      } finally {
        await root.dispose();
      }
    });
  });
});
