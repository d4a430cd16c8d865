import { expect } from 'chai';
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { chmod, lstat, symlink as makeSymlink, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compilePlan } from '../../../compiler/compile-plan.ts';
import { fileNode, type LocalFiles, type LocalNode } from '../../../compiler/local-files.ts';
import { INLINE_PAYLOAD_MAX_BYTES } from '../../../compiler/protocol.ts';
import { copy, handler } from '../../../index.ts';
import { testHost } from '../../../testing/host.ts';
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
import { renderChecked } from '../../../testing/shellcheck.ts';
import { listTree } from '../../../testing/tree.ts';
import { thrown } from '../../support/thrown.ts';
import { patience } from '../../support/patience.ts';
import { itRefusesWithMessage, type RefusedMessageCase } from '../../support/resource-cases.ts';

/** Every byte value, twice, in both orders. */
const ALL_BYTES = Buffer.from([...Array(256).keys(), ...[...Array(256).keys()].reverse()]);

/** Every file under `dir`, as relative path → bytes (directories as null). */
async function contents(dir: string): Promise<Map<string, Buffer | null>> {
  const found = new Map<string, Buffer | null>();
  const walk = async (relative: string): Promise<void> => {
    for (const name of (await readdir(join(dir, relative))).sort()) {
      const path = relative === '' ? name : `${relative}/${name}`;
      if ((await lstat(join(dir, path))).isDirectory()) {
        found.set(path, null);
        await walk(path);
      } else found.set(path, await readFile(join(dir, path)));
    }
  };
  await walk('');
  return found;
}

describe('compiler/resources/copy', () => {
  let src: AbsolutePath;
  let disposeSrc: () => Promise<void>;
  before(async () => ({ dir: src, dispose: disposeSrc } = await tempDir()));
  after(() => disposeSrc());

  describe('bad input fails at compile time, naming the field (and the file)', () => {
    const cases: RefusedMessageCase[] = [
      [
        'a relative src',
        () => copy({ src: 'files/motd' as AbsolutePath, path: '/etc/motd' }),
        /copy\(\/etc\/motd\)\.src: must be an absolute path or a file: URL, got "files\/motd"/,
      ],
      [
        'a URL of another scheme',
        () => copy({ src: new URL('https://example.com/x'), path: '/etc/motd' }),
        /copy\(\/etc\/motd\)\.src: must be a file: URL/,
      ],
      [
        'a missing local file',
        () => copy({ src: '/nonexistent/bosun/motd', path: '/etc/motd' }),
        /copy\(\/etc\/motd\)\.src: \/nonexistent\/bosun\/motd: no such file/,
      ],
      [
        'a missing local tree',
        () => copy({ tree: '/nonexistent/bosun/tree', path: '/etc/app' }),
        /copy\(\/etc\/app\)\.tree: \/nonexistent\/bosun\/tree: no such file/,
      ],
      [
        'both src and tree',
        () => copy({ src: '/x', tree: '/y', path: '/etc/x' } as never),
        /copy\(\/etc\/x\): give src \(one local file\) or tree/,
      ],
      ['neither src nor tree', () => copy({ path: '/etc/x' } as never), /copy\(\/etc\/x\): give src/],
      ['a relative path on the host', () => copy({ src: '/x', path: 'etc/x' as AbsolutePath }), /copy\.path: must be an absolute path/],
      ['an unknown key', () => copy({ src: '/x', path: '/etc/x', force: true } as never), /copy\.force: is not a known parameter/],
      ['a symbolic mode', () => copy({ src: '/x', path: '/etc/x', mode: 'u+x' as never }), /copy\(\/etc\/x\)\.mode: must be an octal mode/],
      [
        'validate on a tree',
        () => copy({ tree: '/x', path: '/etc/x', validate: ['true', '%s'] } as never),
        /copy\(\/etc\/x\)\.validate: is only for a single file/,
      ],
      [
        'directoryMode for one file',
        () => copy({ src: '/x', path: '/etc/x', directoryMode: '0755' } as never),
        /copy\(\/etc\/x\)\.directoryMode: is only for a tree/,
      ],
      ['a file path ending in /', () => copy({ src: '/x', path: '/etc/x/' }), /copy\(\/etc\/x\/\)\.path: names the file itself/],
    ];
    itRefusesWithMessage(cases);

    it('a handler cannot be a tree (one step per entry); a single file can', async () => {
      await mkdir(`${src}/handler-tree`, { recursive: true });
      await writeFile(`${src}/handler-file`, 'x');
      await writeFile(`${src}/handler-tree/a`, 'a');
      const tree = handler('reload', copy({ tree: `${src}/handler-tree`, path: '/etc/x' }));
      expect(thrown(() => planOf([], { handlers: [tree] })).message).to.match(/handler "reload": resource: must be a resource of one step/);
      expect(planOf([], { handlers: [handler('reload', copy({ src: `${src}/handler-file`, path: '/etc/x' }))] }).handlers).to.have.length(
        1,
      );
    });

    it('a tree whose link points above itself is refused, not walked forever', async () => {
      await mkdir(`${src}/loop/a`, { recursive: true });
      await makeSymlink(`${src}/loop`, `${src}/loop/a/up`);
      expect(thrown(() => planOf([copy({ tree: `${src}/loop`, path: '/etc/x' })])).message).to.match(
        /copy\(\/etc\/x\)\.tree: .*: deeper than 64 directories/,
      );
    });

    it('a src that is a directory, or a tree that is a file, says which it is', async () => {
      await mkdir(`${src}/a-dir`, { recursive: true });
      await writeFile(`${src}/a-file`, 'x');
      expect(thrown(() => planOf([copy({ src: `${src}/a-dir`, path: '/etc/x' })])).message).to.match(/is a directory, not a file/);
      expect(thrown(() => planOf([copy({ tree: `${src}/a-file`, path: '/etc/x' })])).message).to.match(/is a file, not a directory/);
    });
  });

  describe('on this machine', () => {
    let dir: AbsolutePath;
    let dispose: () => Promise<void>;
    const tree = (): Promise<string[]> => listTree(dir);
    beforeEach(async () => ({ dir, dispose } = await tempDir()));
    afterEach(() => dispose());

    // Gives the file to another owner: only root may (an ordinary user runs test:unit).
    it('copies one file given as a file: URL, with mode, owner and group, and shows its diff in check mode @integration', async () => {
      await writeFile(`${src}/motd`, 'welcome\nto bosun\n');
      const plan = planOf([
        copy({ src: pathToFileURL(`${src}/motd`), path: `${dir}/motd`, mode: '0640', owner: 'nobody', group: 'nogroup' }),
      ]);
      const runs = await assertConverges(plan, local, tree);
      expect(runs.check.steps[0]!.diff).to.contain('--- /dev/null').and.to.contain('+to bosun');
      expect(await readFile(`${dir}/motd`, 'utf8')).to.equal('welcome\nto bosun\n');
      const got = await stat(`${dir}/motd`);
      expect([got.mode & 0o7777, got.uid]).to.deep.equal([0o640, Number((await execa('id', ['-u', 'nobody'])).stdout)]);
    });

    it('diffs old against new text, and binary content by its size', async () => {
      await writeFile(`${src}/app.conf`, 'a = 1\nb = 3\n');
      await writeFile(`${src}/blob`, ALL_BYTES);
      await writeFile(`${dir}/app.conf`, 'a = 1\nb = 2\n');
      await writeFile(`${dir}/blob`, 'old');
      const plan = planOf([copy({ src: `${src}/app.conf`, path: `${dir}/app.conf` }), copy({ src: `${src}/blob`, path: `${dir}/blob` })]);
      const check = await checkWritesNothing(plan, local, tree);
      expect(check.steps[0]!.diff).to.contain('-b = 2').and.to.contain('+b = 3');
      expect(check.steps[1]!.diff).to.contain('(binary content: 3 bytes now, 512 bytes wanted)');
      await assertConverges(plan, local, tree);
      expect((await readFile(`${dir}/blob`)).equals(ALL_BYTES)).to.equal(true);
    });

    it('a new file is 0755 when the local one is executable, else 0644; an existing file keeps its mode', async () => {
      await writeFile(`${src}/run.sh`, '#!/bin/sh\necho hi\n');
      await chmod(`${src}/run.sh`, 0o750);
      await writeFile(`${src}/data`, 'd');
      await writeFile(`${dir}/kept`, 'old', { mode: 0o600 });
      await assertConverges(
        planOf([
          copy({ src: `${src}/run.sh`, path: `${dir}/run.sh` }),
          copy({ src: `${src}/data`, path: `${dir}/data` }),
          copy({ src: `${src}/data`, path: `${dir}/kept` }),
        ]),
        local,
        tree,
      );
      const modes = await Promise.all(['run.sh', 'data', 'kept'].map(async (name) => (await stat(`${dir}/${name}`)).mode & 0o777));
      expect(modes).to.deep.equal([0o755, 0o644, 0o600]);
    });

    it('a failed validation leaves the old file as it was and no temp file', async () => {
      await writeFile(`${src}/sudoers`, 'new\n');
      await writeFile(`${dir}/sudoers`, 'old\n');
      const apply = await runPlan(
        planOf([copy({ src: `${src}/sudoers`, path: `${dir}/sudoers`, validate: ['grep', '-q', '^valid$', '%s'] })]),
        local,
        'apply',
      );
      expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
      expect(apply.steps[0]!.output).to.contain('validation refused');
      expect(await readFile(`${dir}/sudoers`, 'utf8')).to.equal('old\n');
      expect(await readdir(dir)).to.deep.equal(['sudoers']);
    });

    it('sensitive: nothing of the current content comes back and the diff is hidden', async () => {
      await writeFile(`${src}/key`, 'new secret\n');
      await writeFile(`${dir}/key`, 'old secret\n');
      const check = await checkWritesNothing(planOf([copy({ src: `${src}/key`, path: `${dir}/key`, sensitive: true })]), local, tree);
      expect(check.steps[0]!.diff).to.contain('(sensitive content: diff hidden)').and.not.to.contain('secret');
    });

    it('the content is in the script itself: it applies with the local file gone (one session, nothing fetched later)', async () => {
      const gone = `${src}/gone` as AbsolutePath;
      await writeFile(gone, ALL_BYTES);
      const plan = planOf([copy({ src: gone, path: `${dir}/arrived` })]);
      await rm(gone);
      const apply = await runPlan(plan, local, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
      expect((await readFile(`${dir}/arrived`)).equals(ALL_BYTES)).to.equal(true);
    });
  });

  it('compiles from local files given as data, never reading the disk', () => {
    const large = Buffer.alloc(INLINE_PAYLOAD_MAX_BYTES + 1, 0x99);
    const given: Record<string, LocalNode> = {
      '/role/files/run.sh': fileNode(Buffer.from('#!/bin/sh\n'), true),
      '/role/files/blob': fileNode(large),
    };
    const files: LocalFiles = { read: (path) => given[path] ?? { kind: 'missing' } };
    const plan = compilePlan(
      testHost(),
      [
        {
          name: 'p',
          hosts: 'all',
          roles: [
            {
              name: 'r',
              resources: [
                copy({ src: '/role/files/run.sh', path: '/usr/local/bin/run' }),
                copy({ src: '/role/files/blob', path: '/srv/blob' }),
              ],
            },
          ],
        },
      ],
      { files },
    );
    const [run, blob] = plan.steps.map((step) => step.apply!.text);
    expect(run).to.contain('else chmod 755 "$_bosun_tmp"');
    expect(blob).to.contain(`_bosun_payload ${createHash('sha256').update(large).digest('hex')} ${large.length}`);
    expect(plan.steps[1]!.diff).to.deep.include({ binary: { size: large.length } });
  });

  describe('a large local file, on this machine', function () {
    this.timeout(patience(120_000));
    let dir: AbsolutePath;
    let dispose: () => Promise<void>;
    const tree = (): Promise<string[]> => listTree(dir);
    beforeEach(async () => ({ dir, dispose } = await tempDir()));
    afterEach(() => dispose());
    /** Over two pieces (mebibytes) of every byte value: a data section, read from the file when the host asks. */
    const LARGE = Buffer.concat(Array.from({ length: 6200 }, (_, i) => ALL_BYTES.subarray(i % 256)));
    /** Text over the inline size but under the diff cap: still diffed line by line. */
    const MEDIUM = Array.from({ length: 600 }, (_, i) => `line ${i}\n`).join('');

    it('is a data section that arrives byte-exact and converges; text under the diff cap is still diffed', async () => {
      expect(LARGE.length).to.be.above(2 << 20);
      await writeFile(`${src}/large.bin`, LARGE);
      await writeFile(`${src}/medium.txt`, MEDIUM);
      await writeFile(`${dir}/medium.txt`, MEDIUM.replace('line 7\n', 'line seven\n'));
      const plan = planOf([
        copy({ src: `${src}/large.bin`, path: `${dir}/large.bin` }),
        copy({ src: `${src}/medium.txt`, path: `${dir}/medium.txt` }),
      ]);
      const { script } = renderChecked(plan);
      expect(script).to.contain(`_bosun_payload ${createHash('sha256').update(LARGE).digest('hex')} ${LARGE.length}`);
      const runs = await assertConverges(plan, local, tree);
      expect(runs.check.steps[1]!.diff).to.contain('-line seven').and.to.contain('+line 7');
      expect((await readFile(`${dir}/large.bin`)).equals(LARGE)).to.equal(true);
    });

    it('changed after the compile (other bytes, fewer, or gone), it is refused: the old file stays, no temp file is left', async () => {
      for (const [name, change, why] of [
        [
          'other bytes',
          () => writeFile(`${src}/changing`, Buffer.from(LARGE).fill(7, 1000, 2000)),
          'changed since the plan was compiled (the plan names sha256',
        ],
        ['fewer bytes', () => writeFile(`${src}/changing`, LARGE.subarray(0, 5000)), 'is shorter than when the plan was compiled (5000 of'],
        ['gone', () => rm(`${src}/changing`), 'could not be read again (ENOENT'],
      ] as const) {
        await writeFile(`${src}/changing`, LARGE);
        await writeFile(`${src}/medium.txt`, MEDIUM);
        await writeFile(`${dir}/target`, 'old\n');
        const plan = planOf([
          copy({ src: `${src}/changing`, path: `${dir}/target` }),
          copy({ src: `${src}/medium.txt`, path: `${dir}/after` }),
        ]);
        await change();
        const apply = await runPlan(plan, local, 'apply');
        expect(statuses(apply), `${name}: ${explain(apply)}`).to.deep.equal(['failed', 'skipped']);
        expect(apply.steps[0]!.output, name)
          .to.contain(`bosun: ${src}/changing ${why}`)
          .and.to.contain('refused, nothing was put in place');
        expect(await readFile(`${dir}/target`, 'utf8'), name).to.equal('old\n');
        expect(await readdir(dir), name).to.deep.equal(['target']);
      }
    });
  });

  describe('a tree, on a Debian root @integration', function () {
    this.timeout(patience(120_000));
    let root: ChrootRoot;
    let local: AbsolutePath;
    before(async () => {
      root = await chrootRoot();
      local = `${src}/tree` as AbsolutePath;
      // Binary files (every byte value), empty ones, names with spaces, quotes, newlines and unicode.
      await mkdir(`${local}/conf.d/empty dir`, { recursive: true });
      await mkdir(`${local}/ünï cødé 中文/deeper`, { recursive: true });
      await writeFile(`${local}/all bytes.bin`, ALL_BYTES);
      await writeFile(`${local}/empty`, '');
      await writeFile(`${local}/conf.d/a.conf`, 'a = 1\n');
      await writeFile(`${local}/conf.d/it's "quoted" $HOME`, 'quoted\n');
      await writeFile(`${local}/ünï cødé 中文/deeper/line\nbreak`, Buffer.from([0, 10, 13, 255, 0]));
      await writeFile(`${local}/ünï cødé 中文/😀.txt`, 'emoji\n');
    });
    after(() => root?.dispose());

    it('arrives byte-exact, with owner, group and modes, converging; check mode writes nothing', async () => {
      const plan = planOf([
        copy({ tree: local, path: '/srv/app/data', owner: 'nobody', group: 'nogroup', mode: '0640', directoryMode: '0750' }),
      ]);
      expect(plan.steps.map((step) => step.name)).to.include.members([
        'copy /srv/app/data/',
        'copy /srv/app/data/all bytes.bin',
        'copy /srv/app/data/conf.d/empty dir/',
        'copy /srv/app/data/ünï cødé 中文/deeper/line\nbreak',
      ]);
      await assertConverges(plan, root.transport, root.tree);
      const arrived = join(root.root, 'srv/app/data');
      expect(await contents(arrived)).to.deep.equal(await contents(local));
      const nobody = Number((await execa('chroot', [root.root, 'id', '-u', 'nobody'])).stdout);
      for (const [path, bytes] of await contents(arrived)) {
        const got = await stat(join(arrived, path));
        expect([path, got.mode & 0o7777, got.uid]).to.deep.equal([path, bytes === null ? 0o750 : 0o640, nobody]);
      }
    });

    it('shows a diff for each file that differs, and changes only those', async () => {
      const arrived = join(root.root, 'srv/app/data');
      await writeFile(join(arrived, 'conf.d/a.conf'), 'a = 0\n');
      await rm(join(arrived, 'empty'));
      const plan = planOf([
        copy({ tree: local, path: '/srv/app/data', owner: 'nobody', group: 'nogroup', mode: '0640', directoryMode: '0750' }),
      ]);
      const check = await checkWritesNothing(plan, root.transport, root.tree);
      const changed = check.steps.filter((step) => step.status === 'would-change');
      expect(changed.map((step) => plan.steps[step.index]!.name)).to.deep.equal([
        'copy /srv/app/data/conf.d/a.conf',
        'copy /srv/app/data/empty',
      ]);
      expect(changed[0]!.diff).to.contain('-a = 0').and.to.contain('+a = 1');
      const apply = await runPlan(plan, root.transport, 'apply');
      expect(apply.steps.filter((step) => step.status === 'changed').length, explain(apply)).to.equal(2);
      expect(await contents(arrived)).to.deep.equal(await contents(local));
    });
  });
});
