import { expect } from 'chai';
import { execa } from 'execa';
import { chmod, lstat, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Resource } from '../../../compiler/resource.ts';
import { packages, unarchive } from '../../../index.ts';
import { type ArchiveEntries, makeArchive } from '../../support/archives.ts';
import {
  type AbsolutePath,
  assertConverges,
  type ChrootRoot,
  chrootRoot,
  checkWritesNothing,
  explain,
  planOf,
  runPlan,
  statuses,
  tempDir,
} from '../../support/plan-harness.ts';
import { patience } from '../../support/patience.ts';
import { itRefusesWithMessage, type RefusedMessageCase } from '../../support/resource-cases.ts';

const ALL_BYTES = Buffer.from([...Array(256).keys()]);

/** Entries with binary content, an empty directory, and names with spaces, quotes and unicode. */
const ENTRIES: ArchiveEntries = {
  'solr-9.4/bin/solr': '#!/bin/sh\necho solr\n',
  'solr-9.4/lib/all bytes.bin': ALL_BYTES,
  "solr-9.4/conf/it's ünïcødé 中文.xml": '<config/>\n',
  'solr-9.4/logs': null,
};

describe('compiler/resources/unarchive', () => {
  let src: AbsolutePath;
  let disposeSrc: () => Promise<void>;
  before(async () => ({ dir: src, dispose: disposeSrc } = await tempDir()));
  after(() => disposeSrc());

  describe('bad input fails at compile time, naming the field (and the file)', () => {
    const cases: RefusedMessageCase[] = [
      [
        'both src and remoteSrc',
        () => unarchive({ src: '/a.tgz', remoteSrc: '/b.tgz', path: '/opt/a' } as never),
        /unarchive\(\/opt\/a\): give src \(a local archive\) or remoteSrc/,
      ],
      ['neither', () => unarchive({ path: '/opt/a' } as never), /unarchive\(\/opt\/a\): give src/],
      [
        'a missing local archive',
        () => unarchive({ src: '/nonexistent/app.tar.gz', path: '/opt/a' }),
        /unarchive\(\/opt\/a\)\.src: \/nonexistent\/app\.tar\.gz: no such file/,
      ],
      [
        'a relative src',
        () => unarchive({ src: 'files/app.tar.gz' as AbsolutePath, path: '/opt/a' }),
        /unarchive\(\/opt\/a\)\.src: must be an absolute path or a file: URL/,
      ],
      [
        'a relative remoteSrc',
        () => unarchive({ remoteSrc: 'tmp/app.tgz' as AbsolutePath, path: '/opt/a' }),
        /unarchive\(\/opt\/a\)\.remoteSrc: must be an absolute path/,
      ],
      [
        'a name that says no format',
        () => unarchive({ remoteSrc: '/tmp/app.bin', path: '/opt/a' }),
        /unarchive\(\/opt\/a\)\.remoteSrc: \/tmp\/app\.bin: cannot tell the archive's format/,
      ],
      [
        'an unknown format',
        () => unarchive({ remoteSrc: '/tmp/app', path: '/opt/a', format: 'rar' as never }),
        /unarchive\(\/opt\/a\)\.format: must be one of "tar\.gz", "tar\.xz", "zip"/,
      ],
      [
        'stripComponents for a zip',
        () => unarchive({ remoteSrc: '/tmp/app.zip', path: '/opt/a', stripComponents: 1 }),
        /\.stripComponents: is only for tar archives/,
      ],
      [
        'a negative stripComponents',
        () => unarchive({ remoteSrc: '/tmp/app.tgz', path: '/opt/a', stripComponents: -1 }),
        /\.stripComponents: must be a whole number/,
      ],
      [
        'an unknown key',
        () => unarchive({ remoteSrc: '/tmp/app.tgz', path: '/opt/a', creates: '/x' } as never),
        /unarchive\.creates: is not a known parameter/,
      ],
      [
        'a bad owner',
        () => unarchive({ remoteSrc: '/tmp/app.tgz', path: '/opt/a', owner: 'a b' }),
        /unarchive\(\/opt\/a\)\.owner: is not a valid user or group name/,
      ],
    ];
    itRefusesWithMessage(cases);
  });

  describe('on a Debian root @integration', function () {
    this.timeout(patience(300_000));
    let root: ChrootRoot;
    before(async () => (root = await chrootRoot()));
    after(() => root?.dispose());
    const records = async (): Promise<string[]> => readdir(join(root.root, 'var/lib/bosun/unarchive')).catch(() => []);
    /** The Solr tarball of ENTRIES into /opt/solr, as the tests below declare it. */
    const solr = (): Resource =>
      unarchive({ src: `${src}/solr-9.4.tar.gz`, path: '/opt/solr', stripComponents: 1, owner: 'nobody', group: 'nogroup', mode: '0750' });

    it('a local .tar.gz arrives byte-exact, owned as asked, its modes kept; converges; check mode writes nothing', async () => {
      await writeFile(`${src}/solr-9.4.tar.gz`, await makeArchive('tar.gz', ENTRIES));
      const plan = planOf([solr()]);
      await assertConverges(plan, root.transport, root.tree);
      const opt = join(root.root, 'opt/solr');
      expect((await readdir(opt)).sort()).to.deep.equal(['bin', 'conf', 'lib', 'logs']);
      expect((await readFile(join(opt, 'lib/all bytes.bin'))).equals(ALL_BYTES)).to.equal(true);
      expect(await readFile(join(opt, "conf/it's ünïcødé 中文.xml"), 'utf8')).to.equal('<config/>\n');
      const nobody = Number((await execa('chroot', [root.root, 'id', '-u', 'nobody'])).stdout);
      for (const path of ['', 'bin', 'bin/solr', 'lib/all bytes.bin', "conf/it's ünïcødé 中文.xml", 'logs']) {
        expect([path, (await lstat(join(opt, path))).uid]).to.deep.equal([path, nobody]);
      }
      expect([(await stat(opt)).mode & 0o777, (await stat(join(opt, 'bin/solr'))).mode & 0o777]).to.deep.equal([0o750, 0o755]);
      expect(await records()).to.have.length(1);
    });

    it('a file of the archive deleted by hand is drift and comes back; one edited by hand is not looked at', async () => {
      const opt = join(root.root, 'opt/solr');
      const plan = planOf([solr()]);
      await writeFile(join(opt, 'bin/solr'), 'edited by hand\n');
      expect(statuses(await runPlan(plan, root.transport, 'check'))).to.deep.equal(['ok']);
      await rm(join(opt, 'lib/all bytes.bin'));
      const check = await checkWritesNothing(plan, root.transport, root.tree);
      expect(statuses(check), explain(check)).to.deep.equal(['would-change']);
      const apply = await runPlan(plan, root.transport, 'apply');
      expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
      expect((await readFile(join(opt, 'lib/all bytes.bin'))).equals(ALL_BYTES)).to.equal(true);
      // Extracting again overwrote the edit: the archive's files are the archive's.
      expect(await readFile(join(opt, 'bin/solr'), 'utf8')).to.equal('#!/bin/sh\necho solr\n');
    });

    it("only the directory's mode off: it is set, and nothing is extracted", async () => {
      const opt = join(root.root, 'opt/solr');
      const plan = planOf([solr()]);
      await writeFile(join(opt, 'bin/solr'), 'edited by hand\n');
      await chmod(opt, 0o700);
      await assertConverges(plan, root.transport, root.tree);
      expect((await stat(opt)).mode & 0o777).to.equal(0o750);
      expect(await readFile(join(opt, 'bin/solr'), 'utf8')).to.equal('edited by hand\n');
      await writeFile(join(opt, 'bin/solr'), '#!/bin/sh\necho solr\n');
    });

    it('a new archive, or new settings, extract again; files the archive does not have are left alone', async () => {
      const opt = join(root.root, 'opt/solr');
      await writeFile(join(opt, 'logs/solr.log'), 'mine\n');
      await writeFile(`${src}/solr-9.4.tar.gz`, await makeArchive('tar.gz', { ...ENTRIES, 'solr-9.4/NEW.txt': 'new in this version\n' }));
      await assertConverges(planOf([solr()]), root.transport, root.tree);
      expect(await readFile(join(opt, 'NEW.txt'), 'utf8')).to.equal('new in this version\n');
      expect(await readFile(join(opt, 'logs/solr.log'), 'utf8')).to.equal('mine\n');
      // Another owner is another setting: extracted again, every entry given to it.
      await assertConverges(
        planOf([unarchive({ src: `${src}/solr-9.4.tar.gz`, path: '/opt/solr', stripComponents: 1, owner: 'root' })]),
        root.transport,
        root.tree,
      );
      expect((await lstat(join(opt, 'NEW.txt'))).uid).to.equal(0);
    });

    it('two archives into one directory keep a record each', async () => {
      await writeFile(`${src}/plugin.tar.gz`, await makeArchive('tar.gz', { 'plugins/p.jar': 'jar\n' }));
      await assertConverges(planOf([unarchive({ src: `${src}/plugin.tar.gz`, path: '/opt/solr' })]), root.transport, root.tree);
      const both = planOf([
        unarchive({ src: `${src}/solr-9.4.tar.gz`, path: '/opt/solr', stripComponents: 1, owner: 'root' }),
        unarchive({ src: `${src}/plugin.tar.gz`, path: '/opt/solr' }),
      ]);
      expect(statuses(await runPlan(both, root.transport, 'apply'))).to.deep.equal(['ok', 'ok']);
      expect(await records()).to.have.length(2);
    });

    it('an archive on the host that no step makes: the step fails in check mode too, naming it', async () => {
      const check = await runPlan(planOf([unarchive({ remoteSrc: '/tmp/nothing.tar.gz', path: '/opt/x' })]), root.transport, 'check');
      expect(statuses(check), explain(check)).to.deep.equal(['failed']);
      expect(check.steps[0]!.output).to.contain('/tmp/nothing.tar.gz does not exist');
    });

    it('a path that is a file cannot be unarchived into', async () => {
      await writeFile(join(root.root, 'opt/a-file'), 'x');
      const check = await runPlan(planOf([unarchive({ src: `${src}/plugin.tar.gz`, path: '/opt/a-file' })]), root.transport, 'check');
      expect(statuses(check), explain(check)).to.deep.equal(['failed']);
      expect(check.steps[0]!.output).to.contain('/opt/a-file exists and is not a directory');
    });

    it('.tar.xz and .zip: without xz or unzip on the host the step fails saying which; with them, they converge', async () => {
      await writeFile(`${src}/app.tar.xz`, await makeArchive('tar.xz', { 'a/one.txt': 'one\n', 'a/bin/x': ALL_BYTES }));
      await writeFile(`${src}/app.zip`, await makeArchive('zip', { 'z/two.txt': 'two\n', 'z/bin/y': ALL_BYTES }));
      const plan = planOf([
        unarchive({ src: `${src}/app.tar.xz`, path: '/srv/xz' }),
        unarchive({ src: `${src}/app.zip`, path: '/srv/zip' }),
      ]);
      const missing = await checkWritesNothing(plan, root.transport, root.tree);
      expect(statuses(missing), explain(missing)).to.deep.equal(['failed', 'skipped']);
      expect(missing.steps[0]!.output).to.contain('xz is not on this host, and a tar.xz archive needs it');
      const zipOnly = await runPlan(planOf([unarchive({ src: `${src}/app.zip`, path: '/srv/zip' })]), root.transport, 'check');
      expect(zipOnly.steps[0]!.output).to.contain('unzip is not on this host, and a zip archive needs it');
      const install = await runPlan(planOf([packages({ names: ['xz-utils', 'unzip'] })]), root.transport, 'apply');
      expect(statuses(install), explain(install)).to.deep.equal(['changed']);
      await assertConverges(plan, root.transport, root.tree);
      expect((await readFile(join(root.root, 'srv/xz/a/bin/x'))).equals(ALL_BYTES)).to.equal(true);
      expect((await readFile(join(root.root, 'srv/zip/z/bin/y'))).equals(ALL_BYTES)).to.equal(true);
      expect(await readFile(join(root.root, 'srv/zip/z/two.txt'), 'utf8')).to.equal('two\n');
    });
  });
});
