import { expect } from 'chai';
import { aptRepository, git, line, systemdUnit } from '../../index.ts';

const KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n-----END PGP PUBLIC KEY BLOCK-----';

/**
 * Options that cannot go together are unions: each `@ts-expect-error` below must meet a
 * type error (`tsc --noEmit`, run by `npm test`, fails on one that meets none).
 */
function typeChecks(): unknown[] {
  return [
    // @ts-expect-error a .service unit has no [Timer] section
    systemdUnit({ name: 'a.service', timer: { onBootSec: 1 } }),
    // @ts-expect-error a .service drop-in has no [Timer] section either
    systemdUnit({ name: 'a.service', dropIn: 'x', timer: { onBootSec: 1 } }),
    // @ts-expect-error a whole service unit needs its [Service] section
    systemdUnit({ name: 'a.service' }),
    // @ts-expect-error a drop-in has no [Install] section
    systemdUnit({ name: 'ssh.service', dropIn: 'x', install: { wantedBy: ['multi-user.target'] } }),
    // @ts-expect-error the program is an absolute path
    systemdUnit({ name: 'a.service', service: { execStart: ['node', 'app.js'] } }),
    // @ts-expect-error restarting is a handler's job, not a unit's state
    systemdUnit({ name: 'a.service', service: { execStart: ['/bin/true'] }, state: 'restarted' }),
    // @ts-expect-error a flat repository has no suites
    aptRepository({ name: 'x', uris: ['http://a'], exactPath: './', suites: ['s'], components: ['c'], key: KEY }),
    // @ts-expect-error suites need components
    aptRepository({ name: 'x', uris: ['http://a'], suites: ['s'], key: KEY }),
    // @ts-expect-error one ref: a branch or a tag or a commit
    git({ repo: '/srv/r', dest: '/srv/x', ref: { branch: 'main', tag: 'v1' } }),
    // @ts-expect-error a commented line takes no line text
    line({ path: '/etc/sudoers', state: 'commented', regexp: 'requiretty', line: '#x' }),
    // @ts-expect-error create is for present lines only
    line({ path: '/etc/sudoers', state: 'commented', regexp: 'requiretty', create: true }),
  ];
}

describe('compiler: resource option unions', () => {
  it('are checked by the type checker (see typeChecks above); the valid shapes compile', () => {
    const valid = [
      systemdUnit({ name: 'a.timer', timer: { onCalendar: 'daily' }, install: { wantedBy: ['timers.target'] } }),
      systemdUnit({ name: 'ssh.service', dropIn: 'x', service: { limitNOFILE: 1 } }),
      aptRepository({ name: 'x', uris: ['http://a'], exactPath: './', key: KEY }),
      git({ repo: '/srv/r', dest: '/srv/x', ref: { commit: 'a'.repeat(40) } }),
    ];
    expect(valid.map((resource) => resource.type)).to.deep.equal(['systemdUnit', 'systemdUnit', 'aptRepository', 'git']);
    expect(typeChecks).to.be.a('function');
  });
});
