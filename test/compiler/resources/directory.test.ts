import { expect } from 'chai';
import { chmod, mkdir, stat, writeFile, readFile } from 'node:fs/promises';
import { directory } from '../../../index.ts';
import { type AbsolutePath, assertConverges, explain, local, planOf, runPlan, statuses, tempDir } from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';

describe('compiler/resources/directory', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  it('creates nested directories with the mode, owner and group, and converges @integration', async () => {
    await assertConverges(planOf([directory({ path: `${dir}/a/b/c`, mode: '0750', owner: 'root', group: '0' })]), local, tree);
    const info = await stat(`${dir}/a/b/c`);
    expect(info.isDirectory()).to.equal(true);
    expect(info.mode & 0o7777).to.equal(0o750);
    expect([info.uid, info.gid]).to.deep.equal([0, 0]);
  });

  it('fixes the mode of an existing directory (setgid and sticky bits too) and leaves its content alone', async () => {
    await mkdir(`${dir}/d`, { mode: 0o700 });
    await writeFile(`${dir}/d/keep`, 'keep');
    await assertConverges(planOf([directory({ path: `${dir}/d`, mode: '3775' })]), local, tree);
    expect((await stat(`${dir}/d`)).mode & 0o7777).to.equal(0o3775);
    expect(await readFile(`${dir}/d/keep`, 'utf8')).to.equal('keep');
  });

  it('leaves the mode of an existing directory alone when none is given', async () => {
    await mkdir(`${dir}/d`);
    await chmod(`${dir}/d`, 0o711);
    const check = await runPlan(planOf([directory({ path: `${dir}/d` })]), local, 'check');
    expect(statuses(check)).to.deep.equal(['ok']);
  });

  it('fails on a file in the way, and leaves the file', async () => {
    await writeFile(`${dir}/f`, 'file');
    const apply = await runPlan(planOf([directory({ path: `${dir}/f` })]), local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.steps[0]!.output).to.contain('is not a directory');
    expect(await readFile(`${dir}/f`, 'utf8')).to.equal('file');
  });
});
