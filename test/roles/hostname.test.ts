import { expect } from 'chai';
import { ValidationError } from '../../compiler/errors.ts';
import { type HostnameProps, hostname } from '../../roles/hostname/index.ts';
import { compileRole, renderChecked } from '../../testing/index.ts';

// The booted-host half (a real rename seen by hostnamectl, a handler restarting a service) is in
// test/fleet/system-roles.test.ts.
describe('roles/hostname', () => {
  it("renames as the clone procedure does: one hostname step, notifying each service's restart", () => {
    const plan = compileRole(hostname({ name: 'supporttest', fqdn: 'supporttest.bioconductor.org', restart: ['apache2', 'postgresql'] }));
    expect(plan.steps.map((s) => [s.name, s.notify])).to.deep.equal([
      ['hostname supporttest', ['restart apache2 (renamed)', 'restart postgresql (renamed)']],
    ]);
    expect(plan.handlers.map((h) => [h.handler, h.name])).to.deep.equal([
      ['restart apache2 (renamed)', 'service apache2 restarted'],
      ['restart postgresql (renamed)', 'service postgresql restarted'],
    ]);
    expect(plan.steps[0]!.apply.text).to.contain('127.0.1.1\tsupporttest.bioconductor.org\tsupporttest');
    renderChecked(plan);
  });

  it('without services to restart, there is no handler', () => {
    const plan = compileRole(hostname({ name: 'supporttest' }));
    expect(plan.steps[0]!.notify).to.deep.equal([]);
    expect(plan.handlers).to.deep.equal([]);
  });

  const refused: readonly [string, unknown, string][] = [
    ['a name with an underscore', { name: 'support_test' }, 'hostname.name'],
    ['an fqdn with a blank', { name: 'supporttest', fqdn: 'support test.org' }, 'hostname(supporttest).fqdn'],
    ['a service that is an option', { name: 'a', restart: ['--now'] }, 'hostname.restart[0]'],
    ['a service given twice', { name: 'a', restart: ['apache2', 'apache2'] }, 'hostname.restart[1]'],
    ['an unknown key', { name: 'a', reboot: true }, 'hostname.reboot'],
  ];
  for (const [what, props, field] of refused) {
    it(`refuses ${what}, naming ${field}`, () => {
      expect(() => compileRole(hostname(props as HostnameProps)))
        .to.throw(ValidationError)
        .with.property('field', field);
    });
  }
});
