import { expect } from 'chai';
import { execa } from 'execa';
import { mkdir, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { directory, touch } from '../../../index.ts';
import {
  type AbsolutePath,
  assertConverges,
  type ChrootRoot,
  chrootRoot,
  checkWritesNothing,
  explain,
  local,
  planOf,
  runPlan,
  statuses,
  tempDir,
} from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';
import { patience } from '../../support/patience.ts';
import { itRefusesWithMessage, type RefusedMessageCase } from '../../support/resource-cases.ts';

describe('compiler/resources/touch', () => {
  describe('bad input fails at compile time, naming the field', () => {
    const cases: RefusedMessageCase[] = [
      ['a relative path', () => touch({ path: 'var/log/app.log' as AbsolutePath }), /touch\.path: must be an absolute path/],
      [
        'a bad mode',
        () => touch({ path: '/var/log/app.log', mode: '999' as never }),
        /touch\(\/var\/log\/app\.log\)\.mode: must be an octal mode/,
      ],
      ['an unknown key', () => touch({ path: '/var/log/app.log', content: '' } as never), /touch\.content: is not a known parameter/],
    ];
    itRefusesWithMessage(cases);
  });

  describe('on this machine', () => {
    let dir: AbsolutePath;
    let dispose: () => Promise<void>;
    const tree = (): Promise<string[]> => listTree(dir);
    beforeEach(async () => ({ dir, dispose } = await tempDir()));
    afterEach(() => dispose());

    // Gives the file to another owner: only root may (an ordinary user runs test:unit).
    it('creates an empty file with its mode and owner only when missing, and converges @integration', async () => {
      await assertConverges(planOf([touch({ path: `${dir}/app.log`, mode: '0640', owner: 'nobody' })]), local, tree);
      const got = await stat(`${dir}/app.log`);
      expect([got.size, got.mode & 0o777, got.uid]).to.deep.equal([0, 0o640, Number((await execa('id', ['-u', 'nobody'])).stdout)]);
    });

    it('a new file without a mode is 0644; an existing file keeps its content and its times', async () => {
      await assertConverges(planOf([touch({ path: `${dir}/new` })]), local, tree);
      expect((await stat(`${dir}/new`)).mode & 0o777).to.equal(0o644);
      await writeFile(`${dir}/kept`, 'content the daemon wrote\n', { mode: 0o600 });
      await utimes(`${dir}/kept`, 1_000_000, 1_000_000);
      const runs = await assertConverges(planOf([touch({ path: `${dir}/kept`, mode: '0640' })]), local, tree);
      expect(runs.check.steps[0]!.status).to.equal('would-change');
      expect(await readFile(`${dir}/kept`, 'utf8')).to.equal('content the daemon wrote\n');
      const got = await stat(`${dir}/kept`);
      expect([got.mode & 0o777, got.mtimeMs]).to.deep.equal([0o640, 1_000_000_000]);
    });

    it('an existing file that is already right is ok, and nothing is written', async () => {
      await writeFile(`${dir}/ok`, 'x', { mode: 0o644 });
      const check = await checkWritesNothing(planOf([touch({ path: `${dir}/ok` })]), local, tree);
      expect(statuses(check), explain(check)).to.deep.equal(['ok']);
    });

    it('follows a link to a file; refuses a link to nothing and a directory', async () => {
      await writeFile(`${dir}/target`, 't', { mode: 0o600 });
      await symlink(`${dir}/target`, `${dir}/link`);
      await symlink(`${dir}/nothing`, `${dir}/dangling`);
      await mkdir(`${dir}/a-dir`);
      await assertConverges(planOf([touch({ path: `${dir}/link`, mode: '0644' })]), local, tree);
      expect((await stat(`${dir}/target`)).mode & 0o777).to.equal(0o644);
      const check = await runPlan(planOf([touch({ path: `${dir}/dangling` }), touch({ path: `${dir}/a-dir` })]), local, 'check');
      expect(statuses(check), explain(check)).to.deep.equal(['failed', 'skipped']);
      expect(check.steps[0]!.output).to.contain('is a symbolic link to nothing');
      const apply = await runPlan(planOf([touch({ path: `${dir}/a-dir` })]), local, 'apply');
      expect(apply.steps[0]!.output).to.contain('is a directory');
      expect(await readdir(dir)).to.deep.equal(['a-dir', 'dangling', 'link', 'target']);
    });

    it('in check mode, a directory an earlier step would make is no failure', async () => {
      const check = await checkWritesNothing(
        planOf([directory({ path: `${dir}/logs` }), touch({ path: `${dir}/logs/app.log` })]),
        local,
        tree,
      );
      expect(statuses(check), explain(check)).to.deep.equal(['would-change', 'would-change']);
    });
  });

  describe('on a Debian root @integration', function () {
    this.timeout(patience(60_000));
    let root: ChrootRoot;
    before(async () => (root = await chrootRoot()));
    after(() => root?.dispose());

    it('a log file owned by a system user, converging; check mode writes nothing', async () => {
      await assertConverges(
        planOf([touch({ path: '/var/log/app.log', owner: 'www-data', group: 'adm', mode: '0640' })]),
        root.transport,
        root.tree,
      );
      const got = await stat(join(root.root, 'var/log/app.log'));
      const uid = Number((await execa('chroot', [root.root, 'id', '-u', 'www-data'])).stdout);
      expect([got.uid, got.size, got.mode & 0o777]).to.deep.equal([uid, 0, 0o640]);
    });
  });
});
