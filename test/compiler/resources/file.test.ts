import { expect } from 'chai';
import { readdir, readFile, stat, writeFile, mkdir, symlink as makeSymlink } from 'node:fs/promises';
import { file } from '../../../index.ts';
import { type AbsolutePath, assertConverges, explain, local, planOf, runPlan, statuses, tempDir } from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';

describe('compiler/resources/file', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  it('creates a file with exact content and mode, and converges @integration', async () => {
    const content = 'first line\n  "quoted" $HOME `id` \\n\nno final newline';
    const plan = planOf([file({ path: `${dir}/sub.conf`, content, mode: '0640', owner: 'root', group: 'root' })]);
    const runs = await assertConverges(plan, local, tree);
    expect(runs.check.steps[0]!.diff).to.contain('--- /dev/null').and.to.contain('+first line');
    expect(await readFile(`${dir}/sub.conf`, 'utf8')).to.equal(content);
    expect((await stat(`${dir}/sub.conf`)).mode & 0o7777).to.equal(0o640);
  });

  it('replaces different content, keeps the old mode when none is given, and diffs old against new', async () => {
    await writeFile(`${dir}/app.conf`, 'a = 1\nb = 2\n', { mode: 0o600 });
    const plan = planOf([file({ path: `${dir}/app.conf`, content: 'a = 1\nb = 3\n' })]);
    const runs = await assertConverges(plan, local, tree);
    expect(runs.check.steps[0]!.diff).to.contain('-b = 2').and.to.contain('+b = 3').and.to.contain(' a = 1');
    expect(await readFile(`${dir}/app.conf`, 'utf8')).to.equal('a = 1\nb = 3\n');
    expect((await stat(`${dir}/app.conf`)).mode & 0o777).to.equal(0o600);
  });

  it('fixes only the mode when the content is right', async () => {
    await writeFile(`${dir}/m`, 'same', { mode: 0o666 });
    await assertConverges(planOf([file({ path: `${dir}/m`, content: 'same', mode: '0400' })]), local, tree);
    expect((await stat(`${dir}/m`)).mode & 0o777).to.equal(0o400);
  });

  it('writes an empty file, and a file that is already empty is ok', async () => {
    await assertConverges(planOf([file({ path: `${dir}/empty`, content: '' })]), local, tree);
    expect((await stat(`${dir}/empty`)).size).to.equal(0);
  });

  it('replaces a symlink by a file rather than writing through it', async () => {
    await writeFile(`${dir}/target`, 'target');
    await makeSymlink(`${dir}/target`, `${dir}/link`);
    await assertConverges(planOf([file({ path: `${dir}/link`, content: 'mine' })]), local, tree);
    expect(await readFile(`${dir}/target`, 'utf8')).to.equal('target');
    expect((await stat(`${dir}/link`)).isFile()).to.equal(true);
  });

  it('fails when the directory does not exist, and writes nothing', async () => {
    const apply = await runPlan(planOf([file({ path: `${dir}/missing/x`, content: 'x' })]), local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.status).to.equal('failed');
    expect(await listTree(dir)).to.have.length(1);
  });

  describe('validate', () => {
    it('a failed validation leaves the old file byte-identical, leaves no temp file, and fails the step', async () => {
      const old = 'old content\nvalid\n';
      await writeFile(`${dir}/sudoers`, old, { mode: 0o440 });
      const plan = planOf([
        file({ path: `${dir}/sudoers`, content: 'new content\n', validate: ['grep', '-q', '^valid$', '%s'], mode: '0440' }),
      ]);
      const apply = await runPlan(plan, local, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
      expect(apply.steps[0]!.rc).to.equal(1);
      expect(apply.steps[0]!.output).to.contain('validation refused');
      expect(await readFile(`${dir}/sudoers`, 'utf8')).to.equal(old);
      expect(await readdir(dir)).to.deep.equal(['sudoers']);
      expect(apply.status).to.equal('failed');
    });

    it('a passing validation sees the new content in the temp file (%s) and installs it', async () => {
      await writeFile(`${dir}/conf`, 'old\n');
      const plan = planOf([file({ path: `${dir}/conf`, content: 'valid\n', validate: ['grep', '-q', '^valid$', '%s'] })]);
      await assertConverges(plan, local, tree);
      expect(await readFile(`${dir}/conf`, 'utf8')).to.equal('valid\n');
      expect(await readdir(dir)).to.deep.equal(['conf']);
    });

    it('puts %s inside a word and keeps the other words literal', async () => {
      await mkdir(`${dir}/d`);
      const plan = planOf([
        file({ path: `${dir}/d/f`, content: 'x', validate: ['sh', '-c', 'test "$1" = "--file=$2"', 'sh', '--file=%s', '%s'] }),
      ]);
      await assertConverges(plan, local, tree);
    });
  });
});
