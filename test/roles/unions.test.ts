import { expect } from 'chai';
import { ValidationError } from '../../compiler/errors.ts';
import { logrotate } from '../../roles/logrotate/index.ts';
import { monit } from '../../roles/monit/index.ts';
import { sudoers } from '../../roles/sudoers/index.ts';
import { compileRole } from '../../testing/index.ts';

// Options that cannot go together: the type checker refuses each (tsc --noEmit fails on an unused
// expect-error directive, so each case below must stay a type error), and the run-time check refuses it too
// for callers without types (plain JavaScript, YAML vars), naming the field.
describe('roles: options that cannot go together', () => {
  const cases: readonly [string, () => unknown, string][] = [
    [
      'logrotate: copytruncate with create',
      // @ts-expect-error copytruncate never moves the log, so none is created
      () => logrotate({ name: 'x', rules: [{ paths: ['/l'], copytruncate: true, create: { mode: '0640' } }] }),
      'logrotate(x).rules[0].create',
    ],
    [
      'logrotate: delaycompress without compress',
      // @ts-expect-error delaycompress only goes with compress
      () => logrotate({ name: 'x', rules: [{ paths: ['/l'], compress: false, delaycompress: true }] }),
      'logrotate(x).rules[0].delaycompress',
    ],
    [
      'logrotate: a create group without an owner',
      // @ts-expect-error logrotate reads create's owner and group by position
      () => logrotate({ name: 'x', rules: [{ paths: ['/l'], create: { mode: '0640', group: 'adm' } }] }),
      'logrotate(x).rules[0].create.group',
    ],
    [
      'monit: pidfile and matching',
      // @ts-expect-error a process is found one way
      () => monit({ checks: [{ name: 'a', pidfile: '/run/a.pid', matching: 'a' }] }),
      'monit.checks[0]',
    ],
    [
      'monit: a unix socket and a port',
      // @ts-expect-error the CLI reaches the daemon one way
      () => monit({ checks: [], httpd: { unixSocket: '/run/m.sock', port: 2812 } }),
      'monit.httpd',
    ],
    [
      'sudoers: rules on an absent drop-in',
      // @ts-expect-error an absent file has no rules
      () => sudoers({ dropIns: [{ name: 'a', state: 'absent', rules: [{ line: 'x' }] }] }),
      'sudoers.dropIns[0].rules',
    ],
    [
      'sudoers: a hand-written line and a typed rule in one',
      // @ts-expect-error a rule is one or the other
      () => sudoers({ dropIns: [{ name: 'a', rules: [{ line: 'x', who: 'deploy', commands: 'ALL' }] }] }),
      'sudoers.dropIns[0].rules[0]',
    ],
  ];
  for (const [what, make, field] of cases) {
    it(`${what}: refused at run time too, naming ${field}`, () => {
      expect(() => compileRole(make() as never))
        .to.throw(ValidationError)
        .with.property('field', field);
    });
  }
});
