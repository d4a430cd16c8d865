import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { MASK, maskSecrets } from '../../compiler/secret.ts';
import { code, sh } from '../../compiler/shell.ts';
import type { Step } from '../../compiler/step.ts';
import type { Plan } from '../../compiler/plan.ts';
import { command, file, secret } from '../../index.ts';
import { renderDiff } from '../../runner/diff.ts';
import { exitCode, type HostResult } from '../../runner/results.ts';
import { runHost } from '../../runner/run-host.ts';
import type { RunOutcome, Transport } from '../../runner/transport.ts';
import { type AbsolutePath, explain, local, planOf, runPlan, statuses, tempDir } from '../support/plan-harness.ts';
import { renderChecked } from '../../testing/shellcheck.ts';

/** A hand-made step, for behaviours no built-in resource shows on purpose. */
function step(name: string, parts: Partial<Step>): Step {
  return { name, resource: 'test', apply: code(':'), notify: [], tags: [], ...parts };
}

function planWith(steps: Step[]): Plan {
  return { format: 1, host: 'local', steps, handlers: [] };
}

/** A transport that never runs anything and answers with `outcome` after printing `lines`. */
function fake(outcome: RunOutcome, lines: string[] = []): Transport & { calls: number } {
  return {
    calls: 0,
    async run(request) {
      this.calls += 1;
      lines.forEach(request.onLine);
      return outcome;
    },
  };
}

describe('runner/run-host', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  it("an apply's output comes back with its result, and line by line in the log as it comes, secrets masked (one of several lines too)", async () => {
    const token = secret('hunter2');
    const key = secret('-----BEGIN KEY-----\nc2VjcmV0IGJvZHk=\n-----END KEY-----');
    const plan = planWith([
      step('prints', {
        // The key's lines come a moment apart, so they reach bosun one at a time.
        apply: sh`printf 'before\n'; printf '%s\n' ${token}; printf '%s\n' ${key} | while IFS= read -r l; do printf '%s\n' "$l"; sleep 0.2; done
          printf 'partial '; sleep 0.2; printf 'line\nno newline at the end'`,
      }),
    ]);
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed']);
    expect(apply.steps[0]!.output).to.equal(`before\n${MASK}\n${MASK}\npartial line\nno newline at the end`);
    // However the lines were chunked on the way (one at a time, as a rule), no part of a secret shows.
    for (const part of ['hunter2', 'BEGIN KEY', 'c2VjcmV0IGJvZHk=', 'END KEY']) expect(apply.log).not.to.include(part);
    expect(apply.log.replaceAll(`${MASK}\n`, '')).to.equal('before\npartial line\nno newline at the end\n');
  });

  it('an apply that exits the shell itself still reports its own code and output through the relay', async () => {
    const plan = planWith([step('exits', { check: code('false'), apply: code("printf 'said this\\n'; exit 3") })]);
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.steps[0]).to.include({ rc: 3, output: 'said this\n' });
    expect(apply.log).to.equal('said this\n');
  });

  it('a step whose check still fails after its apply is failed with rc 125', async () => {
    const plan = planWith([
      step('never converges', { check: sh`[ -e ${`${dir}/never`} ]`, apply: sh`touch ${`${dir}/other`}` }),
      step('after', { check: code('false') }),
    ]);
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed', 'skipped']);
    expect(apply.steps[0]).to.include({ rc: 125 });
    expect(apply.steps[0]!.output).to.contain('did not converge');
    expect(apply.status).to.equal('failed');
  });

  it('an explicit verify decides convergence after the apply', async () => {
    const plan = planWith([
      step('verify passes', { check: code('false'), verify: code('true') }),
      step('verify fails', { check: code('false'), verify: code('false') }),
    ]);
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['changed', 'failed']);
    expect(apply.steps[1]!.rc).to.equal(125);
  });

  it('reports the host status from its steps: ok, would-change (unknown counts), changed, failed', async () => {
    const ok = await runPlan(planWith([step('ok', { check: code('true') })]), local, 'check');
    expect(ok.status).to.equal('ok');
    const unknown = await runPlan(planWith([step('ok', { check: code('true') }), step('unguarded', {})]), local, 'check');
    expect([unknown.status, ...statuses(unknown)]).to.deep.equal(['would-change', 'ok', 'unknown']);
    const always = await runPlan(planWith([step('always', { alwaysChanges: true })]), local, 'check');
    expect([always.status, ...statuses(always)]).to.deep.equal(['would-change', 'would-change']);
    const results: HostResult[] = [ok, unknown];
    expect(exitCode(results, { reportChanges: true })).to.equal(2);
    expect(exitCode([ok], { reportChanges: true })).to.equal(0);
    expect(exitCode([ok, { ...ok, status: 'unreachable' }], { reportChanges: true })).to.equal(4);
    expect(exitCode([unknown, { ...ok, status: 'failed' }], { reportChanges: true })).to.equal(6);
    expect(exitCode([unknown, { ...ok, status: 'failed' }], { reportChanges: false })).to.equal(4);
  });

  it('a forged frame printed by a step cannot change its result', async () => {
    const forged = '@@bosun {"t":"result","i":0,"s":"ok","rc":0}\n@@bosun {"t":"end"}';
    const plan = planOf([command({ argv: ['sh', '-c', 'printf "%s\\n" "$1"; exit 4', 'sh', forged] })]);
    const apply = await runPlan(plan, local, 'apply');
    expect(statuses(apply), explain(apply)).to.deep.equal(['failed']);
    expect(apply.steps[0]).to.include({ rc: 4, output: `${forged}\n` });
  });

  it('a frame with a status the runner does not know fails the host (a protocol error), never passed on as a status', async () => {
    const plan = planWith([step('s', { check: code('true') })]);
    const lines = ['@@bosun {"t":"start","i":0}', '@@bosun {"t":"result","i":0,"s":"done","rc":0}', '@@bosun {"t":"end"}'];
    const result = await runHost(plan, renderChecked(plan), fake({ exitCode: 0, unreachable: false, stderr: '' }, lines), {
      mode: 'check',
    });
    expect(result.status).to.equal('failed');
    expect(result.reason).to.match(/^protocol error: frame result: unknown status "done"/);
    expect(result.steps).to.deep.equal([]);
  });

  it('a session that ends without the end event failed, whatever its exit code', async () => {
    const plan = planWith([step('s', { check: code('true') })]);
    const died = await runHost(
      plan,
      renderChecked(plan),
      fake({ exitCode: 0, unreachable: false, stderr: 'line 1\nsh: 3: oops\n' }, ['@@bosun {"t":"start","i":0}']),
      { mode: 'check' },
    );
    expect(died).to.include({ status: 'failed', reason: 'line 1\nsh: 3: oops' });
    const unreachable = fake({ exitCode: undefined, unreachable: true, reason: 'connection refused', stderr: '' });
    expect(await runHost(plan, renderChecked(plan), unreachable, { mode: 'check' })).to.include({
      status: 'unreachable',
      reason: 'connection refused',
    });
    expect(unreachable.calls).to.equal(1);
  });

  describe('secrets', () => {
    const password = 'S3cr3t-pa$$word';

    it('never appear in a result, a diff, an output or the log, in check or apply', async () => {
      await writeFile(`${dir}/db.conf`, `password=${password}-old\n`);
      const plan = planOf([
        file({ path: `${dir}/db.conf`, content: secret(`password=${password}\n`) }),
        file({ path: `${dir}/db2.conf`, content: secret(password), validate: ['sh', '-c', 'cat "$1"; cat "$1" >&2; exit 1', 'sh', '%s'] }),
      ]);
      let logged = '';
      const check = await runHost(plan, renderChecked(plan), local, { mode: 'check', onLog: (text) => (logged += text) });
      expect(statuses(check)).to.deep.equal(['would-change', 'would-change']);
      expect(check.steps[0]!.diff).to.contain('sensitive content: diff hidden');
      const apply = await runHost(plan, renderChecked(plan), local, { mode: 'apply', onLog: (text) => (logged += text) });
      expect(statuses(apply), JSON.stringify(apply)).to.deep.equal(['changed', 'failed']);
      expect(apply.steps[1]!.output).to.contain(MASK);
      for (const text of [JSON.stringify(check), JSON.stringify(apply), logged]) expect(text).not.to.contain(password);
      expect(await readFile(`${dir}/db.conf`, 'utf8')).to.equal(`password=${password}\n`);
    });

    it('are masked whole, longest first, in any text', () => {
      expect(maskSecrets('a hunter2 b hunter22', ['hunter2', 'hunter22'])).to.equal(`a ${MASK} b ${MASK}`);
      expect(maskSecrets('nothing', [''])).to.equal('nothing');
      expect(JSON.stringify({ s: secret('x') })).to.equal(`{"s":"${MASK}"}`);
    });

    it('are masked in a diff of a non-sensitive file that happens to contain them', () => {
      const diff = renderDiff(
        { path: '/etc/x', probe: code(':'), desired: `token=${password}\n`, sensitive: false },
        { before: 'token=old\n' },
        [password],
        65536,
      );
      expect(diff).to.contain(`+token=${MASK}`).and.not.to.contain(password);
    });
  });

  describe('diffs', () => {
    it('never diff content over the cap: the host sends none of a large current file, and the diff gives the sizes', async () => {
      await writeFile(`${dir}/big`, 'x'.repeat(70_000));
      const frames: string[] = [];
      const recording: Transport = {
        run: (request) =>
          local.run({
            ...request,
            onLine: (line) => {
              frames.push(line);
              request.onLine(line);
            },
          }),
      };
      const plan = planOf([file({ path: `${dir}/big`, content: 'small\n' })]);
      const check = await runHost(plan, renderChecked(plan), recording, { mode: 'check' });
      expect(check.steps[0]!.diff).to.equal(
        `--- ${dir}/big\n+++ ${dir}/big\n(current: 70000 bytes; new: 6 bytes: over the 65536 bytes a diff shows)\n`,
      );
      expect(frames.join('\n')).to.contain('"t":"size"').and.not.to.contain('"t":"before"');
      const largePlan = planOf([file({ path: `${dir}/new`, content: 'y'.repeat(70_000) })]);
      // The plan holds a large content once, by its payload: its diff carries only the size.
      expect(largePlan.steps[0]!.diff).to.include({ size: 70_000 }).and.not.to.have.property('desired');
      const large = await runPlan(largePlan, local, 'check');
      expect(large.steps[0]!.diff).to.equal(
        `--- ${dir}/new\n+++ ${dir}/new\n(current: no file; new: 70000 bytes: over the 65536 bytes a diff shows)\n`,
      );
    });

    it('show a line edit computed on the host', async () => {
      await writeFile(`${dir}/f`, 'a\nb\n');
      const { line } = await import('../../index.ts');
      const check = await runPlan(planOf([line({ path: `${dir}/f`, line: 'c', insertAfter: '^a$' })]), local, 'check');
      expect(check.steps[0]!.diff).to.contain(' a\n+c\n b');
    });
  });
});
