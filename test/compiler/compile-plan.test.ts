import { expect } from 'chai';
import { compilePlan } from '../../compiler/compile-plan.ts';
import { ValidationError } from '../../compiler/errors.ts';
import { selectSteps } from '../../compiler/selection.ts';
import type { Resource } from '../../compiler/resource.ts';
import { command, file, handler, role } from '../../index.ts';
import { unattendedUpgrades } from '../../roles/unattended-upgrades/index.ts';
import type { Transport } from '../../runner/transport.ts';
import { local, planOf, runPlan, statuses, tempDir, testHost } from '../support/plan-harness.ts';
import { listTree } from '../../testing/tree.ts';

/** The error `fn` throws (or a failure when it throws none). */
function thrown(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, none was thrown');
}

describe('compiler/compile-plan', () => {
  describe('--tags selection (compiler/selection.ts) of a compiled plan', () => {
    it('keeps only steps with a selected tag (role tags count), and every handler', async () => {
      const { dir, dispose } = await tempDir();
      try {
        const web = role({
          name: 'web',
          tags: ['web'],
          resources: [file({ path: `${dir}/web`, content: 'w', notify: ['done'] })],
          handlers: [handler('done', command({ argv: ['touch', `${dir}/handled`] }))],
        });
        const db = role({
          name: 'db',
          resources: [file({ path: `${dir}/db`, content: 'd', tags: ['db'] }), file({ path: `${dir}/untagged`, content: 'u' })],
        });
        const plays = [{ name: 'all', hosts: 'all', roles: [web, db] }];
        expect(compilePlan(testHost(), plays).steps.map((s) => s.name)).to.deep.equal([
          `file ${dir}/web`,
          `file ${dir}/db`,
          `file ${dir}/untagged`,
        ]);
        expect(selectSteps(compilePlan(testHost(), plays), { tags: [] }).steps).to.have.length(3);
        expect(selectSteps(compilePlan(testHost(), plays), { tags: ['db'] }).steps.map((s) => s.name)).to.deep.equal([`file ${dir}/db`]);
        const webOnly = selectSteps(compilePlan(testHost(), plays), { tags: ['web', 'nothing'] });
        expect(webOnly.steps.map((s) => s.name)).to.deep.equal([`file ${dir}/web`]);
        expect(webOnly.handlers.map((h) => h.handler)).to.deep.equal(['done']);
        const apply = await runPlan(webOnly, local, 'apply');
        expect(statuses(apply)).to.deep.equal(['changed', 'changed']);
        expect((await listTree(dir)).map((line) => line.split(' ')[0])).to.deep.equal(['"/"', '"/handled"', '"/web"']);
      } finally {
        await dispose();
      }
    });

    it('a play can choose roles from the host', () => {
      const host = { ...testHost(), vars: { site: 'a' } };
      const plan = compilePlan(host, [
        {
          name: 'p',
          hosts: 'all',
          roles: (h) => [role({ name: 'r', resources: [file({ path: `/etc/site-${String(h.vars.site)}`, content: '' })] })],
        },
      ]);
      expect(plan.steps.map((s) => s.name)).to.deep.equal(['file /etc/site-a']);
    });
  });

  describe('bad input: a ValidationError naming the field, and nothing run', () => {
    const cases: [string, unknown, string][] = [
      ['unknown resource type', { type: 'fiel', path: '/etc/x', content: '' }, 'resource.type'],
      ['unknown resource key', { type: 'file', path: '/etc/x', content: '', colour: 'red' }, 'file.colour'],
      ['wrong type of content', { type: 'file', path: '/etc/x', content: 42 }, 'file(/etc/x).content'],
      ['wrong type of path', { type: 'directory', path: ['/etc'] }, 'directory.path'],
      ['a mode that is not octal', { type: 'file', path: '/etc/x', content: '', mode: '0999' }, 'file(/etc/x).mode'],
      ['a symbolic mode', { type: 'file', path: '/etc/x', content: '', mode: 'rw-r--r--' }, 'file(/etc/x).mode'],
      ['a numeric mode', { type: 'directory', path: '/etc/x', mode: 0o644 }, 'directory(/etc/x).mode'],
      ['a relative path', { type: 'file', path: 'etc/x', content: '' }, 'file.path'],
      ['a path with ..', { type: 'absent', path: '/etc/../x' }, 'absent.path'],
      ['a relative creates', { type: 'command', argv: ['true'], creates: 'x' }, 'command(true).creates'],
      ['a wrong type of state', { type: 'package', names: ['vim'], state: 'installed' }, 'package(vim).state'],
      ['a bad owner', { type: 'file', path: '/etc/x', content: '', owner: 'root; rm -rf /' }, 'file(/etc/x).owner'],
      ['a notify that is not a list', { type: 'file', path: '/etc/x', content: '', notify: 'reload' }, 'file(/etc/x).notify'],
      ['no package names', { type: 'package', names: [] }, 'package.names'],
      ['an unknown schedule key', { type: 'cron', name: 'n', command: 'x', schedule: { minutes: '5' } }, 'cron(n).schedule.minutes'],
    ];
    for (const [what, resource, field] of cases) {
      it(what, async () => {
        const { dir, dispose } = await tempDir();
        const spy: Transport & { calls: number } = {
          calls: 0,
          async run() {
            this.calls += 1;
            throw new Error('ran');
          },
        };
        try {
          const error = thrown(() =>
            planOf([file({ path: `${dir}/first`, content: 'valid step before the bad one' }), resource as Resource]),
          );
          expect(error.field).to.equal(field);
          // The message also says where the resource is: its role and its position.
          expect(error.message.startsWith(`role "test": resources[1]: ${field}: `), error.message).to.equal(true);
          expect(spy.calls).to.equal(0);
          expect(await listTree(dir)).to.have.length(1);
        } finally {
          await dispose();
        }
      });
    }

    it('a notify naming no handler', () => {
      expect(thrown(() => planOf([file({ path: '/etc/x', content: '', notify: ['nope'] })])).field).to.equal('file /etc/x: notify');
    });

    it('role parameters checked at run time (plain JS, YAML vars)', () => {
      expect(thrown(() => unattendedUpgrades({ origns: [] } as never)).field).to.equal('unattendedUpgrades.origns');
      expect(thrown(() => unattendedUpgrades({ logRotate: 'four' as never })).field).to.equal('unattendedUpgrades.logRotate');
      expect(thrown(() => unattendedUpgrades({ origins: ['a"b'] })).field).to.equal('unattendedUpgrades.origins[0]');
      expect(thrown(() => unattendedUpgrades({ automaticRebootTime: '25:00' })).field).to.equal('unattendedUpgrades.automaticRebootTime');
      expect(
        thrown(() =>
          compilePlan(testHost(), [{ name: 'p', hosts: 'all', roles: [unattendedUpgrades({ logDir: 'var/log' as `/${string}` })] }]),
        ).field,
      ).to.match(/^(unattendedUpgrades\.logDir|directory\.path)$/);
    });
  });
});
