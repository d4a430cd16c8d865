import { expect } from 'chai';
import { execa } from 'execa';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cron } from '../../../index.ts';
import { ValidationError } from '../../../compiler/errors.ts';
import { assertConverges, chrootRootWith, explain, planOf, runPlan, statuses, type ChrootRoot } from '../../support/plan-harness.ts';
import { patience } from '../../support/patience.ts';

async function crontab(root: string, user: string): Promise<string> {
  return (await execa('chroot', [root, 'crontab', '-u', user, '-l'], { reject: false, stripFinalNewline: false })).stdout;
}

describe('compiler/resources/cron (chroot) @integration', function () {
  this.timeout(patience(300_000));
  let root: ChrootRoot;
  before(async () => (root = await chrootRootWith(['cron'])));
  after(() => root?.dispose());

  describe('an /etc/cron.d file', () => {
    it('writes the job with its environment, mode 0644 root, and converges; then removes it', async () => {
      const job = cron({
        file: 'backup',
        user: 'deploy',
        command: 'backup --all >/dev/null 2>&1',
        schedule: { minute: '15', hour: '3', weekday: '1-5' },
        environment: { MAILTO: 'ops@example.com', PATH: '/usr/bin:/bin' },
      });
      await assertConverges(planOf([job]), root.transport, root.tree);
      const path = join(root.root, 'etc/cron.d/backup');
      expect(await readFile(path, 'utf8')).to.equal(
        '# Managed by bosun.\nMAILTO=ops@example.com\nPATH=/usr/bin:/bin\n15 3 * * 1-5 deploy backup --all >/dev/null 2>&1\n',
      );
      expect((await stat(path)).mode & 0o777).to.equal(0o644);
      await assertConverges(
        planOf([cron({ file: 'backup', user: 'deploy', command: 'x', schedule: { special: 'daily' }, state: 'absent' })]),
        root.transport,
        root.tree,
      );
      expect(
        await stat(path).then(
          () => true,
          () => false,
        ),
      ).to.equal(false);
    });

    it('writes an @ schedule', async () => {
      await assertConverges(
        planOf([cron({ file: 'at-boot', user: 'root', command: 'echo booted', schedule: { special: 'reboot' } })]),
        root.transport,
        root.tree,
      );
      expect(await readFile(join(root.root, 'etc/cron.d/at-boot'), 'utf8')).to.equal('# Managed by bosun.\n@reboot root echo booted\n');
    });
  });

  describe('a crontab entry', () => {
    it('adds named jobs to a user crontab, keeps other lines, updates and removes by name', async () => {
      await execa('chroot', [root.root, 'crontab', '-u', 'deploy', '-'], { input: '# mine\n0 1 * * * echo hand-written\n' });
      await assertConverges(
        planOf([
          cron({ name: 'rotate', user: 'deploy', command: 'rotate --now % 2', schedule: { minute: '*/5' } }),
          cron({ name: 'weekly report', user: 'deploy', command: 'report', schedule: { special: 'weekly' } }),
        ]),
        root.transport,
        root.tree,
      );
      expect(await crontab(root.root, 'deploy')).to.equal(
        '# mine\n0 1 * * * echo hand-written\n#bosun: rotate\n*/5 * * * * rotate --now % 2\n#bosun: weekly report\n@weekly report\n',
      );
      await assertConverges(
        planOf([cron({ name: 'rotate', user: 'deploy', command: 'rotate --later', schedule: { minute: '7' } })]),
        root.transport,
        root.tree,
      );
      await assertConverges(
        planOf([cron({ name: 'weekly report', user: 'deploy', command: 'report', schedule: { special: 'weekly' }, state: 'absent' })]),
        root.transport,
        root.tree,
      );
      expect(await crontab(root.root, 'deploy')).to.equal(
        '# mine\n0 1 * * * echo hand-written\n#bosun: rotate\n7 * * * * rotate --later\n',
      );
    });

    it("defaults to root's crontab, created when there is none", async () => {
      expect(await crontab(root.root, 'root')).to.equal('');
      await assertConverges(
        planOf([cron({ name: 'tick', command: 'date', schedule: { hour: '4', minute: '0' } })]),
        root.transport,
        root.tree,
      );
      expect(await crontab(root.root, 'root')).to.equal('#bosun: tick\n0 4 * * * date\n');
    });

    it('a crontab cron refuses is a failed step', async () => {
      const apply = await runPlan(
        planOf([cron({ name: 'bad', user: 'deploy', command: 'x', schedule: { minute: '99' } })]),
        root.transport,
        'apply',
      );
      expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    });
  });

  it('refuses bad schedule fields, file names and commands with line breaks', () => {
    expect(() => planOf([cron({ name: 'n', command: 'x', schedule: { minute: '1; rm -rf /' } })])).to.throw(
      ValidationError,
      /schedule\.minute/,
    );
    expect(() => planOf([cron({ file: 'a.b', user: 'root', command: 'x', schedule: {} })])).to.throw(ValidationError, /cron\.file/);
    expect(() => planOf([cron({ name: 'n', command: 'x\ny', schedule: {} })])).to.throw(ValidationError, /cron\(n\)\.command/);
    expect(() => planOf([cron({ name: 'n', command: 'x', schedule: { special: 'sometimes' as 'daily' } })])).to.throw(
      ValidationError,
      /schedule\.special/,
    );
  });

  it('refuses a blank command and one starting with "*", which Debian\'s crontab rejects', () => {
    expect(() => planOf([cron({ name: 'n', command: '  ', schedule: {} })])).to.throw(
      ValidationError,
      /cron\(n\)\.command: must not be blank/,
    );
    expect(() => planOf([cron({ name: 'n', command: ' * /bin/true', schedule: {} })])).to.throw(
      ValidationError,
      /cron\(n\)\.command: must not start with "\*"/,
    );
    expect(() => planOf([cron({ file: 'f', user: 'root', command: '* x', schedule: {} })])).to.throw(ValidationError, /cron\(f\)\.command/);
  });
});
