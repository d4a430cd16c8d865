import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../compiler/errors.ts';
import { type ServiceUnitProps, serviceUnit, upstartJob } from '../../roles/service-unit/index.ts';
import {
  assertConverges,
  compileRole,
  type Convergence,
  type DebianRoot,
  debianRoot,
  renderChecked,
  testHost,
} from '../../testing/index.ts';
import { testBaseRecipe } from '../support/debian-base.ts';
import { patience } from '../support/patience.ts';

const fixture = (name: string) => readFile(join(import.meta.dirname, '../fixtures/upstart', name), 'utf8');

/** What each resource of the role would write, by path. */
function written(props: ServiceUnitProps): Map<string, string> {
  const plan = compileRole(serviceUnit(props), { host: testHost() });
  return new Map(plan.steps.flatMap((step) => (step.diff?.desired === undefined ? [] : [[step.diff.path, step.diff.desired]])));
}

const blot: ServiceUnitProps = {
  name: 'blot',
  description: 'Blot, the blogging app',
  command: ['/usr/bin/node', '/var/www/blot/app/index.js'],
  user: 'blot',
  group: 'blot',
  workingDirectory: '/var/www/blot',
  environment: { NODE_ENV: 'production' },
  requires: ['redis'],
  restartLimit: { count: 10, seconds: 5 },
  openFiles: 4096,
};

/** The stanzas of upstart's init(5) (1.12): a line the role writes begins with one of them. */
const STANZAS = [
  'exec',
  'script',
  'end script',
  'pre-start',
  'post-start',
  'pre-stop',
  'post-stop',
  'start on',
  'stop on',
  'manual',
  'env',
  'export',
  'task',
  'respawn',
  'respawn limit',
  'normal exit',
  'instance',
  'description',
  'author',
  'version',
  'emits',
  'usage',
  'console',
  'umask',
  'nice',
  'oom score',
  'chroot',
  'chdir',
  'limit',
  'setuid',
  'setgid',
  'expect',
  'kill signal',
  'kill timeout',
  'reload signal',
  'apparmor',
];

/** Reads a job as init(5) describes the format: stanzas, and script blocks that end. */
function stanzasOf(job: string): string[] {
  const found: string[] = [];
  let inScript = false;
  for (const line of job.split('\n')) {
    if (inScript) {
      if (line.trim() === 'end script') inScript = false;
      continue;
    }
    if (line.trim() === '' || line.startsWith('#')) continue;
    const stanza = STANZAS.filter((s) => line === s || line.startsWith(`${s} `)).sort((a, b) => b.length - a.length)[0];
    expect(stanza, `not an upstart stanza: ${line}`).to.be.a('string');
    found.push(stanza!);
    if (/(^| )script$/.test(line)) inScript = true;
  }
  expect(inScript, 'a script block without end script').to.equal(false);
  return found;
}

describe('roles/service-unit', () => {
  describe("upstart jobs, held to fixtures written from upstart's documentation", () => {
    it('the Blot app on an upstart with setuid: started and stopped with redis, respawned, limits', async () => {
      const job = written({ ...blot, init: 'upstart' }).get('/etc/init/blot.conf');
      expect(job).to.equal(await fixture('blot.conf'));
      expect(stanzasOf(job!)).to.include.members(['start on', 'stop on', 'respawn limit', 'setuid', 'limit', 'env', 'exec']);
    });

    it('redis as a forking daemon started at boot, with a pre-start step', async () => {
      const job = upstartJob({
        name: 'redis',
        where: 'serviceUnit(redis)',
        enabled: true,
        command: ['/usr/bin/redis-server', '/etc/redis/redis.conf'],
        user: 'redis',
        umask: '0027',
        forks: { expect: 'fork', pidFile: '/var/run/redis/redis.pid' },
        preStart: [['/bin/mkdir', '-p', '/var/run/redis']],
      });
      expect(job).to.equal(await fixture('redis.conf'));
      expect(stanzasOf(job)).to.include.members(['expect', 'pre-start', 'umask']);
    });

    it('the Blot app on upstart 0.6.5 (no setuid): sudo, an environment file, two services needed, disabled at boot', async () => {
      const job = written({
        name: 'blot',
        description: 'Blot',
        command: ['/usr/bin/node', '/var/www/blot/app/index.js', '--name', 'Blot $HOME'],
        user: 'ec2-user',
        workingDirectory: '/var/www/blot',
        environmentFile: '/etc/default/blot',
        requires: ['redis', 'nginx'],
        enabled: false,
        init: 'upstart',
        upstart: { setuid: false, console: 'output' },
      }).get('/etc/init/blot.conf');
      expect(job).to.equal(await fixture('blot-sudo.conf'));
      expect(stanzasOf(job!)).to.include.members(['manual', 'script']);
    });
  });

  describe('the systemd unit of the same description', () => {
    it('orders and requires what the service needs, restarts it, and is wanted by multi-user.target', () => {
      const unit = written({ ...blot, init: 'systemd' }).get('/etc/systemd/system/blot.service');
      expect(unit).to.equal(
        [
          '# Managed by bosun.',
          '[Unit]',
          'Description=Blot, the blogging app',
          'After=redis.service',
          'Requires=redis.service',
          'StartLimitIntervalSec=5',
          'StartLimitBurst=10',
          '',
          '[Service]',
          'ExecStart=/usr/bin/node "/var/www/blot/app/index.js"',
          'Restart=always',
          'User=blot',
          'Group=blot',
          'WorkingDirectory=/var/www/blot',
          'Environment="NODE_ENV=production"',
          'LimitNOFILE=4096',
          '',
          '[Install]',
          'WantedBy=multi-user.target',
          '',
        ].join('\n'),
      );
    });

    it('a forking daemon is Type=forking with its PID file', () => {
      const unit = written({
        name: 'redis',
        command: ['/usr/bin/redis-server'],
        forks: { expect: 'daemon', pidFile: '/run/redis.pid' },
        init: 'systemd',
      });
      expect(unit.get('/etc/systemd/system/redis.service')).to.contain('Type=forking\n').and.to.contain('PIDFile=/run/redis.pid\n');
    });
  });

  describe('the choice of init system', () => {
    const plan = (props: Partial<ServiceUnitProps> = {}) => compileRole(serviceUnit({ ...blot, ...props }), { host: testHost() });

    it('auto: both files, each guarded by the init system the host runs, and one restart handler', () => {
      const auto = plan();
      expect(auto.steps.map((step) => step.name)).to.deep.equal([
        'systemdUnit blot.service enabled',
        'service blot.service running',
        'file /etc/init/blot.conf',
        'upstart job blot running',
      ]);
      expect(auto.handlers.map((each) => each.handler)).to.deep.equal(['restart blot']);
      const script = renderChecked(auto).script;
      expect(script).to.contain('case $_bosun_init in systemd|sysv)').and.to.contain('case $_bosun_init in upstart)');
      expect(script).to.contain('case $_bosun_init in systemd)');
    });

    it("forced: only that init system's file, unguarded", () => {
      expect(plan({ init: 'systemd' }).steps.map((step) => step.name)).to.deep.equal([
        'systemdUnit blot.service enabled',
        'service blot.service running',
      ]);
      expect(plan({ init: 'upstart', state: 'unmanaged' }).steps.map((step) => step.name)).to.deep.equal(['file /etc/init/blot.conf']);
      expect(renderChecked(plan({ init: 'systemd' })).script).not.to.contain('case $_bosun_init in');
    });

    it('a service left stopped or unmanaged notifies no restart', () => {
      expect(plan({ state: 'stopped' }).handlers).to.deep.equal([]);
      expect(plan({ state: 'unmanaged' }).steps.flatMap((step) => step.notify)).to.deep.equal([]);
    });
  });

  describe('refused input names the field', () => {
    const cases: [string, unknown, RegExp][] = [
      ['a name with a slash', { ...blot, name: 'a/b' }, /^serviceUnit\.name$/],
      ['a relative program', { ...blot, command: ['node', 'app.js'] }, /^serviceUnit\(blot\)\.command\[0\]$/],
      ['an empty command', { ...blot, command: [] }, /^serviceUnit\(blot\)\.command$/],
      ['an unknown parameter', { ...blot, respawn: true }, /respawn/],
      ['a bad user name', { ...blot, user: 'no body' }, /^serviceUnit\(blot\)\.user$/],
      ['a required service with a blank', { ...blot, requires: ['re dis'] }, /^serviceUnit\(blot\)\.requires\[0\]$/],
      ['an unknown init system', { ...blot, init: 'openrc' }, /^serviceUnit\(blot\)\.init$/],
      ['an unknown restart policy', { ...blot, restart: 'sometimes' }, /^serviceUnit\(blot\)\.restart$/],
      ['a bad environment name', { ...blot, environment: { 'A-B': 'x' } }, /^serviceUnit\(blot\)\.environment\.A-B$/],
      [
        'a quote in an environment value of an upstart job',
        { ...blot, init: 'upstart', environment: { A: 'say "hi"' } },
        /^serviceUnit\(blot\)\.environment\.A$/,
      ],
      ['a negative open files limit', { ...blot, openFiles: -1 }, /^serviceUnit\(blot\)\.openFiles$/],
      ['an unknown expect', { ...blot, forks: { expect: 'stop' } }, /^serviceUnit\(blot\)\.forks\.expect$/],
      ['startOn beside requires', { ...blot, init: 'upstart', upstart: { startOn: 'startup' } }, /^serviceUnit\(blot\)\.upstart\.startOn$/],
      ['an unknown upstart option', { ...blot, upstart: { oom: 'never' } }, /oom/],
    ];
    for (const [what, props, field] of cases) {
      it(what, () => {
        expect(() => compileRole(serviceUnit(props as ServiceUnitProps), { host: testHost() }))
          .to.throw(ValidationError)
          .with.property('field')
          .that.matches(field);
      });
    }
  });
});

// An image built in a chroot: nothing runs there (the prelude finds no systemd as PID 1), so auto
// mode writes and enables the systemd unit, checked by systemd-analyze verify, and the upstart
// job stays unwritten.
describe('roles/service-unit (chroot of Debian bookworm) @integration', function () {
  this.timeout(patience(10 * 60_000));
  let root: DebianRoot;
  let runs: Convergence;

  before(async () => {
    root = await debianRoot(testBaseRecipe());
    const role = serviceUnit({ name: 'bosun-sleeper', command: ['/bin/sleep', 'infinity'], user: 'deploy', state: 'unmanaged' });
    runs = await assertConverges(compileRole(role, { host: root.host }), root, { check: ['would-change', 'ok'], apply: ['changed', 'ok'] });
  });
  after(() => root?.dispose());

  it('converges: the unit is written and enabled, the upstart job is for upstart hosts only', async () => {
    expect(runs.check.steps[0]!.diff).to.contain('+ExecStart=/bin/sleep "infinity"');
    expect(await readFile(join(root.root, 'etc/systemd/system/bosun-sleeper.service'), 'utf8')).to.contain('User=deploy\n');
    expect((await lstat(join(root.root, 'etc/systemd/system/multi-user.target.wants/bosun-sleeper.service'))).isSymbolicLink()).to.equal(
      true,
    );
    expect(existsSync(join(root.root, 'etc/init/bosun-sleeper.conf'))).to.equal(false);
  });
});
