import { expect } from 'chai';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PENDING_HANDLERS_FILE } from '../../../compiler/prelude.ts';
import { command, file, flushHandlers, handler, ValidationError } from '../../../index.ts';
import { assertConverges, chrootRoot, explain, planOf, runPlan, statuses, type ChrootRoot } from '../../support/plan-harness.ts';
import { compileRole } from '../../../testing/compile-role.ts';
import { patience } from '../../support/patience.ts';

describe('compiler/resources/flush-handlers (chroot) @integration', function () {
  this.timeout(patience(60_000));
  let root: ChrootRoot;
  beforeEach(async () => (root = await chrootRoot()));
  afterEach(() => root?.dispose());
  const at = (path: string): string => join(root.root, path);
  const restarts = (): Promise<string> => readFile(at('var/log/app-restarts'), 'utf8').catch(() => '');
  const pendingList = (): Promise<string | undefined> => readFile(at(PENDING_HANDLERS_FILE), 'utf8').catch(() => undefined);
  const restart = handler(
    'restart app',
    command({ argv: ['sh', '-c', 'test ! -e /etc/app.broken && echo restarted >>/var/log/app-restarts'] }),
  );
  // A later step that needs the handler to have run already: it copies what the restart wrote.
  const needsRestart = command({
    argv: ['sh', '-c', 'test -s /var/log/app-restarts && cp /var/log/app-restarts /etc/app.seen'],
    creates: '/etc/app.seen',
    name: 'needs the restart',
  });

  it('runs the notified handler where it stands, so a later step sees it, and not again at the end', async () => {
    const plan = planOf([file({ path: '/etc/app.conf', content: 'a=1\n', notify: ['restart app'] }), flushHandlers(), needsRestart], {
      handlers: [restart],
    });
    // Reported order: the flush, then its handler (index 3), then the step after the flush.
    const runs = await assertConverges(plan, root.transport, root.tree, {
      check: ['would-change', 'ok', 'unknown', 'would-change'],
      apply: ['changed', 'ok', 'changed', 'changed'],
    });
    expect(runs.apply.steps.map((step) => step.index)).to.deep.equal([0, 1, 3, 2]);
    expect(runs.apply.steps[2]).to.include({ handler: 'restart app' });
    expect(await readFile(at('etc/app.seen'), 'utf8')).to.equal('restarted\n');
    expect(await restarts()).to.equal('restarted\n');
    expect(await pendingList()).to.equal(undefined);
  });

  it('a handler notified again after the flush runs again at the end', async () => {
    const plan = planOf(
      [
        file({ path: '/etc/app.conf', content: 'a=1\n', notify: ['restart app'] }),
        flushHandlers(),
        file({ path: '/etc/app.extra', content: 'b=1\n', notify: ['restart app'] }),
      ],
      { handlers: [restart] },
    );
    const apply = await runPlan(plan, root.transport, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed', 'ok', 'changed', 'changed', 'changed']);
    expect(apply.steps.map((step) => step.index)).to.deep.equal([0, 1, 3, 2, 3]);
    expect(await restarts()).to.equal('restarted\nrestarted\n');
    expect(await pendingList()).to.equal(undefined);
  });

  it('a handler that fails at the flush fails the host, skips the later steps and stays pending for the next run', async () => {
    await writeFile(at('etc/app.broken'), '');
    const plan = planOf([file({ path: '/etc/app.conf', content: 'a=1\n', notify: ['restart app'] }), flushHandlers(), needsRestart], {
      handlers: [restart],
    });
    const first = await runPlan(plan, root.transport, 'apply');
    expect(statuses(first), explain(first)).to.deep.equal(['changed', 'ok', 'failed', 'skipped']);
    expect(first.status).to.equal('failed');
    expect(await pendingList()).to.equal('restart app\n');
    await rm(at('etc/app.broken'));
    const second = await runPlan(plan, root.transport, 'apply');
    expect(statuses(second), explain(second)).to.deep.equal(['changed', 'ok', 'ok', 'changed']);
    expect(second.steps[0]).to.include({ handler: 'restart app', pendingFromEarlierRun: true });
    expect(await pendingList()).to.equal(undefined);
  });

  it('stays in a plan cut down by --tags, and cannot be a handler', () => {
    const resources = [file({ path: '/etc/a', content: '', tags: ['conf'], notify: ['restart app'] }), flushHandlers(), needsRestart];
    const plan = compileRole({ name: 'test', resources, handlers: [restart] }, { tags: ['conf'] });
    expect(plan.steps.map((step) => step.name)).to.deep.equal(['file /etc/a', 'flush handlers']);
    expect(() => planOf([], { handlers: [handler('flush', flushHandlers())] })).to.throw(
      ValidationError,
      /a handler cannot flush handlers/,
    );
  });
});
