import { expect } from 'chai';
import { execa } from 'execa';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../../compiler/errors.ts';
import { cron, user } from '../../index.ts';
import { oneLineText } from '../support/arbitraries.ts';
import { chrootRootWith, explain, planOf, runPlan, statuses, type ChrootRoot } from '../support/plan-harness.ts';
import { propertyRuns, propertyTimeout } from '../support/property-runs.ts';

// The free-text positions that need a Debian root: cron commands (cron.d and crontab) and user comments.
describe('compiler: random text in cron commands and user comments comes back byte-exact (property, chroot) @integration', function () {
  this.timeout(propertyTimeout(300_000));
  let root: ChrootRoot;
  before(async () => (root = await chrootRootWith(['cron'])));
  after(() => root?.dispose());

  it('cron commands and crontab entry names', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(oneLineText, oneLineText), { minLength: 4, maxLength: 4 }), async (values) => {
        run += 1;
        // cron runs nothing for a blank command and Debian's crontab refuses one starting with "*": bosun refuses both.
        const refused = (command: string): boolean => command.trim() === '' || command.trimStart().startsWith('*');
        for (const [command] of values.filter(([command]) => refused(command))) {
          expect(() => planOf([cron({ name: 'x', command, schedule: { special: 'daily' } })])).to.throw(
            ValidationError,
            /cron\(x\)\.command/,
          );
          expect(() => planOf([cron({ file: 'x', user: 'root', command, schedule: {} })])).to.throw(ValidationError, /cron\(x\)\.command/);
        }
        const jobs = values
          .filter(([command]) => !refused(command))
          .map(([command, name], k) => ({ command, name: `${run}.${k} ${name}` }));
        if (jobs.length === 0) return;
        const plan = planOf([
          ...jobs.map((job, k) => cron({ file: `prop-${run}-${k}`, user: 'root', command: job.command, schedule: { minute: '5' } })),
          ...jobs.map((job) => cron({ name: job.name, user: 'deploy', command: job.command, schedule: { special: 'daily' } })),
        ]);
        const apply = await runPlan(plan, root.transport, 'apply');
        expect(apply.status, explain(apply)).to.equal('changed');
        for (const [k, job] of jobs.entries()) {
          expect(await readFile(join(root.root, `etc/cron.d/prop-${run}-${k}`), 'utf8')).to.equal(
            `# Managed by bosun.\n5 * * * * root ${job.command}\n`,
          );
        }
        const crontab = (await execa('chroot', [root.root, 'crontab', '-u', 'deploy', '-l'], { stripFinalNewline: false })).stdout;
        for (const job of jobs)
          expect(crontab).to.contain(
            `\n#bosun: ${job.name}\n@daily ${job.command}\n`.slice(crontab.startsWith(`#bosun: ${job.name}\n`) ? 1 : 0),
          );
        const again = await runPlan(plan, root.transport, 'apply');
        expect(statuses(again), explain(again)).to.deep.equal(plan.steps.map(() => 'ok'));
      }),
      propertyRuns(12),
    );
  });

  it('user comments (a colon or a control character is refused: passwd cannot hold them)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(oneLineText, { minLength: 4, maxLength: 4 }), async (comments) => {
        run += 1;
        const users = comments.map((comment, k) => ({ name: `prop${run}u${k}`, comment }));
        const refused = (comment: string): boolean => comment.includes(':') || /[\u0000-\u001f\u007f]/.test(comment);
        for (const u of users.filter((u) => refused(u.comment))) {
          expect(() => planOf([user({ name: u.name, comment: u.comment })])).to.throw(
            ValidationError,
            new RegExp(`user\\(${u.name}\\)\\.comment`),
          );
        }
        const valid = users.filter((u) => !refused(u.comment));
        if (valid.length === 0) return;
        const plan = planOf(valid.map((u) => user({ name: u.name, comment: u.comment, createHome: false })));
        const apply = await runPlan(plan, root.transport, 'apply');
        expect(statuses(apply), explain(apply)).to.deep.equal(valid.map(() => 'changed'));
        const passwd = await readFile(join(root.root, 'etc/passwd'), 'utf8');
        for (const u of valid)
          expect(
            passwd
              .split('\n')
              .find((line) => line.startsWith(`${u.name}:`))
              ?.split(':')[4],
          ).to.equal(u.comment);
        const again = await runPlan(plan, root.transport, 'apply');
        expect(statuses(again), explain(again)).to.deep.equal(valid.map(() => 'ok'));
      }),
      propertyRuns(12),
    );
  });
});
