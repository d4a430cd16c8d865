import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PENDING_HANDLERS_FILE } from '../../compiler/prelude.ts';
import type { RenderedPlan } from '../../compiler/render.ts';
import { command, handler } from '../../index.ts';
import { runHost } from '../../runner/run-host.ts';
import { type ChrootRoot, chrootRoot, explain, planOf, runPlan, statuses } from '../support/plan-harness.ts';
import { renderChecked } from '../../testing/shellcheck.ts';
import { patience } from '../support/patience.ts';

/** The script with its `_bosun_point` hook killing the whole session (SIGKILL to its process group) at one point of step 0. */
function killedAt(rendered: RenderedPlan, point: string): RenderedPlan {
  const hook = '_bosun_point() { :; }';
  if (!rendered.script.includes(hook)) throw new Error('the script has no _bosun_point hook');
  const fault = `_bosun_point() { if [ "$1" = ${point} ] && [ "$2" = 0 ]; then kill -KILL 0; fi; }`;
  return { ...rendered, script: rendered.script.replace(hook, fault) };
}

/**
 * Deterministic fault injection: the session of an apply is killed at each point of a
 * step that changes something and notifies a handler (before it records the handler,
 * before its apply, inside its apply before and after the change, after the apply, after
 * the verification, after its result). Whatever the point, the next run runs the handler
 * and leaves nothing pending: a change is never left without its handler.
 */
describe('runner/run-host: a session killed at any point of a notifying step (chroot) @integration', function () {
  this.timeout(patience(120_000));
  let root: ChrootRoot;
  beforeEach(async () => (root = await chrootRoot()));
  afterEach(() => root?.dispose());
  const restarts = (): Promise<string> => readFile(join(root.root, 'var/log/app-restarts'), 'utf8').catch(() => '');
  const pending = (): Promise<string | undefined> => readFile(join(root.root, PENDING_HANDLERS_FILE), 'utf8').catch(() => undefined);
  const restart = handler('restart app', command({ argv: ['sh', '-c', 'echo restarted >>/var/log/app-restarts'] }));
  const change = (script: string) =>
    planOf([command({ script, creates: '/etc/app.conf', name: 'configure app', notify: ['restart app'] })], { handlers: [restart] });

  const cases: { point: string; script?: string; changed: boolean }[] = [
    { point: 'intend', changed: false },
    { point: 'apply', changed: false },
    { point: 'inside the apply, before the change', script: 'kill -KILL 0; echo v1 >/etc/app.conf', changed: false },
    { point: 'inside the apply, after the change', script: 'echo v1 >/etc/app.conf; kill -KILL 0', changed: true },
    { point: 'applied', changed: true },
    { point: 'verified', changed: true },
    { point: 'reported', changed: true },
  ];
  for (const { point, script, changed } of cases) {
    it(`killed at "${point}": the next run runs the handler, and nothing stays pending`, async () => {
      const plan = change(script ?? 'echo v1 >/etc/app.conf');
      const rendered = renderChecked(plan);
      const killed = await runHost(plan, script === undefined ? killedAt(rendered, point) : rendered, root.transport, { mode: 'apply' });
      expect(killed.status, explain({ ...killed, log: '', rendered })).to.equal('failed');
      expect(killed.reason).to.match(/killed|stopped early/);
      expect(await readFile(join(root.root, 'etc/app.conf'), 'utf8').catch(() => undefined)).to.equal(changed ? 'v1\n' : undefined);
      expect(await restarts(), 'the handler ran in the killed session').to.equal('');

      // The next run: the same step, with no fault.
      const next = await runPlan(change('echo v1 >/etc/app.conf'), root.transport, 'apply');
      expect(next.status, explain(next)).to.equal('changed');
      expect(next.steps.filter((step) => step.handler === 'restart app' && step.status === 'changed').length).to.be.at.least(1);
      expect(await restarts()).to.match(/^(restarted\n)+$/);
      expect(await pending(), 'a handler was left pending').to.equal(undefined);
      const again = await runPlan(change('echo v1 >/etc/app.conf'), root.transport, 'apply');
      expect(statuses(again), explain(again)).to.deep.equal(['ok']);
    });
  }

  it('a failed apply takes back its record: the handler is neither run nor left pending', async () => {
    const failing = change('exit 3');
    const first = await runPlan(failing, root.transport, 'apply');
    expect(statuses(first), explain(first)).to.deep.equal(['failed']);
    expect(await pending()).to.equal(undefined);
    expect(await restarts()).to.equal('');
  });

  it('a handler record that cannot be written stops the step before it changes anything', async () => {
    // A regular file where the record's directory must go: mkdir -p fails.
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(root.root, 'var/lib'), { recursive: true });
    await writeFile(join(root.root, 'var/lib/bosun'), 'not a directory');
    const run = await runPlan(change('echo v1 >/etc/app.conf'), root.transport, 'apply');
    expect(statuses(run), explain(run)).to.deep.equal(['failed']);
    expect(run.steps[0]!.output).to.contain('cannot record the notified handlers');
    expect(await readFile(join(root.root, 'etc/app.conf'), 'utf8').catch(() => undefined)).to.equal(undefined);
  });
});
