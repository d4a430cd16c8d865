import { expect } from 'chai';
import { ValidationError } from '../../compiler/errors.ts';
import { type MonitCheck, type MonitProps, monit, monitrc } from '../../roles/monit/index.ts';
import { compileRole, renderChecked } from '../../testing/index.ts';

/** The Blot stack's checks (reference 001): nginx and the app answer HTTP on 127.0.0.1, or are restarted. */
const BLOT_CHECKS: readonly MonitCheck[] = [
  {
    name: 'blot',
    pidfile: '/var/run/blot.pid',
    start: { command: '/bin/systemctl start blot', timeoutSeconds: 60 },
    stop: { command: '/bin/systemctl stop blot' },
    http: [{ port: 8080, request: '/health', status: 200 }],
    restartLimit: { restarts: 5, cycles: 5 },
  },
  {
    name: 'nginx',
    pidfile: '/run/nginx.pid',
    start: { command: '/bin/systemctl start nginx' },
    stop: { command: '/bin/systemctl stop nginx' },
    http: [{ port: 80, cycles: 2 }],
    dependsOn: ['blot'],
  },
];

// Booted host: monit -t on the result, a killed and a frozen process restarted, drift (test/fleet/system-roles.test.ts).
describe('roles/monit', () => {
  it('renders the control file: cycle, its own log, a unix socket for the CLI, the checks, then Debian’s includes', () => {
    expect(monitrc({ checks: BLOT_CHECKS, logFile: '/var/www/blot/logs/monit.log' })).to.equal(
      [
        '# Managed by bosun (role monit): local changes will be overwritten.',
        'set daemon 30',
        'set log /var/www/blot/logs/monit.log',
        'set idfile /var/lib/monit/id',
        'set statefile /var/lib/monit/state',
        'set eventqueue basedir /var/lib/monit/events slots 100',
        'set httpd unixsocket /run/monit.sock uid root gid root permission 0600',
        '  allow monit:root-socket-only',
        '',
        'check process blot with pidfile /var/run/blot.pid',
        '  start program = "/bin/systemctl start blot" with timeout 60 seconds',
        '  stop program = "/bin/systemctl stop blot"',
        '  if failed host 127.0.0.1 port 8080 protocol http request "/health" status = 200 with timeout 10 seconds then restart',
        '  if 5 restarts within 5 cycles then unmonitor',
        '',
        'check process nginx with pidfile /run/nginx.pid',
        '  start program = "/bin/systemctl start nginx"',
        '  stop program = "/bin/systemctl stop nginx"',
        '  if failed host 127.0.0.1 port 80 protocol http request "/" with timeout 10 seconds for 2 cycles then restart',
        '  depends on blot',
        '',
        'include /etc/monit/conf.d/*',
        'include /etc/monit/conf-enabled/*',
        '',
      ].join('\n'),
    );
  });

  it('renders matching, programs run as a user, a TCP port for the CLI, and no includes when asked', () => {
    const text = monitrc({
      httpd: { port: 2812 },
      includePackageChecks: false,
      checks: [
        {
          name: 'worker',
          matching: '^/usr/bin/node worker.js',
          start: { command: '/usr/bin/node /srv/worker.js', uid: 'deploy', gid: 'deploy' },
        },
      ],
    });
    expect(text).to.contain('set httpd port 2812 and use address 127.0.0.1\n  allow 127.0.0.1\n');
    expect(text).to.contain(
      'check process worker matching "^/usr/bin/node worker.js"\n  start program = "/usr/bin/node /srv/worker.js" as uid "deploy" and gid "deploy"\n',
    );
    expect(text).not.to.contain('include');
  });

  it('installs monit, ensures the localhost line, writes the control file root 0700 through monit -t, keeps monit running, reloads it on change', () => {
    const plan = compileRole(monit({ checks: BLOT_CHECKS }));
    expect(plan.steps.map((s) => [s.name, s.notify])).to.deep.equal([
      ['package monit present', []],
      ['line /etc/hosts: 127.0.0.1\tlocalhost', []],
      ['file /etc/monit/monitrc', ['reload monit']],
      ['service monit enabled running', []],
    ]);
    const write = plan.steps[2]!.apply.text;
    expect(write)
      .to.contain('chmod 700 "$_bosun_tmp"')
      .and.to.match(/monit -t -c "\$_bosun_tmp"/);
    expect(write.indexOf('monit -t')).to.be.lessThan(write.indexOf('mv -f'));
    expect(plan.handlers.map((h) => [h.handler, h.name])).to.deep.equal([['reload monit', 'service monit reloaded']]);
    expect(compileRole(monit({ checks: [], localhostLine: false })).steps.map((s) => s.resource)).to.deep.equal([
      'package',
      'file',
      'service',
    ]);
    renderChecked(plan);
  });

  const check = (extra: Record<string, unknown>) => ({ checks: [{ name: 'app', pidfile: '/run/app.pid', ...extra }] });
  const refused: readonly [string, unknown, string][] = [
    ['a check without pidfile or matching', { checks: [{ name: 'app' }] }, 'monit.checks[0].pidfile'],
    ['pidfile and matching together', check({ matching: 'app' }), 'monit.checks[0]'],
    ['a check name with a blank', { checks: [{ name: 'my app', pidfile: '/run/a.pid' }] }, 'monit.checks[0].name'],
    ['the same check twice', { checks: [...check({}).checks, ...check({}).checks] }, 'monit.checks[1].name'],
    ['a dependency on no check', check({ dependsOn: ['redis'] }), 'monit.checks[0].dependsOn[0]'],
    ['a pid file with a blank', { checks: [{ name: 'app', pidfile: '/run/my app.pid' }] }, 'monit.checks[0].pidfile'],
    ['a program with a double quote', check({ start: { command: '/bin/sh -c "x"' } }), 'monit.checks[0].start.command'],
    ['a program without an absolute path', check({ start: { command: 'systemctl start app' } }), 'monit.checks[0].start.command'],
    ['a zero program timeout', check({ stop: { command: '/bin/true', timeoutSeconds: 0 } }), 'monit.checks[0].stop.timeoutSeconds'],
    ['a port out of range', check({ http: [{ port: 70000 }] }), 'monit.checks[0].http[0].port'],
    ['a request that is not a path', check({ http: [{ port: 80, request: 'health' }] }), 'monit.checks[0].http[0].request'],
    ['a request with a blank', check({ http: [{ port: 80, request: '/a b' }] }), 'monit.checks[0].http[0].request'],
    ['a status that is not HTTP', check({ http: [{ port: 80, status: 42 }] }), 'monit.checks[0].http[0].status'],
    ['an unknown action', check({ http: [{ port: 80, action: 'reboot' }] }), 'monit.checks[0].http[0].action'],
    ['more restarts than cycles', check({ restartLimit: { restarts: 6, cycles: 5 } }), 'monit.checks[0].restartLimit.restarts'],
    ['a uid with a quote', check({ start: { command: '/bin/true', uid: 'a"b' } }), 'monit.checks[0].start.uid'],
    ['a zero cycle', { checks: [], cycleSeconds: 0 }, 'monit.cycleSeconds'],
    ['a relative log file', { checks: [], logFile: 'monit.log' }, 'monit.logFile'],
    ['both a socket and a port', { checks: [], httpd: { port: 2812, unixSocket: '/run/m.sock' } }, 'monit.httpd'],
    ['an unknown check key', check({ every: 2 }), 'monit.checks[0].every'],
    ['an unknown key', { checks: [], alerts: 'root@localhost' }, 'monit.alerts'],
  ];
  for (const [what, props, field] of refused) {
    it(`refuses ${what}, naming ${field}`, () => {
      expect(() => compileRole(monit(props as MonitProps)))
        .to.throw(ValidationError)
        .with.property('field', field);
    });
  }
});
