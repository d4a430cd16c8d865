import { expect } from 'chai';
import { readdir, readFile, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { line, ValidationError } from '../../../index.ts';
import {
  type AbsolutePath,
  assertConverges,
  type ChrootRoot,
  checkWritesNothing,
  chrootRoot,
  explain,
  local,
  planOf,
  runPlan,
  statuses,
  tempDir,
} from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';
import { patience } from '../../support/patience.ts';

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

/** A comment-out case: the file before, the edit, the file after (undefined: left as it was, step ok). */
interface CommentCase {
  readonly what: string;
  readonly before: string;
  readonly regexp: string;
  readonly prefix?: string;
  readonly after?: string;
}

const COMMENT_CASES: readonly CommentCase[] = [
  {
    what: "comments out sudoers' requiretty, keeping its spacing",
    before: 'root ALL=(ALL) ALL\nDefaults    requiretty\nDefaults env_reset\n',
    regexp: '^Defaults[[:space:]]+requiretty',
    after: 'root ALL=(ALL) ALL\n#Defaults    requiretty\nDefaults env_reset\n',
  },
  {
    what: 'comments out every matching line',
    before: 'a=1\nb=2\na=3\n',
    regexp: '^a=',
    after: '#a=1\nb=2\n#a=3\n',
  },
  { what: 'leaves a file where nothing matches byte for byte, even without a final newline', before: 'a\nb', regexp: '^c' },
  {
    what: 'leaves a line that already starts with the prefix alone, even when the regexp still matches it',
    before: '#Defaults requiretty\n',
    regexp: 'Defaults[[:space:]]+requiretty',
  },
  { what: 'takes another prefix', before: 'x = 1\ny = 2\n', regexp: '^y', prefix: '; ', after: 'x = 1\n; y = 2\n' },
  {
    what: 'comments out an unterminated last line, adding its newline',
    before: 'keep\nDefaults requiretty',
    regexp: 'requiretty$',
    after: 'keep\n#Defaults requiretty\n',
  },
];

describe('compiler/resources/line: commented', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  for (const c of COMMENT_CASES) {
    it(c.what, async () => {
      const path: AbsolutePath = `${dir}/conf`;
      await writeFile(path, c.before);
      const edit = line({ path, state: 'commented', regexp: c.regexp, ...(c.prefix !== undefined && { prefix: c.prefix }) });
      if (c.after === undefined) {
        const check = await checkWritesNothing(planOf([edit]), local, tree);
        expect(statuses(check), explain(check)).to.deep.equal(['ok']);
        const apply = await runPlan(planOf([edit]), local, 'apply');
        expect(statuses(apply), explain(apply)).to.deep.equal(['ok']);
      } else {
        const runs = await assertConverges(planOf([edit]), local, tree);
        expect(runs.check.steps[0]!.diff).to.contain(`+${c.after.split('\n').find((l) => l.startsWith(c.prefix ?? '#'))}`);
      }
      expect(await readFile(path, 'utf8')).to.equal(c.after ?? c.before);
    });
  }

  it('is already done in a missing file', async () => {
    const run = await runPlan(planOf([line({ path: `${dir}/none`, state: 'commented', regexp: 'x' })]), local, 'apply');
    expect(statuses(run), explain(run)).to.deep.equal(['ok']);
    expect(await listTree(dir)).to.have.length(1);
  });
});

describe('compiler/resources/line: validate', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());
  const sudoers = 'root ALL=(ALL:ALL) ALL\nDefaults    requiretty\n';

  it("comments out sudoers' requiretty through visudo -cf, keeping the file's mode", async () => {
    const path: AbsolutePath = `${dir}/sudoers`;
    await writeFile(path, sudoers, { mode: 0o440 });
    const edit = line({ path, state: 'commented', regexp: '^Defaults[[:space:]]+requiretty', validate: ['visudo', '-cf', '%s'] });
    await assertConverges(planOf([edit]), local, tree);
    expect(await readFile(path, 'utf8')).to.equal('root ALL=(ALL:ALL) ALL\n#Defaults    requiretty\n');
    expect((await stat(path)).mode & 0o777).to.equal(0o440);
  });

  it('a refused edit leaves the file byte-identical and no temp file, and fails the step naming the file', async () => {
    const path: AbsolutePath = `${dir}/sudoers`;
    await writeFile(path, sudoers, { mode: 0o440 });
    const before = await tree();
    const run = await runPlan(planOf([line({ path, line: 'Defaultz nonsense', validate: ['visudo', '-cf', '%s'] })]), local, 'apply');
    expect(statuses(run), explain(run)).to.deep.equal(['failed']);
    expect(run.steps[0]!.output).to.contain('syntax error').and.to.contain(`validation refused the new content of ${path}`);
    expect(await readFile(path, 'utf8')).to.equal(sudoers);
    expect(await readdir(dir)).to.deep.equal(['sudoers']);
    // The file itself is untouched (its listing line holds its mtime and ctime); only the directory saw the temp file come and go.
    expect((await tree()).slice(1)).to.deep.equal(before.slice(1));
  });

  it('refuses a validate command without %s before anything runs, naming the field', () => {
    expect(() => planOf([line({ path: '/etc/sudoers', line: 'x', validate: ['visudo', '-c'] })])).to.throw(
      ValidationError,
      /line\(\/etc\/sudoers\)\.validate/,
    );
    expect(() => planOf([line({ path: '/etc/sudoers', state: 'commented', regexp: '' })])).to.throw(ValidationError, /\.regexp/);
    expect(() => planOf([line({ path: '/etc/sudoers', state: 'commented', regexp: 'a(' })])).to.throw(ValidationError, /\.regexp/);
    expect(() => planOf([line({ path: '/etc/sudoers', state: 'commented', regexp: 'a', prefix: '' })])).to.throw(
      ValidationError,
      /\.prefix/,
    );
  });
});

describe('compiler/resources/line on a Debian root (chroot) @integration', function () {
  this.timeout(patience(120_000));
  let root: ChrootRoot;
  before(async () => (root = await chrootRoot()));
  after(() => root?.dispose());

  it("comments out requiretty in the root's own /etc/sudoers, validated by its visudo", async () => {
    const sudoers = join(root.root, 'etc/sudoers');
    const original = await readFile(sudoers, 'utf8');
    await writeFile(sudoers, `${original}Defaults    requiretty\n`);
    const edit = line({
      path: '/etc/sudoers',
      state: 'commented',
      regexp: '^Defaults[[:space:]]+requiretty',
      validate: ['visudo', '-cf', '%s'],
    });
    const runs = await assertConverges(planOf([edit]), root.transport, root.tree);
    expect(runs.check.steps[0]!.diff).to.contain('-Defaults    requiretty').and.to.contain('+#Defaults    requiretty');
    expect(await readFile(sudoers, 'utf8')).to.equal(`${original}#Defaults    requiretty\n`);
    expect((await stat(sudoers)).mode & 0o777).to.equal(0o440);
  });
});
