import { expect } from 'chai';
import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PENDING_HANDLERS_FILE } from '../../compiler/prelude.ts';
import { command, file, handler } from '../../index.ts';
import { parseFrame } from '../../compiler/protocol.ts';
import { runHost } from '../../runner/run-host.ts';
import { checkWritesNothing, chrootRoot, explain, planOf, runPlan, statuses, type ChrootRoot } from '../support/plan-harness.ts';
import { Recording } from '../support/recording-transport.ts';
import { renderChecked } from '../../testing/shellcheck.ts';
import { patience } from '../support/patience.ts';

// Handlers in a chroot: the pending list lives on the host, at /var/lib/bosun/pending-handlers.
describe('runner/run-host: handlers (chroot) @integration', function () {
  this.timeout(patience(60_000));
  let root: ChrootRoot;
  beforeEach(async () => (root = await chrootRoot()));
  afterEach(() => root?.dispose());
  const at = (path: string): string => join(root.root, path);
  const pendingList = (): Promise<string | undefined> => readFile(at(PENDING_HANDLERS_FILE), 'utf8').catch(() => undefined);
  const restarts = (): Promise<string> => readFile(at('var/log/app-restarts'), 'utf8').catch(() => '');
  const restart = handler(
    'restart app',
    command({ argv: ['sh', '-c', 'test ! -e /etc/app.broken && echo restarted >>/var/log/app-restarts'] }),
  );

  it('a notified handler still runs after a later step fails, once, and is not left pending', async () => {
    const plan = planOf(
      [
        file({ path: '/etc/app.conf', content: 'a=1\n', notify: ['restart app'] }),
        file({ path: '/etc/app.extra', content: 'b=1\n', notify: ['restart app'] }),
        command({ script: 'exit 7', name: 'breaks' }),
        file({ path: '/etc/after-failure', content: 'never' }),
      ],
      { handlers: [restart] },
    );
    const check = await checkWritesNothing(plan, root.transport, root.tree);
    expect(statuses(check), explain(check)).to.deep.equal(['would-change', 'would-change', 'unknown', 'would-change', 'unknown']);
    expect(check.steps[4]).to.include({ handler: 'restart app' });
    const apply = await runPlan(plan, root.transport, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed', 'changed', 'failed', 'skipped', 'changed']);
    expect(apply.steps[4]).to.include({ handler: 'restart app', resource: 'command' });
    expect(apply.status).to.equal('failed');
    expect(await restarts()).to.equal('restarted\n');
    expect(await pendingList()).to.equal(undefined);
    expect(
      await lstat(at('etc/after-failure')).then(
        () => true,
        () => false,
      ),
    ).to.equal(false);
  });

  it('a handler is not run when nothing notified it', async () => {
    const plan = planOf([file({ path: '/etc/app.conf', content: 'a=1\n', notify: ['restart app'] })], { handlers: [restart] });
    expect(statuses(await runPlan(plan, root.transport, 'apply'))).to.deep.equal(['changed', 'changed']);
    const again = await runPlan(plan, root.transport, 'apply');
    expect(statuses(again), explain(again)).to.deep.equal(['ok']);
    expect(await restarts()).to.equal('restarted\n');
  });

  it('a handler that failed is recorded on the host and runs first next time, before any step, even though nothing changed', async () => {
    const recording = new Recording(root.transport);
    const plan = planOf([file({ path: '/etc/app.conf', content: 'a=1\n', notify: ['restart app'] })], { handlers: [restart] });
    await writeFile(at('etc/app.broken'), '');
    const first = await runPlan(plan, recording, 'apply');
    expect(statuses(first), explain(first)).to.deep.equal(['changed', 'failed']);
    expect(first.status).to.equal('failed');
    expect(await pendingList()).to.equal('restart app\n');

    // A check sees the pending handler but neither runs nor forgets it.
    const check = await checkWritesNothing(plan, recording, root.tree);
    expect(statuses(check), explain(check)).to.deep.equal(['unknown', 'ok']);
    expect(check.steps[0]).to.include({ handler: 'restart app', pendingFromEarlierRun: true });
    expect(await pendingList()).to.equal('restart app\n');

    await rm(at('etc/app.broken'));
    const second = await runPlan(plan, recording, 'apply');
    expect(statuses(second), explain(second)).to.deep.equal(['changed', 'ok']);
    expect(second.steps[0]).to.include({ handler: 'restart app', pendingFromEarlierRun: true });
    const events = recording.lines.map(parseFrame).filter((event) => event !== undefined);
    expect(events.findIndex((event) => event.t === 'pending')).to.be.below(events.findIndex((event) => event.t === 'start'));
    // The handler's own start comes before the step's: it ran first.
    const starts = events.filter((event) => event.t === 'start').map((event) => (event as { i: number }).i);
    expect(starts).to.deep.equal([1, 0]);
    expect(await restarts()).to.equal('restarted\n');
    expect(await pendingList()).to.equal(undefined);
    const third = await runPlan(plan, root.transport, 'apply');
    expect(statuses(third)).to.deep.equal(['ok']);
  });

  it('a pending handler that fails again does not stop the steps, and runs again at the end when notified', async () => {
    const plan = planOf(
      [
        file({ path: '/etc/app.conf', content: 'a=1\n', notify: ['restart app'] }),
        command({ script: 'rm -f /etc/app.broken && touch /etc/app.fixed', creates: '/etc/app.fixed', name: 'fix app' }),
      ],
      { handlers: [restart] },
    );
    // First run: the fix is already "done", the app is broken: the handler fails and stays pending.
    await writeFile(at('etc/app.broken'), '');
    await writeFile(at('etc/app.fixed'), '');
    const first = await runPlan(plan, root.transport, 'apply');
    expect(statuses(first), explain(first)).to.deep.equal(['changed', 'ok', 'failed']);
    expect(await pendingList()).to.equal('restart app\n');
    // Next run: the pending handler runs first and fails again; the steps still run (the fix among them),
    // the changed config notifies the handler again, and at the end it succeeds.
    await rm(at('etc/app.fixed'));
    await writeFile(at('etc/app.conf'), 'a=0\n');
    const next = await runPlan(plan, root.transport, 'apply');
    expect(statuses(next), explain(next)).to.deep.equal(['failed', 'changed', 'changed', 'changed']);
    expect(next.steps[0]).to.include({ handler: 'restart app', pendingFromEarlierRun: true });
    expect(next.steps[3]).to.include({ handler: 'restart app' });
    expect(next.steps[3]).not.to.have.property('pendingFromEarlierRun');
    expect(await restarts()).to.equal('restarted\n');
    expect(await pendingList()).to.equal(undefined);
  });

  it('a session killed before the handlers ran leaves them pending, and the next run runs them', async () => {
    const plan = planOf(
      [file({ path: '/etc/app.conf', content: 'a=1\n', notify: ['restart app'] }), command({ argv: ['sleep', '60'], name: 'slow' })],
      { handlers: [restart] },
    );
    const abort = new AbortController();
    const killed = await runHost(plan, renderChecked(plan), root.transport, {
      mode: 'apply',
      signal: abort.signal,
      onStep: (step) => step.index === 0 && setTimeout(() => abort.abort(), 200),
    });
    expect(killed.status).to.equal('failed');
    expect(killed.reason).to.equal('interrupted; session ended');
    expect(statuses(killed)).to.deep.equal(['changed']);
    expect(await pendingList()).to.equal('restart app\n');
    expect(await restarts()).to.equal('');

    const next = await runPlan(
      planOf([file({ path: '/etc/app.conf', content: 'a=1\n', notify: ['restart app'] })], { handlers: [restart] }),
      root.transport,
      'apply',
    );
    expect(statuses(next), explain(next)).to.deep.equal(['changed', 'ok']);
    expect(next.steps[0]).to.include({ handler: 'restart app', pendingFromEarlierRun: true });
    expect(await restarts()).to.equal('restarted\n');
    expect(await pendingList()).to.equal(undefined);
  });
});
