import { expect } from 'chai';
import { execa } from 'execa';
import { lstat, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../compiler/errors.ts';
import { type SolrProps, solr } from '../../roles/solr/index.ts';
import { assertConverges, compileRole, type DebianRoot, debianRoot, renderChecked, testHost } from '../../testing/index.ts';
import { testBaseRecipe } from '../support/debian-base.ts';
import { patience } from '../support/patience.ts';

const SHA512 = 'a'.repeat(128);
const plan = (props: SolrProps) => compileRole(solr(props), { host: testHost() });
const written = (props: SolrProps, path: string) => plan(props).steps.find((step) => step.diff?.path === path)?.diff?.desired;

describe('roles/solr', () => {
  it('lays out the production install of reference 000: /opt/solr-X.Y.Z, /opt/solr, /var/solr for a solr system user', () => {
    const compiled = plan({ version: '9.4.0', sha512: SHA512 });
    expect(compiled.steps.map((step) => step.name)).to.deep.equal([
      'package default-jre-headless lsof present',
      'group solr',
      'user solr',
      'download /opt/solr-9.4.0.tgz',
      'unarchive /opt/solr-9.4.0',
      'symlink /opt/solr',
      'directory /var/solr',
      'directory /var/solr/data',
      'directory /var/solr/logs',
      '/var/solr/data/solr.xml from the release',
      'file /etc/default/solr.in.sh',
      'systemdUnit solr.service enabled',
      'service solr.service running',
    ]);
    expect(compiled.handlers.map((each) => each.handler)).to.deep.equal(['restart solr']);
    const script = renderChecked(compiled).script;
    expect(script).to.contain('https://archive.apache.org/dist/solr/solr/9.4.0/solr-9.4.0.tgz');
  });

  it("Solr before 9 comes from Lucene's part of the Apache archive", () => {
    expect(renderChecked(plan({ version: '8.11.2', sha512: SHA512 })).script).to.contain(
      'https://archive.apache.org/dist/lucene/solr/8.11.2/solr-8.11.2.tgz',
    );
  });

  it('solr.in.sh puts data, logs and the pid under /var/solr, every value quoted for sh', () => {
    expect(
      written({ version: '9.4.0', sha512: SHA512, heap: '512m', settings: { SOLR_OPTS: '-Dsolr.x=$HOME y' } }, '/etc/default/solr.in.sh'),
    ).to.equal(
      [
        '# Managed by bosun (role solr): local changes will be overwritten.',
        'SOLR_PID_DIR=/var/solr',
        'SOLR_HOME=/var/solr/data',
        'SOLR_LOGS_DIR=/var/solr/logs',
        'SOLR_PORT=8983',
        'SOLR_HEAP=512m',
        "SOLR_OPTS='-Dsolr.x=$HOME y'",
        '',
      ].join('\n'),
    );
  });

  it('the unit runs bin/solr as the solr user, forking, with its pid file under /var/solr', () => {
    const unit = written({ version: '9.4.0', sha512: SHA512, port: 8984 }, '/etc/systemd/system/solr.service')!;
    expect(unit).to.contain('Type=forking\n').and.to.contain('User=solr\n').and.to.contain('PIDFile=/var/solr/solr-8984.pid\n');
    expect(unit)
      .to.contain('ExecStart=/opt/solr/bin/solr "start"\n')
      .and.to.contain('Environment="SOLR_INCLUDE=/etc/default/solr.in.sh"\n');
  });

  it('removes the old install and its @reboot crontab line only when asked', () => {
    const names = (props: SolrProps) => plan(props).steps.map((step) => step.name);
    expect(names({ version: '9.4.0', sha512: SHA512 }).some((name) => /absent|crontab/.test(name))).to.equal(false);
    expect(
      names({ version: '9.4.0', sha512: SHA512, removeOld: { path: '/home/webadmin/solr-5.2.1', crontabUser: 'webadmin' } }).slice(-2),
    ).to.deep.equal(['absent /home/webadmin/solr-5.2.1', 'crontab of webadmin: no line starting solr-5.2.1']);
  });

  describe('refused input names the field', () => {
    const cases: [string, unknown, RegExp][] = [
      ['a version that is no release number', { version: '9.4', sha512: SHA512 }, /^solr\.version$/],
      ['a download without a checksum', { version: '9.4.0' }, /^solr\(9\.4\.0\)\.sha512$/],
      ['an archive and a checksum', { version: '9.4.0', archive: '/tmp/s.tgz', sha512: SHA512 }, /^solr\(9\.4\.0\)\.archive$/],
      ['a checksum of the wrong length', { version: '9.4.0', sha512: 'abc' }, /sha512/],
      ['a port out of range', { version: '9.4.0', sha512: SHA512, port: 70000 }, /^solr\(9\.4\.0\)\.port$/],
      ['a bad user', { version: '9.4.0', sha512: SHA512, user: 'So Lr' }, /^solr\(9\.4\.0\)\.user$/],
      [
        'a setting the role sets',
        { version: '9.4.0', sha512: SHA512, settings: { SOLR_HOME: '/srv' } },
        /^solr\(9\.4\.0\)\.settings\.SOLR_HOME$/,
      ],
      ['a setting name in lower case', { version: '9.4.0', sha512: SHA512, settings: { heap: '1g' } }, /^solr\(9\.4\.0\)\.settings\.heap$/],
      [
        'a relative old install',
        { version: '9.4.0', sha512: SHA512, removeOld: { path: 'solr-5.2.1' } },
        /^solr\(9\.4\.0\)\.removeOld\.path$/,
      ],
      ['an unknown parameter', { version: '9.4.0', sha512: SHA512, javaHome: '/usr' }, /javaHome/],
    ];
    for (const [what, props, field] of cases) {
      it(what, () => {
        expect(() => plan(props as SolrProps))
          .to.throw(ValidationError)
          .with.property('field')
          .that.matches(field);
      });
    }
  });
});

// An image built in a chroot: the release from a tarball with Solr's layout, the user, the
// directories, solr.in.sh and the unit (verified by systemd-analyze, enabled); nothing runs.
describe('roles/solr (chroot of Debian bookworm) @integration', function () {
  this.timeout(patience(10 * 60_000));
  let root: DebianRoot;
  let dir: string;
  after(async () => {
    await root?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('converges with state unmanaged, solr owning only /var/solr', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-solr-'));
    await mkdir(join(dir, 'solr-9.4.0', 'bin'), { recursive: true });
    await mkdir(join(dir, 'solr-9.4.0', 'server', 'solr'), { recursive: true });
    await writeFile(join(dir, 'solr-9.4.0', 'bin', 'solr'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    await writeFile(join(dir, 'solr-9.4.0', 'server', 'solr', 'solr.xml'), '<solr/>\n');
    await execa('tar', ['-czf', join(dir, 'solr.tgz'), '-C', dir, 'solr-9.4.0']);
    root = await debianRoot(testBaseRecipe());
    const role = solr({ version: '9.4.0', archive: join(dir, 'solr.tgz') as `/${string}`, packages: ['logrotate'], state: 'unmanaged' });
    await assertConverges(compileRole(role, { host: root.host }), root);
    const owned = await execa('chroot', [root.root, 'find', '/', '-xdev', '-user', 'solr']);
    expect(owned.stdout.split('\n').sort()).to.deep.equal(['/var/solr', '/var/solr/data', '/var/solr/data/solr.xml', '/var/solr/logs']);
    expect((await lstat(join(root.root, 'etc/systemd/system/multi-user.target.wants/solr.service'))).isSymbolicLink()).to.equal(true);
  });
});
