import { expect } from 'chai';
import { mkdir, readlink, symlink as makeSymlink, writeFile, readFile } from 'node:fs/promises';
import { symlink } from '../../../index.ts';
import { ValidationError } from '../../../compiler/errors.ts';
import { type AbsolutePath, assertConverges, explain, local, planOf, runPlan, statuses, tempDir } from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';

describe('compiler/resources/symlink', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  it('creates absolute, relative and dangling links, and converges', async () => {
    await writeFile(`${dir}/real`, 'r');
    await assertConverges(
      planOf([
        symlink({ path: `${dir}/abs`, target: `${dir}/real` }),
        symlink({ path: `${dir}/rel`, target: 'real' }),
        symlink({ path: `${dir}/dangling`, target: '../nowhere/at all' }),
        symlink({ path: `${dir}/dash`, target: '-n' }),
      ]),
      local,
      tree,
    );
    expect(await readlink(`${dir}/abs`)).to.equal(`${dir}/real`);
    expect(await readlink(`${dir}/rel`)).to.equal('real');
    expect(await readlink(`${dir}/dangling`)).to.equal('../nowhere/at all');
    expect(await readlink(`${dir}/dash`)).to.equal('-n');
  });

  it('repoints a link, including a link to a directory (not a link inside it)', async () => {
    await mkdir(`${dir}/v1`);
    await mkdir(`${dir}/v2`);
    await makeSymlink('v1', `${dir}/current`);
    await assertConverges(planOf([symlink({ path: `${dir}/current`, target: 'v2' })]), local, tree);
    expect(await readlink(`${dir}/current`)).to.equal('v2');
    expect((await tree()).filter((line) => line.includes('/v1/'))).to.deep.equal([]);
  });

  it('tells a target with a trailing newline from one without', async () => {
    await makeSymlink('t', `${dir}/l`);
    await assertConverges(planOf([symlink({ path: `${dir}/l`, target: 't\n' })]), local, tree);
    expect(await readlink(`${dir}/l`)).to.equal('t\n');
  });

  it('replaces a file but refuses to replace a directory', async () => {
    await writeFile(`${dir}/file`, 'f');
    await mkdir(`${dir}/dir`);
    await writeFile(`${dir}/dir/keep`, 'k');
    const apply = await runPlan(
      planOf([symlink({ path: `${dir}/file`, target: 'x' }), symlink({ path: `${dir}/dir`, target: 'x' })]),
      local,
      'apply',
    );
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed', 'failed']);
    expect(apply.steps[1]!.output).to.contain('is a directory');
    expect(await readFile(`${dir}/dir/keep`, 'utf8')).to.equal('k');
  });

  it('refuses an empty target, which no link can have', () => {
    expect(() => planOf([symlink({ path: `${dir}/l`, target: '' })])).to.throw(ValidationError, /symlink\(.*\)\.target/);
  });
});
