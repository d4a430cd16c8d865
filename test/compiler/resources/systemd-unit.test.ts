import { itRefuses, itRenders, type RefusedCase, type RenderedCase } from '../../support/resource-cases.ts';
import { expect } from 'chai';
import { lstat, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { systemdUnit, type SystemdUnitProps } from '../../../index.ts';
import { assertConverges, chrootRoot, explain, planOf, runPlan, statuses, type ChrootRoot } from '../../support/plan-harness.ts';
import { patience } from '../../support/patience.ts';

/** Typed fields in, the unit file out (the step's desired content, as its diff shows it). */
const RENDERED: readonly RenderedCase<SystemdUnitProps>[] = [
  [
    'a service with the common settings, in section order',
    {
      name: 'blot.service',
      unit: { description: 'Blot, 100% static', after: ['network.target', 'redis-server.service'], wants: ['redis-server.service'] },
      service: {
        type: 'simple',
        user: 'deploy',
        workingDirectory: '/var/www/blot',
        environment: { NODE_ENV: 'production', GREETING: 'say "hi" $USER' },
        execStart: ['/usr/bin/node', 'app.js', '--port', '8080', 'a b', '50%', '$HOME', 'back\\slash', ''],
        restart: 'on-failure',
        restartSec: '5s',
        standardOutput: 'append:/var/www/blot/logs/app.log',
      },
      install: { wantedBy: ['multi-user.target'] },
    },
    `# Managed by bosun.
[Unit]
Description=Blot, 100%% static
After=network.target redis-server.service
Wants=redis-server.service

[Service]
Type=simple
ExecStart=/usr/bin/node "app.js" "--port" "8080" "a b" "50%%" "$$HOME" "back\\\\slash" ""
Restart=on-failure
RestartSec=5s
User=deploy
WorkingDirectory=/var/www/blot
Environment="NODE_ENV=production"
Environment="GREETING=say \\"hi\\" $USER"
StandardOutput=append:/var/www/blot/logs/app.log

[Install]
WantedBy=multi-user.target
`,
  ],
  [
    'control characters in arguments become C escapes; extra settings are written as given',
    {
      name: 'tabs.service',
      service: { execStart: ['/bin/printf', 'a\tb\nc\x1b'], extra: { ProtectSystem: 'strict', ReadWritePaths: ['/var/lib/x', '/run/%N'] } },
    },
    `# Managed by bosun.
[Service]
ExecStart=/bin/printf "a\\x09b\\x0ac\\x1b"
ProtectSystem=strict
ReadWritePaths=/var/lib/x
ReadWritePaths=/run/%N
`,
  ],
  [
    'a timer',
    { name: 'backup.timer', timer: { onCalendar: ['daily', 'Mon *-*-* 04:00'], persistent: true, randomizedDelaySec: 600 } },
    `# Managed by bosun.
[Timer]
OnCalendar=daily
OnCalendar=Mon *-*-* 04:00
Persistent=yes
RandomizedDelaySec=600
`,
  ],
  [
    'a socket',
    {
      name: 'app.socket',
      socket: { listenStream: [8080, '127.0.0.1:9090', '/run/app.sock'], socketMode: '0660' },
      install: { wantedBy: ['sockets.target'] },
    },
    `# Managed by bosun.
[Socket]
ListenStream=8080
ListenStream=127.0.0.1:9090
ListenStream=/run/app.sock
SocketMode=0660

[Install]
WantedBy=sockets.target
`,
  ],
  [
    'a drop-in',
    { name: 'ssh.service', dropIn: '10-limits', service: { limitNOFILE: 65536, extra: { Nice: '5' } } },
    `# Managed by bosun.
[Service]
LimitNOFILE=65536
Nice=5
`,
  ],
];

/** Bad input, refused at compile time: the props and the field the error names. */
const REFUSED: readonly RefusedCase[] = [
  ['a name without a unit type', { name: 'blot', service: { execStart: ['/bin/true'] } }, /^systemdUnit\.name$/],
  ['a unit type bosun does not write', { name: 'x.target' }, /^systemdUnit\.name$/],
  ['a name with a slash', { name: '../x.service', service: { execStart: ['/bin/true'] } }, /^systemdUnit\.name$/],
  [
    "another type's section",
    { name: 'x.service', service: { execStart: ['/bin/true'] }, timer: { onBootSec: 1 } },
    /^systemdUnit\(x\.service\)\.timer$/,
  ],
  ['a service without a command', { name: 'x.service', service: { user: 'root' } }, /\.service\.execStart$/],
  ['a timer without a trigger', { name: 'x.timer', timer: { persistent: true } }, /^systemdUnit\(x\.timer\)\.timer$/],
  ['a socket with nothing to listen on', { name: 'x.socket', socket: { accept: true } }, /^systemdUnit\(x\.socket\)\.socket$/],
  ['a relative program', { name: 'x.service', service: { execStart: ['node', 'app.js'] } }, /\.service\.execStart\[0\]$/],
  ['a program path with a blank', { name: 'x.service', service: { execStart: ['/opt/my app/run'] } }, /\.service\.execStart\[0\]$/],
  ['a NUL in an argument', { name: 'x.service', service: { execStart: ['/bin/echo', 'a\0b'] } }, /\.service\.execStart\[1\]$/],
  [
    'a description on two lines',
    { name: 'x.service', unit: { description: 'a\nb' }, service: { execStart: ['/bin/true'] } },
    /\.unit\.description$/,
  ],
  [
    'a description ending in a backslash',
    { name: 'x.service', unit: { description: 'a\\' }, service: { execStart: ['/bin/true'] } },
    /\.unit\.description$/,
  ],
  [
    'a bad dependency name',
    { name: 'x.service', unit: { after: ['network'] }, service: { execStart: ['/bin/true'] } },
    /\.unit\.after\[0\]$/,
  ],
  ['a bad duration', { name: 'x.service', service: { execStart: ['/bin/true'], restartSec: '5 sec' } }, /\.service\.restartSec$/],
  [
    'a bad environment name',
    { name: 'x.service', service: { execStart: ['/bin/true'], environment: { 'A-B': '1' } } },
    /\.service\.environment\.A-B$/,
  ],
  [
    'a relative working directory',
    { name: 'x.service', service: { execStart: ['/bin/true'], workingDirectory: 'www' } },
    /\.workingDirectory$/,
  ],
  [
    'an unknown service field',
    { name: 'x.service', service: { execStart: ['/bin/true'], execstart: ['/bin/true'] } },
    /\.service\.execstart$/,
  ],
  [
    'an extra setting also set by its field',
    { name: 'x.service', service: { execStart: ['/bin/true'], extra: { ExecStart: '/bin/false' } } },
    /\.service\.extra\.ExecStart$/,
  ],
  [
    'an extra setting with a bad name',
    { name: 'x.service', service: { execStart: ['/bin/true'], extra: { 'A B': 'x' } } },
    /\.service\.extra\.A B$/,
  ],
  ['[Install] in a drop-in', { name: 'ssh.service', dropIn: 'x', install: { wantedBy: ['multi-user.target'] } }, /\.install$/],
  ['a drop-in name with a slash', { name: 'ssh.service', dropIn: 'a/b' }, /\.dropIn$/],
  ['enabling a template', { name: 'w@.service', service: { execStart: ['/bin/true'] }, enabled: true }, /\(w@\.service\)\.enabled$/],
  ['an unknown state', { name: 'x.service', service: { execStart: ['/bin/true'] }, state: 'restarted' }, /\.state$/],
  [
    'enabled without [Install]',
    { name: 'x.service', service: { execStart: ['/bin/true'] }, enabled: true },
    /^systemdUnit\(x\.service\)\.install$/,
  ],
];

describe('compiler/resources/systemd-unit: typed fields render as systemd reads them', () => {
  itRenders(systemdUnit, RENDERED);
});

describe('compiler/resources/systemd-unit: bad input fails before anything runs, naming the field', () => {
  itRefuses(systemdUnit, REFUSED);
});

// A root with systemd installed but not running it: image baking. Units are written, verified
// and enabled offline; nothing is started, and nothing asks a manager to reload.
describe('compiler/resources/systemd-unit on a Debian root (chroot, systemd not running) @integration', function () {
  this.timeout(patience(120_000));
  let root: ChrootRoot;
  beforeEach(async () => (root = await chrootRoot()));
  afterEach(() => root?.dispose());
  const at = (path: string): string => join(root.root, path);
  const exists = (path: string): Promise<boolean> =>
    lstat(at(path)).then(
      () => true,
      () => false,
    );
  const service: SystemdUnitProps = {
    name: 'bosun-app.service',
    unit: { description: 'bosun test app' },
    service: { execStart: ['/bin/sleep', 'infinity'], user: 'deploy' },
    install: { wantedBy: ['multi-user.target'] },
    enabled: true,
  };

  it('a service, a timer and a socket, enabled offline, and a drop-in for a packaged unit', async () => {
    const plan = planOf([
      systemdUnit(service),
      systemdUnit({ name: 'bosun-job.service', service: { type: 'oneshot', execStart: ['/bin/true'] } }),
      systemdUnit({ name: 'bosun-job.timer', timer: { onCalendar: 'daily' }, install: { wantedBy: ['timers.target'] }, enabled: true }),
      systemdUnit({ name: 'bosun-app.socket', socket: { listenStream: [8080] }, install: { wantedBy: ['sockets.target'] }, enabled: true }),
      systemdUnit({ name: 'ssh.service', dropIn: '10-bosun', service: { limitNOFILE: 4096 } }),
    ]);
    await assertConverges(plan, root.transport, root.tree);
    expect(await readFile(at('etc/systemd/system/bosun-app.service'), 'utf8')).to.contain('ExecStart=/bin/sleep "infinity"');
    expect(await readFile(at('etc/systemd/system/ssh.service.d/10-bosun.conf'), 'utf8')).to.equal(
      '# Managed by bosun.\n[Service]\nLimitNOFILE=4096\n',
    );
    for (const link of [
      'multi-user.target.wants/bosun-app.service',
      'timers.target.wants/bosun-job.timer',
      'sockets.target.wants/bosun-app.socket',
    ]) {
      expect(await exists(`etc/systemd/system/${link}`), link).to.equal(true);
    }
    expect((await readdir(at('etc/systemd/system'))).filter((name) => name.startsWith('.bosun'))).to.deep.equal([]);
  });

  it('disabling removes the links; a changed unit is rewritten', async () => {
    await runPlan(planOf([systemdUnit(service)]), root.transport, 'apply');
    await assertConverges(
      planOf([systemdUnit({ ...service, unit: { description: 'changed' }, enabled: false } as SystemdUnitProps)]),
      root.transport,
      root.tree,
    );
    expect(await exists('etc/systemd/system/multi-user.target.wants/bosun-app.service')).to.equal(false);
    expect(await readFile(at('etc/systemd/system/bosun-app.service'), 'utf8')).to.contain('Description=changed\n');
  });

  const refusals: readonly [string, SystemdUnitProps, RegExp][] = [
    [
      'a program that does not exist',
      { name: 'bosun-app.service', service: { execStart: ['/usr/bin/bosun-nonexistent'] } },
      /is not executable/,
    ],
    [
      'a setting systemd does not know',
      { name: 'bosun-app.service', service: { execStart: ['/bin/true'], extra: { Restat: 'always' } } },
      /Unknown key/,
    ],
    [
      'a value systemd cannot parse',
      { name: 'bosun-app.service', service: { execStart: ['/bin/true'], extra: { Restart: 'sometimes' } } },
      /Failed to parse/,
    ],
    ['a drop-in for a unit that does not exist', { name: 'bosun-none.service', dropIn: 'x', service: { limitNOFILE: 1 } }, /not found/],
  ];
  for (const [what, props, said] of refusals) {
    it(`systemd-analyze verify refuses ${what}: the old file stays, no temp file is left`, async () => {
      await runPlan(planOf([systemdUnit(service)]), root.transport, 'apply');
      const old = await readFile(at('etc/systemd/system/bosun-app.service'), 'utf8');
      const run = await runPlan(planOf([systemdUnit(props)]), root.transport, 'apply');
      expect(statuses(run), explain(run)).to.deep.equal(['failed']);
      expect(run.steps[0]!.output).to.match(said).and.to.contain(`systemd-analyze verify refused ${props.name}`);
      expect(await readFile(at('etc/systemd/system/bosun-app.service'), 'utf8')).to.equal(old);
      expect((await readdir(at('etc/systemd/system'))).filter((name) => name.startsWith('.bosun'))).to.deep.equal([]);
      expect(await exists('etc/systemd/system/bosun-none.service.d')).to.equal(false);
    });
  }

  it('state running cannot be applied where systemd is not running: failed in check mode too', async () => {
    const plan = planOf([systemdUnit({ ...service, state: 'running' } as SystemdUnitProps)]);
    for (const mode of ['check', 'apply'] as const) {
      const run = await runPlan(plan, root.transport, mode);
      expect(statuses(run), explain(run)).to.deep.equal(['failed']);
      expect(run.steps[0]!.output).to.contain('systemd is not running this host');
    }
    expect(await exists('etc/systemd/system/bosun-app.service')).to.equal(false);
  });

  it('without systemd-analyze: cannot be applied (in check mode too), unless verify is false', async () => {
    await rename(at('usr/bin/systemd-analyze'), at('usr/bin/systemd-analyze.away'));
    const check = await runPlan(planOf([systemdUnit(service)]), root.transport, 'check');
    expect(statuses(check), explain(check)).to.deep.equal(['failed']);
    expect(check.steps[0]!.output).to.contain('systemd-analyze is not on this host');
    await assertConverges(planOf([systemdUnit({ ...service, verify: false } as SystemdUnitProps)]), root.transport, root.tree);
  });
});
