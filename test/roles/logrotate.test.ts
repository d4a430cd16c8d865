import { expect } from 'chai';
import { chmod, chown, mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../compiler/errors.ts';
import { type LogrotateProps, type LogrotateRule, logrotate } from '../../roles/logrotate/index.ts';
import { unattendedUpgrades } from '../../roles/unattended-upgrades/index.ts';
import {
  assertConverges,
  compileRole,
  type DebianRoot,
  debianRoot,
  explain,
  type Plan,
  renderChecked,
  runPlan,
  statuses,
} from '../../testing/index.ts';
import { testBaseRecipe } from '../support/debian-base.ts';
import { inRoot as inRootOf } from '../support/in-root.ts';
import { patience } from '../support/patience.ts';

/** The Blot app logs (reference 001): copied then truncated in place, so logging never stops. */
const BLOT_LOGS: LogrotateRule = {
  paths: ['/var/www/blot/logs/app.log', '/var/www/blot/logs/sys.log', '/var/www/blot/logs/monit.log'],
  schedule: 'daily',
  rotate: 7,
  copytruncate: true,
};

/** The file the role's file step writes, as its diff would show it. */
function written(props: LogrotateProps): string {
  const plan = compileRole(logrotate(props));
  const step = plan.steps.find((s) => s.resource === 'file');
  return step?.diff?.desired ?? '';
}

describe('roles/logrotate', () => {
  it('renders the Blot app logs rule: copytruncate, and the procedure defaults (compress, missingok, notifempty)', () => {
    expect(written({ name: 'blot', rules: [BLOT_LOGS] })).to.equal(
      [
        '# Managed by bosun (role logrotate): local changes will be overwritten.',
        '"/var/www/blot/logs/app.log"',
        '"/var/www/blot/logs/sys.log"',
        '"/var/www/blot/logs/monit.log"',
        '{',
        '  daily',
        '  rotate 7',
        '  compress',
        '  missingok',
        '  notifempty',
        '  copytruncate',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('renders size, delaycompress, create with mode owner group, su and a shared postrotate script', () => {
    const text = written({
      name: 'app',
      rules: [
        {
          paths: ['/var/log/app/*.log'],
          schedule: { size: '10M' },
          delaycompress: true,
          notifempty: false,
          create: { mode: '0640', owner: 'www-data', group: 'adm' },
          su: { user: 'www-data', group: 'adm' },
          postrotate: 'systemctl reload app >/dev/null 2>&1 || true\n',
        },
      ],
    });
    expect(text).to.contain(
      '"/var/log/app/*.log"\n{\n  size 10M\n  rotate 4\n  compress\n  delaycompress\n  missingok\n  ifempty\n  create 0640 www-data adm\n  su www-data adm\n  sharedscripts\n  postrotate\n    systemctl reload app >/dev/null 2>&1 || true\n  endscript\n}\n',
    );
  });

  it('installs logrotate, then writes /etc/logrotate.d/NAME root 0644 through logrotate -d', () => {
    const plan = compileRole(logrotate({ name: 'blot', rules: [BLOT_LOGS] }));
    expect(plan.steps.map((s) => s.name)).to.deep.equal(['package logrotate present', 'file /etc/logrotate.d/blot']);
    const apply = plan.steps[1]!.apply.text;
    expect(apply).to.match(/logrotate -d "\$_bosun_tmp"/);
    expect(apply.indexOf('logrotate -d')).to.be.lessThan(apply.indexOf('mv -f'));
    expect(compileRole(logrotate({ name: 'blot', rules: [BLOT_LOGS], install: false })).steps).to.have.length(1);
  });

  it('is what unattended-upgrades writes for its own logs', () => {
    const plan = compileRole(unattendedUpgrades());
    const step = plan.steps.find((s) => s.name === 'file /etc/logrotate.d/unattended-upgrades');
    expect(step?.diff?.desired).to.contain('"/var/log/unattended-upgrades/unattended-upgrades-dpkg.log"\n');
    expect(step?.diff?.desired).to.contain('{\n  monthly\n  rotate 4\n  compress\n  missingok\n  notifempty\n}\n');
    expect(() => compileRole(unattendedUpgrades({ logRotate: -1 })))
      .to.throw(ValidationError)
      .with.property('field', 'unattendedUpgrades.logRotate');
  });

  const refused: readonly [string, unknown, string][] = [
    ['a name logrotate would skip', { name: 'blot.conf', rules: [BLOT_LOGS] }, 'logrotate.name'],
    ['no rules', { name: 'x', rules: [] }, 'logrotate(x).rules'],
    ['a relative log path', { name: 'x', rules: [{ paths: ['logs/app.log'] }] }, 'logrotate(x).rules[0].paths[0]'],
    ['a path with a brace', { name: 'x', rules: [{ paths: ['/var/log/{a,b}.log'] }] }, 'logrotate(x).rules[0].paths[0]'],
    ['a rule without paths', { name: 'x', rules: [{ paths: [] }] }, 'logrotate(x).rules[0].paths'],
    ['an unknown period', { name: 'x', rules: [{ paths: ['/l'], schedule: 'hourly!' }] }, 'logrotate(x).rules[0].schedule'],
    [
      'a size with a unit logrotate lacks',
      { name: 'x', rules: [{ paths: ['/l'], schedule: { size: '10T' } }] },
      'logrotate(x).rules[0].schedule.size',
    ],
    [
      'delaycompress without compress',
      { name: 'x', rules: [{ paths: ['/l'], compress: false, delaycompress: true }] },
      'logrotate(x).rules[0].delaycompress',
    ],
    [
      'create with copytruncate',
      { name: 'x', rules: [{ paths: ['/l'], copytruncate: true, create: { mode: '0640' } }] },
      'logrotate(x).rules[0].create',
    ],
    [
      'a create group without an owner',
      { name: 'x', rules: [{ paths: ['/l'], create: { group: 'adm' } }] },
      'logrotate(x).rules[0].create.group',
    ],
    ['a symbolic create mode', { name: 'x', rules: [{ paths: ['/l'], create: { mode: 'u+rw' } }] }, 'logrotate(x).rules[0].create.mode'],
    [
      'a postrotate that ends itself',
      { name: 'x', rules: [{ paths: ['/l'], postrotate: 'true\nendscript\nrm -rf /' }] },
      'logrotate(x).rules[0].postrotate',
    ],
    ['a negative rotate count', { name: 'x', rules: [{ paths: ['/l'], rotate: -2 }] }, 'logrotate(x).rules[0].rotate'],
    [
      'an su user with a blank',
      { name: 'x', rules: [{ paths: ['/l'], su: { user: 'a b', group: 'adm' } }] },
      'logrotate(x).rules[0].su.user',
    ],
    ['an unknown rule key', { name: 'x', rules: [{ paths: ['/l'], rotat: 3 }] }, 'logrotate(x).rules[0].rotat'],
    ['an unknown role key', { name: 'x', rules: [BLOT_LOGS], weekly: true }, 'logrotate.weekly'],
  ];
  for (const [what, props, field] of refused) {
    it(`refuses ${what}, naming ${field}`, () => {
      expect(() => compileRole(logrotate(props as LogrotateProps)))
        .to.throw(ValidationError)
        .with.property('field', field);
    });
  }
});

// On a Debian root: the convergence contract, logrotate itself reading the file and really
// rotating by copytruncate (the writer's descriptor keeps writing to the same file), a rule
// logrotate refuses never landing, and drift reported and repaired.
describe('roles/logrotate (chroot of Debian bookworm) @integration', function () {
  this.timeout(patience(10 * 60_000));
  let root: DebianRoot;
  let plan: Plan;
  const inRoot = (...argv: string[]) => inRootOf(root.root, ...argv);
  const path = () => join(root.root, 'etc/logrotate.d/blot');

  before(async () => {
    root = await debianRoot(testBaseRecipe());
    plan = compileRole(logrotate({ name: 'blot', rules: [BLOT_LOGS] }), { host: root.host });
  });
  after(() => root?.dispose());

  it('converges, and the script passes shellcheck', async () => {
    renderChecked(plan);
    const runs = await assertConverges(plan, root);
    expect(runs.check.steps[1]!.diff).to.contain('+  copytruncate');
    expect((await stat(path())).mode & 0o777).to.equal(0o644);
  });

  it('logrotate rotates the Blot logs by copytruncate: the writer keeps its file, the copy holds what was there', async () => {
    const logs = join(root.root, 'var/www/blot/logs');
    await mkdir(logs, { recursive: true });
    for (const name of ['app.log', 'sys.log', 'monit.log']) await writeFile(join(logs, name), `${name} before rotation\n`);
    // The app's descriptor, opened for appending before the rotation, as a running app holds it.
    const writer = await open(join(logs, 'app.log'), 'a');
    try {
      const before = (await stat(join(logs, 'app.log'))).ino;
      const result = await inRoot('logrotate', '-f', '-s', '/var/lib/logrotate/test-status', '/etc/logrotate.d/blot');
      expect(result.exitCode, result.all).to.equal(0);
      expect((await stat(join(logs, 'app.log'))).ino, 'the same file (never moved)').to.equal(before);
      await writer.write('after rotation\n');
      expect(await readFile(join(logs, 'app.log'), 'utf8')).to.equal('after rotation\n');
      const copy = await inRoot('zcat', '/var/www/blot/logs/app.log.1.gz');
      expect(copy.stdout).to.equal('app.log before rotation');
    } finally {
      await writer.close();
    }
  });

  it('a rule logrotate refuses never lands: the apply fails and the old file stays', async () => {
    const old = await readFile(path(), 'utf8');
    const bad = compileRole(
      logrotate({ name: 'blot', rules: [{ ...BLOT_LOGS, su: { user: 'nosuchuser', group: 'adm' } }], install: false }),
      {
        host: root.host,
      },
    );
    const run = await runPlan(bad, root.transport, 'apply');
    expect(statuses(run), explain(run)).to.deep.equal(['failed']);
    expect(run.steps[0]!.output).to.contain('validation refused the new content of /etc/logrotate.d/blot');
    expect(await readFile(path(), 'utf8')).to.equal(old);
    const listing = await inRoot('ls', '-A', '/etc/logrotate.d');
    expect(listing.stdout).not.to.contain('.bosun.');
  });

  it('a hand edit is drift with a diff, and a mode and owner change is drift too; the apply repairs both', async () => {
    await writeFile(path(), (await readFile(path(), 'utf8')).replace('rotate 7', 'rotate 70'));
    let check = await runPlan(plan, root.transport, 'check');
    expect(statuses(check), explain(check)).to.deep.equal(['ok', 'would-change']);
    expect(check.steps[1]!.diff).to.contain('-  rotate 70').and.to.contain('+  rotate 7');
    expect(statuses(await runPlan(plan, root.transport, 'apply'))).to.deep.equal(['ok', 'changed']);
    await chmod(path(), 0o666);
    await chown(path(), 1000, 1000);
    check = await runPlan(plan, root.transport, 'check');
    expect(statuses(check), explain(check)).to.deep.equal(['ok', 'would-change']);
    // Not an empty diff: the attributes, before and after (uid 1000 is the root's deploy user).
    expect(check.steps[1]!.diff).to.contain('-mode 666\n-owner deploy\n-group deploy\n+mode 644\n+owner root\n+group root\n');
    expect(check.steps[1]!.diff).not.to.contain('rotate 7');
    expect(statuses(await runPlan(plan, root.transport, 'apply'))).to.deep.equal(['ok', 'changed']);
    const now = await stat(path());
    expect([now.mode & 0o777, now.uid, now.gid]).to.deep.equal([0o644, 0, 0]);
    expect(statuses(await runPlan(plan, root.transport, 'check'))).to.deep.equal(['ok', 'ok']);
  });
});
