import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { command } from '../../../index.ts';
import { ValidationError } from '../../../compiler/errors.ts';
import {
  type AbsolutePath,
  assertConverges,
  checkWritesNothing,
  explain,
  local,
  planOf,
  runPlan,
  statuses,
  tempDir,
} from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';

describe('compiler/resources/command', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  it('an unguarded command is unknown in check mode (and not run), changed every apply', async () => {
    const plan = planOf([command({ argv: ['sh', '-c', 'echo run >>"$1"', 'sh', `${dir}/log`] })]);
    const check = await checkWritesNothing(plan, local, tree);
    expect(statuses(check)).to.deep.equal(['unknown']);
    expect(check.status).to.equal('would-change');
    expect(statuses(await runPlan(plan, local, 'apply'))).to.deep.equal(['changed']);
    expect(statuses(await runPlan(plan, local, 'apply'))).to.deep.equal(['changed']);
    expect(await readFile(`${dir}/log`, 'utf8')).to.equal('run\nrun\n');
  });

  it('with creates, runs once and is ok afterwards', async () => {
    const plan = planOf([command({ argv: ['touch', `${dir}/made`], creates: `${dir}/made` })]);
    await assertConverges(plan, local, tree);
  });

  it('with unless (argv or script), runs only while the probe fails', async () => {
    const plan = planOf([
      command({ script: `echo one >"${dir}/one"`, unless: { argv: ['test', '-e', `${dir}/one`] } }),
      command({ argv: ['sh', '-c', 'echo two >"$1"', 'sh', `${dir}/two`], unless: { script: `grep -q two "${dir}/two"` } }),
    ]);
    await assertConverges(plan, local, tree);
    expect(await readFile(`${dir}/two`, 'utf8')).to.equal('two\n');
  });

  it('runs in chdir with extra env, and its argv is never split or expanded', async () => {
    const plan = planOf([
      command({
        argv: ['sh', '-c', 'printf "%s|%s|%s" "$PWD" "$GREETING" "$1" >out', 'sh', '$HOME * `id`'],
        chdir: dir as `/${string}`,
        env: { GREETING: 'hello world $USER' },
        creates: `${dir}/out`,
      }),
    ]);
    await assertConverges(plan, local, tree);
    expect(await readFile(`${dir}/out`, 'utf8')).to.equal(`${dir}|hello world $USER|$HOME * \`id\``);
  });

  it('a failing command fails the step with its exit code and output, and later steps are skipped', async () => {
    await writeFile(`${dir}/x`, '');
    const plan = planOf([
      command({ script: 'echo "to stdout"; echo "to stderr" >&2; exit 3', name: 'fails' }),
      command({ argv: ['touch', `${dir}/later`] }),
    ]);
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed', 'skipped']);
    expect(apply.steps[0]).to.include({ name: 'fails', rc: 3 });
    expect(apply.steps[0]!.output).to.equal('to stdout\nto stderr\n');
    expect(apply.status).to.equal('failed');
    expect((await tree()).some((line) => line.includes('later'))).to.equal(false);
  });

  it('refuses argv and script together, an empty argv, and bad env names', () => {
    expect(() => planOf([command({ argv: ['a'], script: 'b' } as never)])).to.throw(ValidationError, /command: give argv or script/);
    expect(() => planOf([command({ argv: [] as unknown as [string] })])).to.throw(ValidationError, /command\.argv/);
    expect(() => planOf([command({ argv: ['true'], env: { 'A-B': 'x' } })])).to.throw(ValidationError, /env\.A-B/);
  });
});
