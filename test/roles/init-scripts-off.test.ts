import { expect } from 'chai';
import { ValidationError } from '../../compiler/errors.ts';
import { type InitScriptsOffProps, initScriptsOff } from '../../roles/init-scripts-off/index.ts';
import { compileRole, renderChecked } from '../../testing/index.ts';

// On a booted systemd host (disable, mask, stop, a script that does not exist): test/fleet/system-roles.test.ts.
describe('roles/init-scripts-off', () => {
  it("one guarded step per script, as the Blot procedure's chkconfig redis-server/nginx/monit off", () => {
    const plan = compileRole(initScriptsOff({ services: ['redis-server', 'nginx', 'monit'] }));
    expect(plan.steps.map((s) => s.name)).to.deep.equal([
      'init script redis-server off at boot',
      'init script nginx off at boot',
      'init script monit off at boot',
    ]);
    // Checkable: each step has a read-only probe, so check mode knows (not `unknown`).
    for (const step of plan.steps) expect(step.check).to.not.equal(undefined);
    renderChecked(plan);
  });

  it('the name reaches the script as an argument, never inside its code: the same code serves every name', () => {
    const plan = compileRole(initScriptsOff({ services: ['bosun-x@a:b.service'], mask: true, stop: true }));
    expect(plan.steps.map((s) => s.name)).to.deep.equal([
      'init script bosun-x@a:b.service off at boot (masked)',
      'init script bosun-x@a:b.service stopped',
    ]);
    const apply = plan.steps[0]!.apply.text;
    expect(apply.indexOf('bosun-x@a:b.service'), 'once, as an argument').to.equal(apply.lastIndexOf('bosun-x@a:b.service'));
    expect(apply).to.match(/ sh '?bosun-x@a:b\.service'? '?mask'?$/);
  });

  const refused: readonly [string, unknown, string][] = [
    ['no services', { services: [] }, 'initScriptsOff.services'],
    ['a name that is an option', { services: ['-f'] }, 'initScriptsOff.services[0]'],
    ['a name with a slash', { services: ['../../bin/sh'] }, 'initScriptsOff.services[0]'],
    ['a name given twice', { services: ['nginx', 'nginx'] }, 'initScriptsOff.services[1]'],
    ['mask as a string', { services: ['nginx'], mask: 'yes' }, 'initScriptsOff.mask'],
    ['an unknown key', { services: ['nginx'], now: true }, 'initScriptsOff.now'],
  ];
  for (const [what, props, field] of refused) {
    it(`refuses ${what}, naming ${field}`, () => {
      expect(() => compileRole(initScriptsOff(props as InitScriptsOffProps)))
        .to.throw(ValidationError)
        .with.property('field', field);
    });
  }
});
