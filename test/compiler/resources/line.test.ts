import { expect } from 'chai';
import { readFile, writeFile, stat } from 'node:fs/promises';
import { line } from '../../../index.ts';
import { type AbsolutePath, assertConverges, explain, local, planOf, runPlan, statuses, tempDir } from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';

describe('compiler/resources/line', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());
  const conf = (): AbsolutePath => `${dir}/sshd_config`;
  const read = (): Promise<string> => readFile(conf(), 'utf8');

  it('adds a missing line at the end, keeping mode and other lines', async () => {
    await writeFile(conf(), '# comment\nPort 22\n', { mode: 0o600 });
    const runs = await assertConverges(planOf([line({ path: conf(), line: 'PermitRootLogin no' })]), local, tree);
    expect(runs.check.steps[0]!.diff).to.contain('+PermitRootLogin no');
    expect(await read()).to.equal('# comment\nPort 22\nPermitRootLogin no\n');
    expect((await stat(conf())).mode & 0o777).to.equal(0o600);
  });

  it('replaces the last line matching regexp', async () => {
    await writeFile(conf(), 'PermitRootLogin yes\nX 1\n#PermitRootLogin maybe\nPermitRootLogin prohibit-password\nY 2\n');
    await assertConverges(planOf([line({ path: conf(), line: 'PermitRootLogin no', regexp: '^PermitRootLogin ' })]), local, tree);
    expect(await read()).to.equal('PermitRootLogin yes\nX 1\n#PermitRootLogin maybe\nPermitRootLogin no\nY 2\n');
  });

  it('inserts after the last match of insertAfter and before the first match of insertBefore', async () => {
    await writeFile(conf(), 'a\n[main]\nb\n[main]\nc\n');
    await assertConverges(
      planOf([
        line({ path: conf(), line: 'after=1', insertAfter: '^\\[main\\]$' }),
        line({ path: conf(), line: 'before=1', insertBefore: '^\\[main\\]$' }),
        line({ path: conf(), line: 'top', insertBefore: 'BOF' }),
      ]),
      local,
      tree,
    );
    expect(await read()).to.equal('top\na\nbefore=1\n[main]\nb\n[main]\nafter=1\nc\n');
  });

  it('takes a line with awk-special characters literally (no backslash expansion, no numeric comparison)', async () => {
    const text = 'value = "a\\tb" & \\1 $0 10.0';
    await writeFile(conf(), '10\n');
    await assertConverges(planOf([line({ path: conf(), line: text }), line({ path: conf(), line: '10.0' })]), local, tree);
    expect(await read()).to.equal(`10\n${text}\n10.0\n`);
  });

  it('adds a final newline to a file without one', async () => {
    await writeFile(conf(), 'no newline');
    await assertConverges(planOf([line({ path: conf(), line: 'added' })]), local, tree);
    expect(await read()).to.equal('no newline\nadded\n');
  });

  it('fails on a missing file unless create is set, and then creates it', async () => {
    const failed = await runPlan(planOf([line({ path: conf(), line: 'x' })]), local, 'apply');
    expect(statuses(failed), explain(failed)).to.deep.equal(['failed']);
    expect(failed.steps[0]!.output).to.contain('does not exist');
    expect(await listTree(dir)).to.have.length(1);
    await assertConverges(planOf([line({ path: conf(), line: 'x', create: true })]), local, tree);
    expect(await read()).to.equal('x\n');
    expect((await stat(conf())).mode & 0o777).to.equal(0o644);
  });

  it('removes every line matching a regexp, or equal to a line; a missing file is already fine', async () => {
    await writeFile(conf(), 'keep\ndrop 1\nkeep too\ndrop 2\nexact\n');
    await assertConverges(
      planOf([line({ path: conf(), state: 'absent', regexp: '^drop ' }), line({ path: conf(), state: 'absent', line: 'exact' })]),
      local,
      tree,
    );
    expect(await read()).to.equal('keep\nkeep too\n');
    const missing = await runPlan(planOf([line({ path: `${dir}/none`, state: 'absent', line: 'x' })]), local, 'apply');
    expect(statuses(missing)).to.deep.equal(['ok']);
  });
});
