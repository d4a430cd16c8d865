import { itRefuses, type RefusedCase } from '../../support/resource-cases.ts';
import { expect } from 'chai';
import { execa } from 'execa';
import fc from 'fast-check';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { refNameProblem } from '../../../compiler/resources/git.ts';
import { git } from '../../../index.ts';
import { shellText } from '../../support/arbitraries.ts';
import { makeTestRepo, type TestRepo } from '../../support/git-repo.ts';
import {
  type AbsolutePath,
  assertConverges,
  checkWritesNothing,
  chrootRootWith,
  explain,
  local,
  planOf,
  runPlan,
  statuses,
  tempDir,
  type ChrootRoot,
} from '../../support/plan-harness.ts';
import { propertyRuns } from '../../support/property-runs.ts';
import { listTree } from '../../../testing/tree.ts';
import { patience } from '../../support/patience.ts';

const ok = { repo: 'https://example.org/app.git', dest: '/srv/app', ref: { branch: 'main' } } as const;
const REFUSED: readonly RefusedCase[] = [
  ['a relative dest', { ...ok, dest: 'srv/app' }, /^git\.dest$/],
  ['a dest ending in /', { ...ok, dest: '/srv/app/' }, /^git\(\/srv\/app\/\)\.dest$/],
  ['a repo that is an option', { ...ok, repo: '--upload-pack=touch /tmp/x' }, /^git\(\/srv\/app\)\.repo$/],
  ['a repo that runs a command', { ...ok, repo: 'ext::sh -c touch% /tmp/x' }, /\.repo$/],
  ['a relative repo path', { ...ok, repo: 'app.git' }, /\.repo$/],
  ['a repo on two lines', { ...ok, repo: '/srv/a\n/srv/b' }, /\.repo$/],
  ['no ref', { ...ok, ref: {} }, /\.ref$/],
  ['two refs', { ...ok, ref: { branch: 'main', tag: 'v1' } }, /\.ref$/],
  ['an unknown ref kind', { ...ok, ref: { rev: 'main' } }, /\.ref\.rev$/],
  ['a short commit id', { ...ok, ref: { commit: 'abc1234' } }, /\.ref\.commit$/],
  ['a branch with a blank', { ...ok, ref: { branch: 'my branch' } }, /\.ref\.branch$/],
  ['a branch that is an option', { ...ok, ref: { branch: '-f' } }, /\.ref\.branch$/],
  ['a tag with ..', { ...ok, ref: { tag: 'v1..2' } }, /\.ref\.tag$/],
  ['a tag ending in .lock', { ...ok, ref: { tag: 'v1.lock' } }, /\.ref\.tag$/],
  ['a bad owner', { ...ok, owner: 'de ploy' }, /\.owner$/],
];

describe('compiler/resources/git: bad input fails before anything runs, naming the field', () => {
  itRefuses(git, REFUSED);

  it('refuses the branch names git refuses, and @ (HEAD to git), accepting the rest (property, against git check-ref-format)', async () => {
    const names = fc.oneof(shellText, fc.constantFrom('a/b', 'a//b', '.a', 'a.', 'a.lock', '@', 'a@{b', 'ü/ß', 'v1.0', '-x', 'a/.b'));
    await fc.assert(
      fc.asyncProperty(names, async (name) => {
        const byGit = await execa('git', ['check-ref-format', '--branch', name], { reject: false });
        const full = await execa('git', ['check-ref-format', `refs/heads/${name}`], { reject: false });
        expect(refNameProblem(name) === undefined, JSON.stringify(name)).to.equal(
          byGit.exitCode === 0 && full.exitCode === 0 && name !== '@',
        );
      }),
      propertyRuns(150),
    );
  });
});

describe('compiler/resources/git (this machine, a bare repository beside the checkout) @integration', function () {
  this.timeout(patience(60_000));
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  let repo: TestRepo;
  let dest: AbsolutePath;
  const tree = (): Promise<string[]> => listTree(dir);
  const head = async (): Promise<string> => (await execa('git', ['-C', dest, 'rev-parse', 'HEAD'])).stdout;
  beforeEach(async () => {
    ({ dir, dispose } = await tempDir());
    repo = await makeTestRepo(join(dir, 'upstream'));
    dest = `${dir}/checkout`;
  });
  afterEach(() => dispose());

  it('clones a branch, then follows it: a new commit upstream is would-change, and the apply pulls it', async () => {
    const first = await repo.commit({ 'app.js': 'v1\n' });
    await assertConverges(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' } })]), local, tree);
    expect(await head()).to.equal(first);
    expect((await execa('git', ['-C', dest, 'symbolic-ref', 'HEAD'])).stdout).to.equal('refs/heads/main');
    const second = await repo.commit({ 'app.js': 'v2\n' });
    const runs = await assertConverges(planOf([git({ repo: `file://${repo.bare}`, dest, ref: { branch: 'main' } })]), local, tree);
    expect(runs.check.steps[0]!.diff).to.contain(`-commit: ${first}`).and.to.contain(`+commit: ${second}`);
    expect(await head()).to.equal(second);
  });

  it('a tag (annotated or not) is checked out detached at its commit', async () => {
    const tagged = await repo.commit({ 'app.js': 'v1\n' });
    await repo.tag('v1.0');
    await repo.tag('light', { lightweight: true });
    await repo.commit({ 'app.js': 'v2\n' });
    await assertConverges(planOf([git({ repo: repo.bare, dest, ref: { tag: 'v1.0' } })]), local, tree);
    expect(await head()).to.equal(tagged);
    await assertConverges(planOf([git({ repo: repo.bare, dest, ref: { tag: 'light' } })]), local, tree, { check: ['ok'], apply: ['ok'] });
  });

  it('a commit id is checked without the remote: with it gone, check is still ok; a branch is then unknown, writing nothing', async () => {
    const pinned = await repo.commit({ 'app.js': 'v1\n' });
    await repo.commit({ 'app.js': 'v2\n' });
    await assertConverges(planOf([git({ repo: repo.bare, dest, ref: { commit: pinned } })]), local, tree);
    expect(await head()).to.equal(pinned);
    await rename(repo.bare, `${repo.bare}.gone`);
    const pinnedCheck = await checkWritesNothing(planOf([git({ repo: repo.bare, dest, ref: { commit: pinned } })]), local, tree);
    expect(statuses(pinnedCheck), explain(pinnedCheck)).to.deep.equal(['ok']);
    const branchCheck = await checkWritesNothing(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' } })]), local, tree);
    expect(statuses(branchCheck), explain(branchCheck)).to.deep.equal(['unknown']);
    const branchApply = await runPlan(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' } })]), local, 'apply');
    expect(statuses(branchApply), explain(branchApply)).to.deep.equal(['failed']);
  });

  it('local changes stop the move, in check mode too, unless force, which discards them (untracked files stay)', async () => {
    await repo.commit({ 'app.js': 'v1\n' });
    await runPlan(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' } })]), local, 'apply');
    await repo.commit({ 'app.js': 'v2\n' });
    await writeFile(join(dest, 'app.js'), 'edited by hand\n');
    await writeFile(join(dest, 'notes.txt'), 'untracked\n');
    const plan = planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' } })]);
    for (const mode of ['check', 'apply'] as const) {
      const run = await runPlan(plan, local, mode);
      expect(statuses(run), explain(run)).to.deep.equal(['failed']);
      expect(run.steps[0]!.output).to.contain('has local changes');
    }
    await assertConverges(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' }, force: true })]), local, tree);
    expect(await execa('cat', [join(dest, 'app.js'), join(dest, 'notes.txt')]).then((r) => r.stdout)).to.equal('v2\nuntracked');
  });

  it('local commits the remote lacks: a fast-forward is refused, force resets the branch', async () => {
    await repo.commit({ 'app.js': 'v1\n' });
    await runPlan(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' } })]), local, 'apply');
    const upstream = await repo.commit({ 'app.js': 'v2\n' });
    await execa('git', ['-C', dest, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-q', '--allow-empty', '-m', 'local']);
    const refused = await runPlan(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' } })]), local, 'apply');
    expect(statuses(refused), explain(refused)).to.deep.equal(['failed']);
    expect(refused.steps[0]!.output).to.contain('has local commits the remote does not have');
    await assertConverges(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' }, force: true })]), local, tree);
    expect(await head()).to.equal(upstream);
  });

  it('another origin is set; a directory that is not a checkout is refused', async () => {
    await repo.commit({ 'app.js': 'v1\n' });
    await runPlan(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' } })]), local, 'apply');
    await assertConverges(planOf([git({ repo: `file://${repo.bare}`, dest, ref: { branch: 'main' } })]), local, tree);
    expect((await execa('git', ['-C', dest, 'config', 'remote.origin.url'])).stdout).to.equal(`file://${repo.bare}`);
    await writeFile(join(dir, 'file'), '');
    const refused = await runPlan(planOf([git({ repo: repo.bare, dest: `${dir}/upstream`, ref: { branch: 'main' } })]), local, 'check');
    expect(statuses(refused), explain(refused)).to.deep.equal(['failed']);
    expect(refused.steps[0]!.output).to.contain('is not a git checkout');
  });

  it('a branch the remote does not have fails, in check mode too', async () => {
    await repo.commit({ 'app.js': 'v1\n' });
    await runPlan(planOf([git({ repo: repo.bare, dest, ref: { branch: 'main' } })]), local, 'apply');
    const run = await runPlan(planOf([git({ repo: repo.bare, dest, ref: { branch: 'nope' } })]), local, 'check');
    expect(statuses(run), explain(run)).to.deep.equal(['failed']);
    expect(run.steps[0]!.output).to.contain('has no branch nope');
  });
});

// The convergence contract on a Debian root with its own git, the checkout owned by the deploy user.
describe('compiler/resources/git on a Debian root (chroot) @integration', function () {
  this.timeout(patience(300_000));
  let root: ChrootRoot;
  let repo: TestRepo;
  before(async () => {
    root = await chrootRootWith(['git']);
    repo = await makeTestRepo(join(root.root, 'srv/upstream'));
    // git serves a repository only to its owner (or whom it trusts): the upstream is the deploy user's too.
    await execa('chroot', [root.root, 'chown', '-R', 'deploy:deploy', '/srv/upstream/remote.git']);
  });
  after(() => root?.dispose());

  it('clones as the owner, follows the branch, and a pinned commit', async () => {
    const first = await repo.commit({ 'app.js': 'v1\n' });
    const props = { repo: '/srv/upstream/remote.git', dest: '/var/www/blot', ref: { branch: 'main' }, owner: 'deploy' } as const;
    await assertConverges(planOf([git(props)]), root.transport, root.tree);
    const owner = await execa('chroot', [
      root.root,
      'stat',
      '-c',
      '%U',
      '/var/www/blot',
      '/var/www/blot/app.js',
      '/var/www/blot/.git/HEAD',
    ]);
    expect(owner.stdout).to.equal('deploy\ndeploy\ndeploy');
    const second = await repo.commit({ 'app.js': 'v2\n' });
    await assertConverges(planOf([git(props)]), root.transport, root.tree);
    const at = async (): Promise<string> =>
      (await execa('chroot', [root.root, 'git', '-C', '/var/www/blot', '-c', 'safe.directory=*', 'rev-parse', 'HEAD'])).stdout;
    expect(await at()).to.equal(second);
    await assertConverges(planOf([git({ ...props, ref: { commit: first } })]), root.transport, root.tree);
    expect(await at()).to.equal(first);
  });
});
