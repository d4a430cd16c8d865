import { expect } from 'chai';
import { execa } from 'execa';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attributes, touch } from '../../../index.ts';
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

describe('compiler/resources/attributes', () => {
  describe('bad input fails at compile time, naming the field', () => {
    const cases: RefusedMessageCase[] = [
      [
        'nothing to set',
        () => attributes({ path: '/etc/shadow' } as never),
        /attributes\(\/etc\/shadow\): must set at least one of mode, owner, group/,
      ],
      [
        'a relative path',
        () => attributes({ path: 'etc/shadow' as AbsolutePath, mode: '0640' }),
        /attributes\.path: must be an absolute path/,
      ],
      [
        'a symbolic mode',
        () => attributes({ path: '/etc/shadow', mode: 'go-rwx' as never }),
        /attributes\(\/etc\/shadow\)\.mode: must be an octal mode/,
      ],
      [
        'a bad group',
        () => attributes({ path: '/etc/shadow', group: '$(id)' }),
        /attributes\(\/etc\/shadow\)\.group: is not a valid user or group name/,
      ],
      [
        'an unknown key',
        () => attributes({ path: '/etc/shadow', mode: '0640', recurse: true } as never),
        /attributes\.recurse: is not a known parameter/,
      ],
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
    it('sets mode, owner and group of an existing file without touching its content, and converges @integration', async () => {
      await writeFile(`${dir}/data`, 'kept as it is\n', { mode: 0o666 });
      await assertConverges(planOf([attributes({ path: `${dir}/data`, mode: '0640', owner: 'nobody', group: 'nogroup' })]), local, tree);
      const got = await stat(`${dir}/data`);
      expect([got.mode & 0o777, got.uid]).to.deep.equal([0o640, Number((await execa('id', ['-u', 'nobody'])).stdout)]);
      expect(await readFile(`${dir}/data`, 'utf8')).to.equal('kept as it is\n');
    });

    it('works on a directory, and through a symbolic link on what it points to', async () => {
      await mkdir(`${dir}/d`, { mode: 0o755 });
      await writeFile(`${dir}/target`, 't', { mode: 0o600 });
      await symlink(`${dir}/target`, `${dir}/link`);
      await assertConverges(
        planOf([attributes({ path: `${dir}/d`, mode: '0700' }), attributes({ path: `${dir}/link`, mode: '0604' })]),
        local,
        tree,
      );
      expect([(await stat(`${dir}/d`)).mode & 0o777, (await stat(`${dir}/target`)).mode & 0o777]).to.deep.equal([0o700, 0o604]);
    });

    it('a path that does not exist fails the step, in check mode too, and creates nothing', async () => {
      const plan = planOf([attributes({ path: `${dir}/missing`, mode: '0600' })]);
      const check = await checkWritesNothing(plan, local, tree);
      expect(statuses(check), explain(check)).to.deep.equal(['failed']);
      expect(check.steps[0]!.output).to.contain('does not exist: attributes does not create it');
      const apply = await runPlan(plan, local, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
      expect(await tree()).to.have.length(1);
    });

    it('in check mode, a file an earlier step would make is no failure', async () => {
      const check = await checkWritesNothing(
        planOf([touch({ path: `${dir}/log` }), attributes({ path: `${dir}/log`, group: 'adm' })]),
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

    it("a package's file given another group and mode, converging; check mode writes nothing", async () => {
      await assertConverges(planOf([attributes({ path: '/etc/shadow', group: 'adm', mode: '0600' })]), root.transport, root.tree);
      const got = await stat(join(root.root, 'etc/shadow'));
      const adm = Number((await execa('chroot', [root.root, 'getent', 'group', 'adm'])).stdout.split(':')[2]);
      expect([got.gid, got.mode & 0o777]).to.deep.equal([adm, 0o600]);
    });
  });
});
